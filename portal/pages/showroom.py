"""/showroom (customers, dealers, managers) and /my-orders (customers)."""

from __future__ import annotations

import reflex as rx

from portal import routes
from portal.components.frame import framed_page
from portal.components.showroom import showroom_filters, trim_grid
from portal.components.ui import empty_state, page_heading, section, t
from state.showroom import ShowroomState


@framed_page(routes.SHOWROOM, on_load=ShowroomState.load)
def showroom() -> rx.Component:
    return rx.vstack(
        page_heading("showroom.title", "showroom.subtitle", showroom_filters()),
        trim_grid(),
        spacing="4", width="100%",
    )


@framed_page(routes.MY_ORDERS)
def my_orders() -> rx.Component:
    return rx.vstack(
        page_heading("my_orders.title"),
        section(t("orders.title"),
                empty_state("shopping-bag", t("orders.none"), t("orders.none_hint"), id="orders-empty")),
        spacing="4", width="100%",
    )
