"""/manager/prices/savings: the savings backtest: totals, a bar per category and supplier, the table."""

from __future__ import annotations

import reflex as rx

from portal.components.frame import framed_page
from portal.components.ui import (
    back_link,
    choice_select,
    data_table,
    empty_state,
    header_cell,
    kpi_card,
    number_cell,
    page_heading,
    section,
    t,
)
from state.pricing.savings import SavingsRow
from state.pricing.savings import SavingsState as Savings
from state.shared import routes

_CONFIG = {"displaylogo": False, "responsive": True}


def _row(row: SavingsRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.vstack(
                rx.text(row["category"], weight="medium"),
                rx.text(row["supplier"], size="1", color_scheme="gray"),
                spacing="0",
            ),
            min_width=rx.breakpoints(initial="0", md="14rem"),
        ),
        number_cell(row["lines"], wide_only=True),
        number_cell(row["paid"], wide_only=True),
        number_cell(row["with_agreements"], wide_only=True),
        rx.table.cell(
            rx.vstack(
                rx.text(
                    row["savings"],
                    color=rx.cond(row["saved"], rx.color("grass", 11), rx.color("red", 11)),
                    weight="medium",
                    white_space="nowrap",
                ),
                rx.text(row["savings_pct"], size="1", color_scheme="gray", white_space="nowrap"),
                spacing="0",
                align="end",
            ),
            text_align="right",
            style={"font-variant-numeric": "tabular-nums"},
        ),
        custom_attrs={"data-group": row["key"]},
    )


@framed_page(routes.MANAGER_PRICE_SAVINGS, on_load=Savings.load)
def price_savings() -> rx.Component:
    totals = Savings.totals
    return rx.vstack(
        back_link(routes.MANAGER_PRICES, "pricing.nav.queue"),
        page_heading(
            "pricing.savings.title",
            "pricing.savings.subtitle",
            choice_select(Savings.months, Savings.period_options, Savings.set_months, "savings-period"),
        ),
        rx.text(totals["period"], size="2", color_scheme="gray", id="savings-period-text"),
        rx.grid(
            kpi_card(
                t("pricing.savings.paid"),
                totals["paid"],
                "receipt",
                loading=Savings.loading,
                element_id="savings-paid",
            ),
            kpi_card(
                t("pricing.savings.with_agreements"),
                totals["with_agreements"],
                "file-text",
                loading=Savings.loading,
                element_id="savings-with-agreements",
            ),
            kpi_card(
                t("pricing.savings.col_savings"),
                totals["savings"],
                "piggy-bank",
                loading=Savings.loading,
                element_id="savings-total",
            ),
            kpi_card(
                t("pricing.savings.share"),
                totals["savings_pct"],
                "percent",
                loading=Savings.loading,
                element_id="savings-share",
            ),
            # Amounts in the millions: two cards a row until the screen is wide.
            columns=rx.breakpoints(initial="1", sm="2", xl="4"),
            spacing=rx.breakpoints(initial="3", sm="4"),
            width="100%",
        ),
        rx.cond(totals["left_out"] != "", rx.text(totals["left_out"], size="1", color_scheme="gray")),
        section(
            t("pricing.savings.chart"),
            rx.cond(
                Savings.rows.length() > 0,
                rx.box(
                    rx.plotly.basic(
                        data=Savings.figure, config=_CONFIG, use_resize_handler=True, width="100%"
                    ),
                    width="100%",
                    id="savings-chart",
                ),
                rx.cond(
                    ~Savings.loading,
                    empty_state("piggy-bank", t("pricing.savings.empty"), t("pricing.savings.empty_hint")),
                ),
            ),
        ),
        section(
            t("pricing.savings.table"),
            data_table(
                [
                    header_cell("pricing.savings.col_group"),
                    header_cell("pricing.savings.col_lines", "right", wide_only=True),
                    header_cell("pricing.savings.paid", "right", wide_only=True),
                    header_cell("pricing.savings.with_agreements", "right", wide_only=True),
                    header_cell("pricing.savings.col_savings", "right"),
                ],
                Savings.rows,
                _row,
                table_id="savings-table",
                loading=Savings.loading,
                min_width="44rem",
                phone_min_width="0",
                size="2",
            ),
        ),
        spacing="4",
        width="100%",
    )
