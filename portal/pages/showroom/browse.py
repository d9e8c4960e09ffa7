"""/showroom (public: visitors, customers, dealers, managers) and /my-orders (customers)."""

from __future__ import annotations

import reflex as rx

from portal.components.frame import framed_page
from portal.components.public_frame import showroom_page
from portal.components.showroom import compare_tray, showroom_filters, trim_grid
from portal.components.ui import page_heading, section, t
from portal.components.vehicle_order import vehicle_order_dialog
from portal.pages.ordering.orders import order_filters, order_list
from state.ordering.orders import OrderListState
from state.shared import routes
from state.showroom.browse import ShowroomState


@showroom_page(routes.SHOWROOM, on_load=ShowroomState.load)
def showroom() -> rx.Component:
    """Open to visitors; a signed-in user sees it in their own frame."""
    return rx.vstack(
        page_heading("showroom.title", "showroom.subtitle", showroom_filters()),
        rx.cond(
            ShowroomState.currency_note != "",
            rx.text(ShowroomState.currency_note, size="2", color_scheme="gray", id="currency-note"),
        ),
        compare_tray(),
        trim_grid(),
        vehicle_order_dialog(),
        spacing="4",
        width="100%",
    )


@framed_page(routes.MY_ORDERS, on_load=OrderListState.load)
def my_orders() -> rx.Component:
    return rx.vstack(
        page_heading("my_orders.title", None, order_filters(with_side=False)),
        section(t("orders.title"), order_list()),
        spacing="4",
        width="100%",
    )
