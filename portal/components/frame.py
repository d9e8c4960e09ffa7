"""The frame every signed-in page shares, and the `@framed_page` decorator that applies it.

Header: the portal, the organisation, the role, the notification bell, the language switch and
logout. Sidebar: the role's sections; on a phone it folds into a drawer behind a menu button.
The page body is shown only once the guard (`AuthState.check_access`) has let the principal in.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import reflex as rx
from reflex.event import EventType

from portal.components.bell import bell
from portal.components.ui import t
from services.i18n import LANGUAGES
from state.notifications.bell import BellState
from state.shared import routes
from state.shared.auth import AuthState

SIDEBAR_WIDTH = "15rem"
# (label key, route, icon) per role, in the order the sidebar shows them.
SECTIONS: dict[str, list[tuple[str, str, str]]] = {
    "manager": [
        ("nav.overview", routes.MANAGER, "layout-dashboard"),
        ("nav.kpis", routes.MANAGER_KPIS, "chart-no-axes-combined"),
        ("nav.planning", routes.MANAGER_PLANNING, "chart-spline"),
        ("nav.purchase_orders", routes.MANAGER_ORDERS, "clipboard-list"),
        ("nav.receiving", routes.MANAGER_RECEIVING, "truck"),
        ("nav.incidents", routes.MANAGER_INCIDENTS, "shield-alert"),
        ("nav.suppliers", routes.MANAGER_SUPPLIERS, "factory"),
        ("nav.price_suggestions", routes.MANAGER_PRICES, "tags"),
        ("nav.price_indices", routes.MANAGER_PRICE_INDICES, "chart-line"),
        ("nav.price_savings", routes.MANAGER_PRICE_SAVINGS, "piggy-bank"),
        ("nav.market_prices", routes.MANAGER_MARKET_PRICES, "globe"),
        ("nav.lots", routes.MANAGER_LOTS, "scan-search"),
        ("nav.scorecard_settings", routes.MANAGER_SCORECARD_SETTINGS, "sliders-horizontal"),
        ("nav.catalogue", routes.CATALOGUE, "book-open"),
        ("nav.stock", routes.STOCK, "warehouse"),
        ("nav.shipments", routes.SHIPMENTS, "truck"),
        ("nav.shipment_exceptions", routes.SHIPMENT_EXCEPTIONS, "siren"),
        ("nav.dealer_funnel", routes.NETWORK_FUNNEL, "filter"),
    ],
    "supplier": [
        ("nav.dashboard", routes.SUPPLIER, "layout-dashboard"),
        ("nav.purchase_orders", routes.SUPPLIER_ORDERS, "clipboard-list"),
        ("nav.incidents", routes.SUPPLIER_INCIDENTS, "shield-alert"),
        ("nav.scorecard", routes.SUPPLIER_SCORECARD, "gauge"),
        ("nav.price_changes", routes.SUPPLIER_PRICE_CHANGES, "tags"),
        ("nav.inventory_sync", routes.SUPPLIER_INVENTORY, "file-up"),
        ("nav.lots", routes.SUPPLIER_LOTS, "scan-search"),
        ("nav.my_parts", routes.CATALOGUE, "cog"),
        ("nav.my_stock", routes.STOCK, "boxes"),
    ],
    "dealer": [
        ("nav.orders_stock", routes.DEALER, "clipboard-list"),
        ("nav.orders", routes.ORDERS, "receipt"),
        ("nav.kpis", routes.DEALER_KPIS, "chart-no-axes-combined"),
        ("nav.cart", routes.CART, "shopping-cart"),
        ("nav.showroom", routes.SHOWROOM, "car"),
        ("nav.parts", routes.CATALOGUE, "cog"),
        ("nav.stock", routes.STOCK, "warehouse"),
        ("nav.test_drives", routes.DEALER_TEST_DRIVES, "calendar-days"),
        ("nav.leads", routes.DEALER_LEADS, "contact"),
        ("nav.deliveries", routes.SHIPMENTS, "truck"),
    ],
    "customer": [
        ("nav.showroom", routes.SHOWROOM, "car"),
        ("nav.my_orders", routes.MY_ORDERS, "shopping-bag"),
    ],
    "admin": [
        ("nav.users", routes.ADMIN, "users"),
        ("nav.organisations", routes.ADMIN_ORGANISATIONS, "building-2"),
        ("nav.parked_orders", routes.ADMIN_PARKED_ORDERS, "triangle-alert"),
        ("nav.audit", routes.ADMIN_AUDIT, "scroll-text"),
        ("nav.dead_letters", routes.ADMIN_DEAD_LETTERS, "inbox"),
        ("nav.dealer_funnel", routes.NETWORK_FUNNEL, "filter"),
    ],
}


def _nav_link(label_key: str, href: str, icon: str, in_drawer: bool = False) -> rx.Component:
    path = AuthState.router.url.path
    active = (path == href) | (path == href + "/")
    link = rx.link(
        rx.hstack(
            rx.icon(icon, size=18),
            rx.text(t(label_key), size="3", weight=rx.cond(active, "medium", "regular")),
            align="center",
            spacing="3",
            padding_x="0.75rem",
            padding_y="0.45rem",
            border_radius="var(--radius-3)",
            width="100%",
            background=rx.cond(active, rx.color("accent", 4), "transparent"),
            color=rx.cond(active, rx.color("accent", 11), rx.color("gray", 12)),
            _hover={"background": rx.color("accent", 3)},
        ),
        href=href,
        underline="none",
        width="100%",
        custom_attrs={"data-nav": href},
    )
    # In the phone drawer the link itself closes it (as_child: one <a>, not an <a> inside a button).
    return rx.drawer.close(link, as_child=True) if in_drawer else link


def _sections(in_drawer: bool = False) -> rx.Component:
    """The signed-in role's sections (nothing for an unknown role)."""
    return rx.match(
        AuthState.role,
        *[
            (role, rx.vstack(*[_nav_link(*item, in_drawer) for item in items], spacing="1", width="100%"))
            for role, items in SECTIONS.items()
        ],
        rx.fragment(),
    )


