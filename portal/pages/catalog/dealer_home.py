"""/dealer: the dealer's store figures, its latest orders, and its showroom stock."""

from __future__ import annotations

import reflex as rx

from portal.components.frame import framed_page
from portal.components.funnel import funnel_section
from portal.components.orders import orders_table
from portal.components.showroom import showroom_filters, trim_grid
from portal.components.ui import (
    choice_select,
    figure_card,
    figures_heading,
    kpi_grid,
    section,
    stock_value_card,
    t,
)
from state.catalog.dealer_home import DealerState
from state.ordering.orders import RecentOrdersState
from state.shared import routes
from state.showroom.browse import ShowroomState
from state.showroom.funnel import FunnelState


def orders_section() -> rx.Component:
    """The latest orders the dealer placed (or its customers placed), with the way to all of them."""
    return section(
        t("orders.title"),
        orders_table(RecentOrdersState.display_rows, RecentOrdersState.loading, "recent-orders"),
        rx.cond(
            RecentOrdersState.total > 0,
            rx.link(RecentOrdersState.more_label, href=routes.ORDERS, size="2", id="all-orders"),
        ),
        actions=rx.flex(
            choice_select(
                RecentOrdersState.side,
                RecentOrdersState.side_options,
                RecentOrdersState.set_side,
                "recent-orders-side",
                min_width="11rem",
            ),
            rx.link(
                rx.button(rx.icon("shopping-cart", size=16), t("nav.cart"), variant="soft"), href=routes.CART
            ),
            gap="0.75rem",
            wrap="wrap",
            align="center",
        ),
    )


@framed_page(
    routes.DEALER, on_load=[DealerState.load, RecentOrdersState.load, ShowroomState.load, FunnelState.load]
)
def dealer_home() -> rx.Component:
    return rx.vstack(
        figures_heading("dealer.title", "dealer.subtitle", DealerState),
        kpi_grid(
            figure_card(DealerState, "vehicle_units_on_hand", "kpi.vehicle_units", "car-front"),
            figure_card(DealerState, "vehicle_units_reserved", "kpi.vehicle_units_reserved", "car"),
            figure_card(DealerState, "part_units_on_hand", "kpi.part_units", "package"),
            figure_card(
                DealerState,
                "low_stock_items",
                "kpi.low_stock",
                "triangle-alert",
                hint=DealerState.low_stock_hint,
            ),
        ),
        stock_value_card(DealerState.stock_values, DealerState.loading),
        orders_section(),
        section(t("dealer.showroom_stock"), trim_grid(), actions=showroom_filters()),
        funnel_section(),
        spacing="4",
        width="100%",
    )
