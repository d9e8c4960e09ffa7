"""/manager/prices/agreements/[agreement_ref]: one part's price agreement: the price history chart with
the index overlay and the corridor, the terms beside it, open suggestions and decisions."""

from __future__ import annotations

import reflex as rx

from portal.components.frame import framed_page
from portal.components.ui import (
    WIDE_ONLY,
    back_link,
    data_table,
    empty_state,
    fact,
    header_cell,
    missing_notice,
    number_cell,
    section,
    state_badge,
    t,
)
from state.pricing.agreement import AgreementPageState as Agreement
from state.pricing.agreement import DecisionRow, OpenRow, SourcingRow
from state.shared import routes

_CONFIG = {"displaylogo": False, "responsive": True}


def _chart() -> rx.Component:
    return rx.skeleton(
        rx.box(
            rx.plotly.basic(
                data=Agreement.figure, config=_CONFIG, use_resize_handler=True, width="100%", height="360px"
            ),
            width="100%",
            id="price-history-chart",
        ),
        loading=Agreement.loading,
        width="100%",
        min_height="360px",
    )


def _terms() -> rx.Component:
    facts = Agreement.facts
    return rx.vstack(
        rx.grid(
            fact("pricing.agreement.supplier", facts["supplier"], "agreement-supplier"),
            fact("pricing.agreement.current", facts["current"], "agreement-current"),
            fact("pricing.agreement.base", facts["base"]),
            fact("pricing.agreement.corridor", facts["corridor"], "agreement-corridor"),
            fact("pricing.agreement.fixed_share", facts["fixed_share"]),
            fact("pricing.agreement.step", facts["step"]),
            fact("pricing.agreement.bands", facts["bands"]),
            fact("pricing.agreement.review", facts["review"]),
            fact("pricing.agreement.last_review", facts["last_review"]),
            fact("pricing.agreement.status_label", facts["status"]),
            columns="2",
            spacing="3",
            width="100%",
        ),
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    header_cell("pricing.col.index"),
                    header_cell("pricing.col.weight", "right"),
                    header_cell("pricing.col.window", wrap=True),
                )
            ),
            rx.table.body(
                rx.foreach(
                    Agreement.terms,
                    lambda term: rx.table.row(
                        rx.table.cell(
                            rx.vstack(
                                rx.text(term["name"], size="2"),
                                rx.code(term["code"], variant="ghost", size="1"),
                                spacing="0",
                            )
                        ),
                        number_cell(term["weight"]),
                        rx.table.cell(term["window"], size="1"),
                    ),
                )
            ),
            size="1",
            variant="surface",
            width="100%",
            id="agreement-terms",
        ),
        spacing="3",
        width="100%",
    )


def _open_row(row: OpenRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row["proposed"], white_space="nowrap"),
        number_cell(row["change"]),
        rx.table.cell(row["approvals"], white_space="nowrap", style=WIDE_ONLY),
        rx.table.cell(state_badge(row["status"], row["status_colour"])),
        custom_attrs={"data-suggestion": row["id"]},
    )


def _sourcing_row(row: SourcingRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.hstack(
                rx.text(row["supplier"], size="2"),
                rx.cond(row["ours"], rx.badge(t("pricing.sourcing.ours"), color_scheme="indigo", size="1")),
                rx.cond(
                    row["flagged"],
                    rx.badge(
                        t("pricing.sourcing.flagged"), color_scheme="red", size="1", class_name="flagged"
                    ),
                ),
                spacing="2",
                wrap="wrap",
                align="center",
            )
        ),
        rx.table.cell(row["price"], white_space="nowrap"),
        rx.table.cell(row["converted"], white_space="nowrap", style=WIDE_ONLY),
        rx.table.cell(state_badge(row["standing"], row["standing_colour"])),
        rx.table.cell(row["lead_time"], white_space="nowrap", style=WIDE_ONLY),
        number_cell(row["min_quantity"], wide_only=True),
        rx.table.cell(row["valid_to"], white_space="nowrap", style=WIDE_ONLY),
    )


def _decision_row(row: DecisionRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row["at"], white_space="nowrap"),
        rx.table.cell(row["action"]),
        rx.table.cell(row["before"], white_space="nowrap", style=WIDE_ONLY),
        rx.table.cell(row["after"], white_space="nowrap"),
        rx.table.cell(row["reason"], style=WIDE_ONLY, custom_attrs={"data-verbatim": ""}),
    )


def _content() -> rx.Component:
    return rx.vstack(
        rx.heading(Agreement.title, size=rx.breakpoints(initial="6", md="7"), id="page-title"),
        rx.text(Agreement.facts["category"], color_scheme="gray"),
        rx.grid(
            section(t("pricing.agreement.history"), _chart()),
            section(t("pricing.agreement.terms"), _terms()),
            columns=rx.breakpoints(initial="1", lg="3"),
            gap="1rem",
            width="100%",
            style={"& > :first-child": {"grid-column": rx.breakpoints(initial="auto", lg="span 2")}},
        ),
        section(
            t("pricing.agreement.open"),
            data_table(
                [
                    header_cell("pricing.col.proposed"),
                    header_cell("pricing.col.change", "right"),
                    header_cell("pricing.col.approvals", wide_only=True),
                    header_cell("pricing.col.status"),
                ],
                Agreement.open_rows,
                _open_row,
                table_id="agreement-suggestions",
                empty=empty_state("circle-check", t("pricing.agreement.no_open")),
                min_width="0",
                size="2",
            ),
            actions=rx.link(t("pricing.nav.queue"), href=routes.MANAGER_PRICES, size="2"),
        ),
        section(
            t("pricing.sourcing.title"),
            data_table(
                [
                    header_cell("pricing.sourcing.supplier"),
                    header_cell("pricing.sourcing.price"),
                    header_cell("pricing.sourcing.converted", wide_only=True),
                    header_cell("pricing.sourcing.standing"),
                    header_cell("pricing.sourcing.lead_time", wide_only=True),
                    header_cell("pricing.sourcing.min_quantity", "right", wide_only=True),
                    header_cell("pricing.sourcing.valid_to", wide_only=True),
                ],
                Agreement.sourcing_rows,
                _sourcing_row,
                table_id="agreement-sourcing",
                empty=empty_state("package-search", t("pricing.sourcing.none")),
                min_width="44rem",
                phone_min_width="0",
                size="1",
            ),
        ),
        section(
            t("pricing.agreement.decisions"),
            data_table(
                [
                    header_cell("pricing.col.when"),
                    header_cell("pricing.col.action"),
                    header_cell("pricing.col.before", wide_only=True),
                    header_cell("pricing.col.after"),
                    header_cell("pricing.col.reason", wide_only=True),
                ],
                Agreement.decision_rows,
                _decision_row,
                table_id="agreement-decisions",
                empty=empty_state("scroll-text", t("pricing.agreement.no_decisions")),
                min_width="40rem",
                phone_min_width="0",
                size="1",
            ),
        ),
        spacing="4",
        width="100%",
    )


@framed_page(routes.MANAGER_PRICE_AGREEMENT, on_load=Agreement.load)
def price_agreement() -> rx.Component:
    return rx.vstack(
        back_link(routes.MANAGER_PRICES, "pricing.nav.queue"),
        rx.cond(
            Agreement.missing,
            missing_notice("pricing.agreement_not_found"),
            rx.cond(
                Agreement.loading & (Agreement.title == ""),
                rx.center(rx.spinner(size="3"), width="100%", min_height="40vh"),
                _content(),
            ),
        ),
        spacing="3",
        width="100%",
    )