def _who() -> rx.Component:
    return rx.vstack(
        rx.text(AuthState.full_name, size="2", weight="medium", trim="both"),
        rx.text(AuthState.email, size="1", color_scheme="gray"),
        spacing="1",
        padding_x="0.75rem",
    )


def _scrolling_sections(in_drawer: bool = False) -> rx.Component:
    """The sections in a box that takes the height left and scrolls when a role has more of them
    than a short window shows (a manager's seventeen do not fit 720 px), so none is out of reach."""
    return rx.box(
        _sections(in_drawer),
        flex="1",
        min_height="0",
        overflow_y="auto",
        width="100%",
        custom_attrs={"data-nav-list": ""},
    )


def sidebar() -> rx.Component:
    return rx.box(
        rx.vstack(
            _scrolling_sections(),
            rx.divider(),
            _who(),
            height="100%",
            width="100%",
            spacing="3",
            padding_bottom="1rem",
        ),
        width=SIDEBAR_WIDTH,
        min_width=SIDEBAR_WIDTH,
        padding="1rem 0.75rem",
        border_right=f"1px solid {rx.color('gray', 5)}",
        background=rx.color("gray", 2),
        display=rx.breakpoints(initial="none", md="block"),
        position="sticky",
        top="3.75rem",
        height="calc(100vh - 3.75rem)",
    )


def _mobile_menu() -> rx.Component:
    return rx.box(
        rx.drawer.root(
            rx.drawer.trigger(
                rx.icon_button(
                    rx.icon("menu"), variant="ghost", size="3", aria_label=t("nav.menu"), id="menu-button"
                ),
            ),
            rx.drawer.overlay(z_index="50"),
            rx.drawer.portal(
                rx.drawer.content(
                    rx.vstack(
                        rx.hstack(
                            rx.text(t("nav.menu"), size="4", weight="bold"),
                            rx.spacer(),
                            rx.drawer.close(rx.icon_button(rx.icon("x"), variant="ghost")),
                            width="100%",
                            align="center",
                        ),
                        _organisation_badge(),
                        rx.divider(),
                        _scrolling_sections(in_drawer=True),
                        _who(),
                        spacing="4",
                        height="100%",
                        width="100%",
                    ),
                    top="auto",
                    right="auto",
                    height="100%",
                    width="18rem",
                    padding="1.25rem",
                    background_color=rx.color("gray", 1),
                    z_index="60",
                ),
            ),
            direction="left",
        ),
        display=rx.breakpoints(initial="block", md="none"),
    )


def _organisation_badge() -> rx.Component:
    return rx.hstack(
        rx.text(
            AuthState.organisation_label,
            size="2",
            weight="medium",
            id="header-organisation",
            white_space="nowrap",
            overflow="hidden",
            text_overflow="ellipsis",
            max_width=rx.breakpoints(initial="14rem", lg="24rem"),
        ),
        rx.badge(AuthState.role_label, variant="soft", radius="full", id="header-role"),
        align="center",
        spacing="2",
    )


