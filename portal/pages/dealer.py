"""/dealer: the dealer's store figures, its showroom stock, and its orders."""

from __future__ import annotations

import reflex as rx

from portal import routes
from portal.components.frame import framed_page
from portal.components.showroom import showroom_filters, trim_grid
from portal.components.ui import empty_state, kpi_card, kpi_grid, page_heading, section, stock_value_card, t
from state.dealer import DealerState
from state.showroom import ShowroomState


def _kpi(key: str, label_key: str, icon: str, **extra) -> rx.Component:
    return kpi_card(t(label_key), DealerState.kpi[key], icon, loading=DealerState.loading,
                    element_id=f"kpi-{key}", **extra)


def orders_section() -> rx.Component:
    return section(
        t("orders.title"),
        empty_state("clipboard-list", t("orders.none"), t("orders.none_hint"), id="orders-empty"),
    )


@framed_page(routes.DEALER, on_load=[DealerState.load, ShowroomState.load])
def dealer_home() -> rx.Component:
    return rx.vstack(
        page_heading("dealer.title", "dealer.subtitle",
                     rx.text(DealerState.computed_at_text, size="1", color_scheme="gray",
                             id="computed-at")),
        kpi_grid(
            _kpi("vehicle_units_on_hand", "kpi.vehicle_units", "car-front"),
            _kpi("vehicle_units_reserved", "kpi.vehicle_units_reserved", "car"),
            _kpi("part_units_on_hand", "kpi.part_units", "package"),
            _kpi("low_stock_items", "kpi.low_stock", "triangle-alert", hint=DealerState.low_stock_hint),
        ),
        stock_value_card(DealerState.stock_values, DealerState.loading),
        orders_section(),
        section(t("dealer.showroom_stock"), trim_grid(), actions=showroom_filters()),
        spacing="4", width="100%",
    )
