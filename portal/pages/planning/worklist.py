"""/manager/planning: the planner's worklist of forecast series by value at risk, the filters, and
the "run forecasts" button with the progress of the run going."""

from __future__ import annotations

import reflex as rx

from portal.components.frame import framed_page
from portal.components.ui import (
    PHONE_ONLY,
    WIDE_ONLY,
    choice_select,
    empty_state,
    header_cell,
    number_cell,
    page_heading,
    paged_table,
    section,
    t,
)
from state.planning.worklist import PlanningState
from state.shared import routes


def _row(row) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.vstack(
                rx.link(
                    rx.text(row["sku"], weight="medium"), href=row["href"], class_name="planning-series-link"
                ),
                rx.text(row["part"], size="1", color_scheme="gray"),
                spacing="0",
            ),
            min_width="9rem",
        ),
        rx.table.cell(
            rx.vstack(
                rx.text(row["location_code"], size="2"),
                rx.text(row["location"], size="1", color_scheme="gray"),
                spacing="0",
            ),
            **WIDE_ONLY,
        ),
        rx.table.cell(
            rx.badge(row["demand_class"], variant="soft", radius="full"), white_space="nowrap", **WIDE_ONLY
        ),
        rx.table.cell(
            rx.vstack(
                rx.text(row["model"], size="2"),
                rx.text("MASE ", row["mase"], size="1", color_scheme="gray"),
                spacing="0",
            ),
            **WIDE_ONLY,
        ),
        number_cell(row["demand"], wide_only=True),
        number_cell(row["free_stock"], wide_only=True),
        number_cell(row["shortfall"], wide_only=True),
        rx.table.cell(
            rx.vstack(
                rx.text(
                    row["value_at_risk"],
                    weight=rx.cond(row["at_risk"], "bold", "regular"),
                    color_scheme=rx.cond(row["at_risk"], "red", "gray"),
                    white_space="nowrap",
                    class_name="planning-value",
                ),
                # A phone leaves the shortfall column out: the units short sit under the value.
                rx.text(
                    t("planning.shortfall"),
                    " ",
                    row["shortfall"],
                    size="1",
                    color_scheme="gray",
                    **PHONE_ONLY,
                ),
                spacing="0",
                align="end",
            ),
            text_align="right",
        ),
        custom_attrs={"data-series": row["series_id"]},
    )


def _run_panel() -> rx.Component:
    return rx.vstack(
        rx.flex(
            rx.text(PlanningState.run_label, size="2", id="planning-run-status"),
            rx.spacer(),
            rx.button(
                rx.cond(PlanningState.run_active, rx.spinner(size="1"), rx.icon("play", size=16)),
                t("planning.run.button"),
                on_click=PlanningState.start_run,
                disabled=PlanningState.run_active | PlanningState.starting,
                loading=PlanningState.starting,
                id="planning-run",
            ),
            gap="3",
            align="center",
            wrap="wrap",
            width="100%",
        ),
        rx.cond(
            PlanningState.run_active,
            rx.progress(value=PlanningState.run_percent, max=100, width="100%", id="planning-run-progress"),
        ),
        spacing="2",
        width="100%",
    )


def _filters() -> rx.Component:
    width = rx.breakpoints(initial="100%", sm="16rem")
    return rx.flex(
        choice_select(
            PlanningState.location,
            PlanningState.location_options,
            PlanningState.set_location,
            "planning-location",
            "planning.location",
            width=width,
        ),
        choice_select(
            PlanningState.demand_class,
            PlanningState.class_options,
            PlanningState.set_demand_class,
            "planning-class",
            "planning.demand_class",
            width=width,
        ),
        gap="3",
        wrap="wrap",
        align="end",
        width="100%",
    )


@framed_page(routes.MANAGER_PLANNING, on_load=PlanningState.load)
def planning_worklist() -> rx.Component:
    return rx.vstack(
        page_heading(
            "planning.title",
            "planning.subtitle",
            rx.flex(
                rx.link(
                    rx.button(rx.icon("package-plus", size=16), t("proposals.open"), variant="soft"),
                    href=routes.MANAGER_PROPOSALS,
                    id="planning-proposals",
                ),
                rx.link(
                    rx.button(rx.icon("chart-column", size=16), t("simulation.open"), variant="soft"),
                    href=routes.MANAGER_SIMULATION,
                    id="planning-simulation",
                ),
                gap="2",
                wrap="wrap",
            ),
        ),
        section(t("planning.run.title"), _run_panel()),
        section(
            t("planning.worklist.title"),
            rx.text(PlanningState.risk_note, size="2", color_scheme="gray"),
            _filters(),
            paged_table(
                PlanningState,
                [
                    header_cell("planning.part"),
                    header_cell("planning.location", wide_only=True),
                    header_cell("planning.demand_class", wide_only=True),
                    header_cell("planning.model", wide_only=True),
                    header_cell("planning.forecast_demand", "right", wide_only=True),
                    header_cell("planning.free_stock", "right", wide_only=True),
                    header_cell("planning.shortfall", "right", wide_only=True),
                    header_cell("planning.value_at_risk", "right"),
                ],
                _row,
                table_id="planning-table",
                min_width="56rem",
                phone_min_width="0",
                empty=empty_state(
                    "chart-spline", t("planning.worklist.none"), t("planning.worklist.none_hint")
                ),
            ),
        ),
        on_unmount=PlanningState.stop_watching,
        spacing="4",
        width="100%",
    )