def language_switch() -> rx.Component:
    return rx.select.root(
        rx.select.trigger(aria_label="Language / 语言", id="language-switch", variant="ghost"),
        rx.select.content(*[rx.select.item(name, value=code) for code, name in LANGUAGES.items()]),
        value=AuthState.language,
        on_change=AuthState.set_language,
        size="2",
    )


def brand(always_named: bool = False) -> rx.Component:
    """The logo and the portal's name (the name folds away on a phone's header)."""
    return rx.link(
        rx.hstack(
            rx.image(src="/logo.svg", width="28px", height="28px", alt=""),
            rx.text(
                t("app.name"),
                size="4",
                weight="bold",
                white_space="nowrap",
                display="block" if always_named else rx.breakpoints(initial="none", xs="block"),
            ),
            align="center",
            spacing="2",
        ),
        href=AuthState.home_path,
        underline="none",
        color=rx.color("gray", 12),
    )


def header() -> rx.Component:
    return rx.box(
        rx.hstack(
            _mobile_menu(),
            brand(),
            rx.box(
                _organisation_badge(),
                display=rx.breakpoints(initial="none", md="block"),
                padding_left="1.5rem",
            ),
            rx.spacer(),
            bell(),
            language_switch(),
            rx.button(
                rx.icon("log-out", size=16),
                rx.text(t("header.logout"), display=rx.breakpoints(initial="none", sm="block")),
                on_click=AuthState.logout,
                variant="soft",
                color_scheme="gray",
                id="logout",
            ),
            align="center",
            spacing="3",
            height="3.75rem",
            padding_x="1rem",
            width="100%",
        ),
        rx.box(
            _organisation_badge(),
            display=rx.breakpoints(initial="block", md="none"),
            padding_x="1rem",
            padding_bottom="0.5rem",
        ),
        position="sticky",
        top="0",
        z_index="10",
        width="100%",
        background=rx.color("gray", 1),
        border_bottom=f"1px solid {rx.color('gray', 5)}",
    )


def page_loading() -> rx.Component:
    return rx.center(rx.spinner(size="3"), width="100%", min_height="50vh")


def frame(content: rx.Component) -> rx.Component:
    """`content` inside the shared header and sidebar, shown once the guard admits the viewer."""
    return rx.box(
        header(),
        rx.hstack(
            sidebar(),
            rx.box(
                rx.cond(AuthState.allowed, content, page_loading()),
                flex="1",
                min_width="0",
                padding=rx.breakpoints(initial="1rem", md="1.75rem"),
                max_width="90rem",
            ),
            spacing="0",
            align="start",
            width="100%",
        ),
        min_height="100vh",
        background=rx.color("gray", 1),
        lang=rx.cond(AuthState.language == "zh", "zh-Hans", "en"),
    )


@dataclass(frozen=True)
class PageSpec:
    """A page waiting to be added to the app (portal/portal.py adds them all, once)."""

    render: Callable[[], rx.Component]
    route: str
    title: str
    on_load: tuple


PAGES: list[PageSpec] = []
TITLE = "Automotive Portal · 汽车产业链门户"


def _as_list(on_load) -> list:
    return [] if on_load is None else list(on_load) if isinstance(on_load, Sequence) else [on_load]


def public_page(route: str, on_load: EventType[()] | Sequence[EventType[()]] | None = None):
    """Register an unframed page (login, the '/' redirect) at `route`."""

    def decorator(render: Callable[[], rx.Component]) -> Callable[[], rx.Component]:
        PAGES.append(PageSpec(render, route, TITLE, tuple(_as_list(on_load))))
        return render

    return decorator


def framed_page(
    route: str,
    on_load: EventType[()] | Sequence[EventType[()]] | None = None,
) -> Callable[[Callable[[], rx.Component]], Callable[[], rx.Component]]:
    """Register a guarded page at `route`: the frame around it, and on load first the access
    guard, then the page's own loaders (which re-check the role on the server themselves)."""

    def decorator(render: Callable[[], rx.Component]) -> Callable[[], rx.Component]:
        def page() -> rx.Component:
            return frame(render())

        page.__name__ = render.__name__
        PAGES.append(
            PageSpec(page, route, TITLE, (AuthState.check_access, BellState.load, *_as_list(on_load)))
        )
        return page

    return decorator
