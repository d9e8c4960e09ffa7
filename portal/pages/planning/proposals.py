"""/manager/planning/proposals (the planner's replenishment proposals, "propose replenishment") and
/manager/planning/proposals/<id> (its lines with the planner's quantities, the reasons, approval and
the purchase orders it issued)."""

from __future__ import annotations

import reflex as rx

from portal.components.frame import framed_page
from portal.components.ui import (
    WIDE_ONLY,
    back_link,
    choice_select,
    day_and_time_cell,
    empty_state,
    header_cell,
    number_cell,
    page_heading,
    section,
    t,
)
from state.planning.proposals import ProposalsState
from state.shared import routes


def _proposal_row(row) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link("#", row["id"], href=row["href"], class_name="proposal-link")),
        day_and_time_cell(row["created_day"], row["created_time"]),
        number_cell(row["lines"]),
        number_cell(row["level"], wide_only=True),
        rx.table.cell(rx.badge(row["status"], variant="soft", radius="full")),
    )


@framed_page(routes.MANAGER_PROPOSALS, on_load=ProposalsState.load_list)
def proposals_list() -> rx.Component:
    return rx.vstack(
        back_link(routes.MANAGER_PLANNING, "planning.title"),
        page_heading(
            "proposals.title",
            "proposals.subtitle",
            rx.flex(
                choice_select(
                    ProposalsState.service_level,
                    ProposalsState.service_level_options,
                    ProposalsState.set_service_level,
                    "proposal-service-level",
                    width="8rem",
                ),
                rx.button(
                    rx.icon("list-plus", size=16),
                    t("proposals.propose"),
                    on_click=ProposalsState.propose,
                    loading=ProposalsState.busy,
                    id="propose-replenishment",
                ),
                rx.text(t("proposals.service_level_hint"), size="1", color_scheme="gray", width="100%"),
                gap="2",
                align="center",
                wrap="wrap",
                max_width="24rem",
            ),
        ),
        section(
            t("proposals.list"),
            rx.cond(
                ProposalsState.loading,
                rx.center(rx.spinner(), width="100%", padding="4"),
                rx.cond(
                    ProposalsState.proposal_rows.length() > 0,
                    rx.table.root(
                        rx.table.header(
                            rx.table.row(
                                header_cell("proposals.number"),
                                header_cell("proposals.created_at"),
                                header_cell("proposals.lines", "right"),
                                header_cell("proposals.service_level", "right", wide_only=True),
                                header_cell("proposals.status"),
                            )
                        ),
                        rx.table.body(rx.foreach(ProposalsState.proposal_rows, _proposal_row)),
                        width="100%",
                        id="proposals-table",
                    ),
                    empty_state("package-plus", t("proposals.none"), t("proposals.none_hint")),
                ),
            ),
        ),
        spacing="4",
        width="100%",
    )


def _line_row(row) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.vstack(
                rx.text(row["sku"], weight="medium"),
                rx.text(row["part"], size="1", color_scheme="gray"),
                rx.text(row["kind"], " · ", row["route"], size="1", color_scheme="gray"),
                rx.cond(
                    row["state"] != "",
                    rx.flex(
                        rx.badge(
                            row["state_label"],
                            variant="soft",
                            radius="full",
                            color_scheme=rx.match(
                                row["state"], ("shipped", "green"), ("reserved", "amber"), "gray"
                            ),
                            class_name="transfer-state",
                            custom_attrs={"data-line": row["id"]},
                        ),
                        rx.cond(
                            row["can_ship"],
                            rx.button(
                                rx.icon("truck", size=14),
                                t("proposals.ship"),
                                size="1",
                                variant="soft",
                                on_click=ProposalsState.ship(row["id"]),
                                loading=ProposalsState.shipping == row["id"],
                                class_name="ship-transfer",
                                custom_attrs={"data-line": row["id"]},
                            ),
                        ),
                        gap="2",
                        align="center",
                        wrap="wrap",
                        margin_top="1",
                    ),
                ),
                spacing="0",
            ),
            min_width="9rem",
        ),
        number_cell(row["suggested"], wide_only=True),
        rx.table.cell(
            rx.input(
                value=row["quantity"],
                on_change=lambda value: ProposalsState.set_quantity(row["id"], value),
                disabled=~ProposalsState.is_draft,
                input_mode="numeric",
                width="6rem",
                class_name="proposal-quantity",
                custom_attrs={"data-line": row["id"]},
            ),
        ),
        rx.table.cell(row["need_by"], white_space="nowrap", **WIDE_ONLY),
        rx.table.cell(rx.text(row["reason"], size="1", color_scheme="gray"), **WIDE_ONLY),
    )


