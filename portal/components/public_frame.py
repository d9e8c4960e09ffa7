"""The frame of the public showroom pages: a signed-in user keeps their header and sidebar, a
visitor gets the public header (showroom, dealers, language, "Sign in"); nobody is sent away."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import reflex as rx
from reflex.event import EventType

from portal.components.frame import PAGES, TITLE, PageSpec, _as_list, frame, language_switch, page_loading
from portal.components.ui import t
from state.shared import routes
from state.shared.auth import AuthState
from state.showroom.visitor import VisitorState


def _public_link(label_key: str, href: str, icon: str, element_id: str) -> rx.Component:
    return rx.link(
        rx.hstack(
            rx.icon(icon, size=16),
            rx.text(t(label_key), size="2", display=rx.breakpoints(initial="none", sm="block")),
            align="center",
            spacing="1",
        ),
        href=href,
        underline="none",
        color=rx.color("gray", 12),
        id=element_id,
        aria_label=t(label_key),
    )


def public_header() -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.link(
                rx.hstack(
                    rx.image(src="/logo.svg", width="28px", height="28px", alt=""),
                    rx.text(
                        t("app.name"),
                        size="4",
                        weight="bold",
                        white_space="nowrap",
                        display=rx.breakpoints(initial="none", md="block"),
                    ),
                    align="center",
                    spacing="2",
                ),
                href=routes.SHOWROOM,
                underline="none",
                color=rx.color("gray", 12),
            ),
            _public_link("nav.showroom", routes.SHOWROOM, "car", "public-nav-showroom"),
            _public_link("nav.dealers", routes.DEALERS, "map-pin", "public-nav-dealers"),
            rx.spacer(),
            language_switch(),
            rx.link(
                rx.button(rx.icon("log-in", size=16), t("public.sign_in"), size="2"),
                href=routes.LOGIN,
                id="public-sign-in",
            ),
            align="center",
            spacing="4",
            height="3.75rem",
            padding_x="1rem",
            width="100%",
        ),
        position="sticky",
        top="0",
        z_index="10",
        width="100%",
        background=rx.color("gray", 1),
        border_bottom=f"1px solid {rx.color('gray', 5)}",
    )


def public_frame(content: rx.Component) -> rx.Component:
    return rx.box(
        public_header(),
        rx.box(
            content,
            padding=rx.breakpoints(initial="1rem", md="1.75rem"),
            max_width="90rem",
            margin_x="auto",
            width="100%",
        ),
        min_height="100vh",
        background=rx.color("gray", 1),
        lang=rx.cond(AuthState.language == "zh", "zh-Hans", "en"),
        id="public-frame",
    )


def showroom_page(route: str, on_load: EventType[()] | Sequence[EventType[()]] | None = None):
    """Register a public page at `route`: on load first who is looking (VisitorState.identify),
    then the page's loaders; the signed-in frame or the public one around it."""

    def decorator(render: Callable[[], rx.Component]) -> Callable[[], rx.Component]:
        def page() -> rx.Component:
            return rx.cond(
                VisitorState.checked,
                rx.cond(AuthState.allowed, frame(render()), public_frame(render())),
                page_loading(),
            )

        page.__name__ = render.__name__
        PAGES.append(PageSpec(page, route, TITLE, (VisitorState.identify, *_as_list(on_load))))
        return page

    return decorator
