"""/manager/planning/<series>: one forecast series: the chart (history, backtest, forecast and its
band), the chosen model and why, the demand class, stock and value at risk."""

from __future__ import annotations

import reflex as rx

from portal.components.frame import framed_page
from portal.components.ui import back_link, fact, facts, header_cell, missing_notice, number_cell, section, t
from state.planning.series import SeriesState
from state.shared import routes

_CONFIG = {"displaylogo": False, "responsive": True, "displayModeBar": False}


def _chart() -> rx.Component:
    return rx.box(
        rx.plotly(
            data=SeriesState.figure, config=_CONFIG, use_resize_handler=True, width="100%", height="360px"
        ),
        width="100%",
        id="planning-chart",
    )


def _error_row(row) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.vstack(
                rx.text(row["role"], size="1", color_scheme="gray"),
                rx.text(row["model"], weight="medium"),
                spacing="0",
            )
        ),
        number_cell(row["mase"]),
        number_cell(row["rmsse"]),
        number_cell(row["bias"]),
    )


def _why() -> rx.Component:
    return section(
        t("planning.why.title"),
        facts(
            fact(
                "planning.model",
                rx.text(SeriesState.model_label, size="2", weight="bold", id="planning-model"),
            ),
            fact(
                "planning.demand_class",
                rx.badge(SeriesState.class_label, variant="soft", id="planning-class-badge"),
            ),
        ),
        rx.text(SeriesState.why, size="2", id="planning-why"),
        rx.cond(
            SeriesState.error_rows.length() > 0,  # type: ignore[union-attr]
            rx.box(
                rx.table.root(
                    rx.table.header(
                        rx.table.row(
                            header_cell("planning.model"),
                            header_cell("planning.errors.mase", "right"),
                            header_cell("planning.errors.rmsse", "right"),
                            header_cell("planning.errors.bias", "right"),
                        )
                    ),
                    rx.table.body(rx.foreach(SeriesState.error_rows, _error_row)),
                    size="1",
                    variant="surface",
                    width="100%",
                    id="planning-errors",
                ),
                overflow_x="auto",
                width="100%",
            ),
        ),
        rx.text(t("planning.errors.hint"), size="1", color_scheme="gray"),
    )


def _stock() -> rx.Component:
    return section(
        t("planning.series.stock"),
        facts(
            fact("planning.forecast_demand", SeriesState.stock_facts["demand"]),
            fact("planning.free_stock", SeriesState.stock_facts["free_stock"]),
            fact("planning.shortfall", SeriesState.stock_facts["shortfall"]),
            fact("planning.unit_price", SeriesState.stock_facts["unit_price"]),
            fact(
                "planning.value_at_risk", SeriesState.stock_facts["value_at_risk"], "planning-value-at-risk"
            ),
        ),
        rx.text(SeriesState.risk_hint, size="1", color_scheme="gray"),
    )


def _series() -> rx.Component:
    return rx.vstack(
        back_link(routes.MANAGER_PLANNING, "planning.back"),
        rx.vstack(
            rx.heading(SeriesState.title, size=rx.breakpoints(initial="5", md="6"), id="page-title"),
            rx.text(SeriesState.location_label, color_scheme="gray", size="3", id="planning-location-label"),
            rx.text(SeriesState.stock_facts["run"], color_scheme="gray", size="1"),
            spacing="1",
            margin_bottom="0.5rem",
        ),
        section(t("planning.chart.title"), _chart()),
        rx.grid(_why(), _stock(), columns=rx.breakpoints(initial="1", lg="2"), gap="1rem", width="100%"),
        spacing="4",
        width="100%",
    )


@framed_page(routes.MANAGER_PLANNING_SERIES, on_load=SeriesState.load)
def planning_series() -> rx.Component:
    return rx.box(
        rx.cond(
            SeriesState.found,
            _series(),
            rx.cond(
                SeriesState.loading,
                rx.center(rx.spinner(size="3"), width="100%", min_height="40vh"),
                rx.vstack(
                    rx.heading(t("planning.series.missing_title"), size="6"),
                    missing_notice("planning.series.not_found"),
                    back_link(routes.MANAGER_PLANNING, "planning.back"),
                    spacing="3",
                    id="planning-missing",
                ),
            ),
        ),
        width="100%",
    )
