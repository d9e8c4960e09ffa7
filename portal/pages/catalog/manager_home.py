"""/manager: the carmaker's KPI overview."""

from __future__ import annotations

import reflex as rx

from portal.components.frame import framed_page
from portal.components.ui import figure_card, figures_heading, kpi_grid, section, stock_value_card, t
from state.catalog.manager_home import ManagerState
from state.shared import routes

PLOT_CONFIG = {"displayModeBar": False, "responsive": True}


def _chart(figure) -> rx.Component:
    return rx.skeleton(
        rx.box(
            rx.plotly.basic(
                data=figure, config=PLOT_CONFIG, use_resize_handler=True, width="100%", height="320px"
            ),
            width="100%",
        ),
        loading=ManagerState.loading,
        width="100%",
        min_height="320px",
    )


@framed_page(routes.MANAGER, on_load=ManagerState.load)
def manager_home() -> rx.Component:
    return rx.vstack(
        figures_heading("manager.title", "manager.subtitle", ManagerState),
        kpi_grid(
            figure_card(ManagerState, "suppliers", "kpi.suppliers", "factory"),
            figure_card(ManagerState, "parts", "kpi.parts", "cog"),
            figure_card(ManagerState, "dealers", "kpi.dealers", "store"),
            figure_card(ManagerState, "trims", "kpi.trims", "car"),
            figure_card(ManagerState, "part_units_on_hand", "kpi.part_units", "package"),
            figure_card(ManagerState, "vehicle_units_on_hand", "kpi.vehicle_units", "car-front"),
            figure_card(
                ManagerState,
                "low_stock_items",
                "kpi.low_stock",
                "triangle-alert",
                hint=ManagerState.low_stock_hint,
            ),
            figure_card(ManagerState, "locations", "kpi.locations", "map-pin"),
        ),
        stock_value_card(ManagerState.stock_values, ManagerState.loading),
        rx.link(
            rx.button(rx.icon("filter", size=16), t("manager_funnel.open"), variant="soft"),
            href=routes.NETWORK_FUNNEL,
            id="open-dealer-funnel",
        ),
        rx.grid(
            section(t("manager.chart_title"), _chart(ManagerState.location_kind_figure)),
            section(t("manager.top_categories"), _chart(ManagerState.category_figure)),
            columns=rx.breakpoints(initial="1", lg="2"),
            spacing="4",
            width="100%",
        ),
        spacing="4",
        width="100%",
    )