def _discard() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(
            rx.button(
                rx.icon("trash-2", size=16),
                t("proposals.discard"),
                variant="soft",
                color_scheme="red",
                loading=ProposalsState.busy,
                id="discard-proposal",
            )
        ),
        rx.alert_dialog.content(
            rx.alert_dialog.title(t("proposals.discard")),
            rx.alert_dialog.description(t("proposals.discard_confirm")),
            rx.flex(
                rx.alert_dialog.cancel(rx.button(t("proposals.cancel"), variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(
                    rx.button(
                        t("proposals.discard"),
                        color_scheme="red",
                        on_click=ProposalsState.discard,
                        id="confirm-discard",
                    )
                ),
                gap="3",
                justify="end",
                margin_top="4",
            ),
        ),
    )


def _approve() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(
            rx.button(
                rx.icon("check", size=16),
                t("proposals.approve"),
                loading=ProposalsState.busy,
                id="approve-proposal",
            )
        ),
        rx.alert_dialog.content(
            rx.alert_dialog.title(t("proposals.approve")),
            rx.alert_dialog.description(t("proposals.approve_confirm")),
            rx.flex(
                rx.alert_dialog.cancel(rx.button(t("proposals.cancel"), variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(
                    rx.button(t("proposals.approve"), on_click=ProposalsState.approve, id="confirm-approve")
                ),
                gap="3",
                justify="end",
                margin_top="4",
            ),
        ),
    )


@framed_page(routes.MANAGER_PROPOSAL, on_load=ProposalsState.load_one)
def proposal_detail() -> rx.Component:
    return rx.vstack(
        back_link(routes.MANAGER_PROPOSALS, "proposals.title"),
        page_heading("proposals.detail_title", None),
        rx.cond(
            ProposalsState.loading,
            rx.center(rx.spinner(), width="100%", padding="4"),
            rx.cond(
                ProposalsState.status == "",
                rx.callout(t("proposal.not_found"), icon="circle-alert", color_scheme="red", id="not-found"),
                rx.vstack(
                    rx.flex(
                        rx.badge(ProposalsState.status_label, radius="full", id="proposal-status"),
                        rx.text(t("proposals.value"), " ", ProposalsState.value, size="2"),
                        rx.spacer(),
                        rx.hstack(
                            rx.link(
                                rx.button(
                                    rx.icon("chart-column", size=16),
                                    t("simulation.open_proposal"),
                                    variant="soft",
                                ),
                                href=ProposalsState.simulation_href,
                                id="simulate-proposal",
                            ),
                            rx.cond(ProposalsState.is_draft, rx.fragment(_discard(), _approve())),
                            spacing="2",
                            wrap="wrap",
                        ),
                        gap="3",
                        align="center",
                        wrap="wrap",
                        width="100%",
                    ),
                    rx.cond(
                        ProposalsState.orders.length() > 0,
                        section(
                            t("proposals.orders"),
                            rx.flex(
                                rx.foreach(
                                    ProposalsState.orders,
                                    lambda order: rx.link(
                                        order["number"], href=order["href"], class_name="proposal-order"
                                    ),
                                ),
                                column_gap="1rem",
                                row_gap="0.5rem",
                                wrap="wrap",
                            ),
                        ),
                    ),
                    section(
                        t("proposals.lines"),
                        rx.cond(
                            ProposalsState.line_rows.length() > 0,
                            rx.scroll_area(
                                rx.table.root(
                                    rx.table.header(
                                        rx.table.row(
                                            header_cell("proposals.part"),
                                            header_cell("proposals.suggested", "right", wide_only=True),
                                            header_cell("proposals.quantity"),
                                            header_cell("proposals.need_by", wide_only=True),
                                            header_cell("proposals.reason_title", wide_only=True),
                                        )
                                    ),
                                    rx.table.body(rx.foreach(ProposalsState.line_rows, _line_row)),
                                    width="100%",
                                    id="proposal-lines",
                                ),
                                scrollbars="horizontal",
                            ),
                            empty_state("package-check", t("proposals.no_lines")),
                        ),
                    ),
                    spacing="4",
                    width="100%",
                ),
            ),
        ),
        spacing="4",
        width="100%",
    )
