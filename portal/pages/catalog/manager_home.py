"""/manager: the carmaker's KPI overview."""

from __future__ import annotations

import reflex as rx

from portal.components.frame import framed_page
from portal.components.ui import kpi_card, kpi_grid, page_heading, section, stock_value_card, t
from state.catalog.manager_home import ManagerState
from state.shared import routes

PLOT_CONFIG = {"displayModeBar": False, "responsive": True}


def _kpi(key: str, label_key: str, icon: str, **extra) -> rx.Component:
    return kpi_card(t(label_key), ManagerState.kpi[key], icon, loading=ManagerState.loading,
                    element_id=f"kpi-{key}", **extra)


def _chart(figure) -> rx.Component:
    return rx.skeleton(
        rx.box(rx.plotly.basic(data=figure, config=PLOT_CONFIG, use_resize_handler=True,
                               width="100%", height="320px"), width="100%"),
        loading=ManagerState.loading, width="100%", min_height="320px",
    )


@framed_page(routes.MANAGER, on_load=ManagerState.load)
def manager_home() -> rx.Component:
    return rx.vstack(
        page_heading("manager.title", "manager.subtitle",
                     rx.text(ManagerState.computed_at_text, size="1", color_scheme="gray",
                             id="computed-at")),
        kpi_grid(
            _kpi("suppliers", "kpi.suppliers", "factory"),
            _kpi("parts", "kpi.parts", "cog"),
            _kpi("dealers", "kpi.dealers", "store"),
            _kpi("trims", "kpi.trims", "car"),
            _kpi("part_units_on_hand", "kpi.part_units", "package"),
            _kpi("vehicle_units_on_hand", "kpi.vehicle_units", "car-front"),
            _kpi("low_stock_items", "kpi.low_stock", "triangle-alert", hint=ManagerState.low_stock_hint),
            _kpi("locations", "kpi.locations", "map-pin"),
        ),
        stock_value_card(ManagerState.stock_values, ManagerState.loading),
        rx.grid(
            section(t("manager.chart_title"), _chart(ManagerState.location_kind_figure)),
            section(t("manager.top_categories"), _chart(ManagerState.category_figure)),
            columns=rx.breakpoints(initial="1", lg="2"), spacing="4", width="100%",
        ),
        spacing="4", width="100%",
    )
