"""The page of any address the portal does not have: framed for a signed-in user (their sidebar
and a way back to their home), a sign-in link for a visitor."""

from __future__ import annotations

import reflex as rx
from reflex.constants import Page404

from portal.components.frame import brand, frame, language_switch, page_loading, public_page
from portal.components.ui import t
from state.shared import routes
from state.shared.auth import AuthState
from state.shared.not_found import NotFoundState


def _message(link: rx.Component) -> rx.Component:
    return rx.vstack(
        rx.icon("map-pin-off", size=40, color=rx.color("gray", 9)),
        rx.heading(t("not_found.title"), size="7", as_="h1"),
        rx.text(t("not_found.body"), size="3", color_scheme="gray"),
        rx.code(AuthState.router.url.path, size="2", variant="ghost", id="not-found-path"),
        link,
        spacing="4",
        align="start",
        padding_y="2rem",
        max_width="36rem",
        id="not-found",
    )


def _signed_in() -> rx.Component:
    return frame(
        _message(
            rx.link(
                rx.button(rx.icon("house", size=16), t("not_found.home"), size="3"),
                href=AuthState.home_path,
                id="not-found-home",
            )
        )
    )


def _visitor() -> rx.Component:
    return rx.box(
        rx.hstack(brand(always_named=True), rx.spacer(), language_switch(), width="100%", align="center"),
        _message(
            rx.link(
                rx.button(rx.icon("log-in", size=16), t("not_found.sign_in"), size="3"),
                href=routes.LOGIN,
                id="not-found-sign-in",
            )
        ),
        padding=rx.breakpoints(initial="1rem", md="1.75rem"),
        min_height="100vh",
        background=rx.color("gray", 1),
        lang=rx.cond(AuthState.language == "zh", "zh-Hans", "en"),
    )


@public_page(Page404.SLUG, on_load=NotFoundState.identify)
def not_found() -> rx.Component:
    return rx.cond(
        NotFoundState.checked,
        rx.cond(AuthState.allowed, _signed_in(), _visitor()),
        page_loading(),
    )
