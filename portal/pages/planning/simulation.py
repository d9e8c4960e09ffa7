"""/manager/planning/simulation[?proposal=<id>]: the proposal's order-up-to policy beside today's min/max
rule on the last 12 months of demand: the four figures in a chart and a table, the same per stock
location, and how they are computed."""

from __future__ import annotations

import reflex as rx

from portal.components.frame import framed_page
from portal.components.ui import (
    PHONE_ONLY,
    WIDE_ONLY,
    back_link,
    empty_state,
    header_cell,
    page_heading,
    section,
    t,
)
from state.planning.simulation import SimulationState
from state.shared import routes

_CONFIG = {"displaylogo": False, "responsive": True, "displayModeBar": False}


def _pair(proposal, min_max) -> rx.Component:
    """A figure of both policies on two lines: the proposal's first."""
    return rx.vstack(
        rx.text(proposal, weight="medium", white_space="nowrap", class_name="simulation-proposal"),
        rx.text(
            min_max, size="1", color_scheme="gray", white_space="nowrap", class_name="simulation-min-max"
        ),
        spacing="0",
        align="end",
    )


def _figure_row(row) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row["label"]),
        rx.table.cell(
            rx.vstack(
                rx.text(
                    row["proposal"], weight="medium", white_space="nowrap", class_name="simulation-proposal"
                ),
                # A phone leaves the min/max column out: its figure sits under the proposal's.
                rx.text(
                    t("simulation.policy.min_max"),
                    ": ",
                    rx.text.span(row["min_max"], white_space="nowrap", class_name="simulation-min-max"),
                    size="1",
                    color_scheme="gray",
                    **PHONE_ONLY,
                ),
                spacing="0",
                align="end",
            ),
            text_align="right",
        ),
        rx.table.cell(
            rx.text(row["min_max"], white_space="nowrap", class_name="simulation-min-max"),
            text_align="right",
            **WIDE_ONLY,
        ),
        custom_attrs={"data-figure": row["key"]},
    )


def _location_row(row) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.vstack(
                rx.text(row["code"], weight="medium"),
                rx.text(row["name"], size="1", color_scheme="gray"),
                rx.text(t("simulation.items"), " ", row["items"], size="1", color_scheme="gray"),
                # A phone leaves the value and turnover columns out: they sit under the location.
                rx.text(
                    t("simulation.figure.average_inventory_value"),
                    ": ",
                    row["value_proposal"],
                    " / ",
                    row["value_min_max"],
                    size="1",
                    color_scheme="gray",
                    **PHONE_ONLY,
                ),
                rx.text(
                    t("simulation.figure.turnover"),
                    ": ",
                    row["turnover_proposal"],
                    " / ",
                    row["turnover_min_max"],
                    size="1",
                    color_scheme="gray",
                    **PHONE_ONLY,
                ),
                spacing="0",
            ),
        ),
        rx.table.cell(_pair(row["fill_proposal"], row["fill_min_max"]), text_align="right"),
        rx.table.cell(_pair(row["stockout_proposal"], row["stockout_min_max"]), text_align="right"),
        rx.table.cell(_pair(row["value_proposal"], row["value_min_max"]), text_align="right", **WIDE_ONLY),
        rx.table.cell(
            _pair(row["turnover_proposal"], row["turnover_min_max"]), text_align="right", **WIDE_ONLY
        ),
    )


def _result() -> rx.Component:
    return rx.vstack(
        rx.text(SimulationState.basis, size="2", id="simulation-basis"),
        section(
            t("simulation.figures"),
            rx.box(
                rx.plotly(
                    data=SimulationState.figure,
                    config=_CONFIG,
                    use_resize_handler=True,
                    width="100%",
                    height="420px",
                ),
                width="100%",
                id="simulation-chart",
            ),
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        header_cell("simulation.figure"),
                        header_cell("simulation.policy.proposal", "right", wrap=True),
                        header_cell("simulation.policy.min_max", "right", wide_only=True),
                    )
                ),
                rx.table.body(rx.foreach(SimulationState.figure_rows, _figure_row)),
                width="100%",
                id="simulation-figures",
            ),
        ),
        section(
            t("simulation.by_location"),
            rx.text(t("simulation.pair_hint"), size="1", color_scheme="gray"),
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        header_cell("simulation.location"),
                        header_cell("simulation.figure.fill_rate", "right", wrap=True),
                        header_cell("simulation.figure.stockout_rate", "right", wrap=True),
                        header_cell("simulation.figure.average_inventory_value", "right", wide_only=True),
                        header_cell("simulation.figure.turnover", "right", wide_only=True),
                    )
                ),
                rx.table.body(rx.foreach(SimulationState.location_rows, _location_row)),
                width="100%",
                id="simulation-locations",
            ),
        ),
        section(
            t("simulation.how_title"),
            rx.text(t("simulation.how_replay"), size="2"),
            rx.text(t("simulation.how_proposal"), size="2"),
            rx.text(t("simulation.how_min_max"), size="2"),
            rx.text(t("simulation.how_figures"), size="2"),
        ),
        spacing="4",
        width="100%",
    )


@framed_page(routes.MANAGER_SIMULATION, on_load=SimulationState.load)
def simulation_page() -> rx.Component:
    return rx.vstack(
        back_link(SimulationState.proposal_href, "simulation.back"),
        page_heading("simulation.title", "simulation.subtitle"),
        rx.cond(
            SimulationState.loading,
            rx.center(
                rx.hstack(rx.spinner(), rx.text(t("simulation.running"), size="2"), align="center"),
                width="100%",
                padding="6",
                id="simulation-loading",
            ),
            rx.cond(
                SimulationState.error != "",
                rx.callout(
                    SimulationState.error, icon="circle-alert", color_scheme="red", id="simulation-error"
                ),
                rx.cond(
                    SimulationState.has_result,
                    _result(),
                    empty_state("chart-column", t("simulation.none"), t("simulation.none_hint")),
                ),
            ),
        ),
        spacing="4",
        width="100%",
    )
