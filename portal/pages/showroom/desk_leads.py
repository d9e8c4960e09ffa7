"""/dealer/leads: every booker with their drives; a completed drive turns into an order."""

from __future__ import annotations

import reflex as rx

from portal.components.frame import framed_page
from portal.components.ui import (
    choice_select,
    empty_state,
    header_cell,
    page_heading,
    paged_table,
    section,
    state_badge,
    t,
)
from state.shared import routes
from state.showroom.desk_leads import LeadDrive, LeadRow, LeadsState


def _drive(drive: LeadDrive) -> rx.Component:
    return rx.flex(
        state_badge(drive["status_label"], drive["colour"]),
        rx.text(drive["trim"], size="2", weight="medium"),
        rx.text(drive["date"], size="2", color_scheme="gray"),
        rx.cond(
            drive["order_href"] != "",
            rx.link(
                rx.hstack(
                    rx.icon("receipt", size=14), rx.text(drive["order_number"]), spacing="1", align="center"
                ),
                href=drive["order_href"],
                size="2",
                class_name="lead-order",
            ),
            rx.cond(
                drive["can_order"],
                rx.button(
                    rx.icon("shopping-cart", size=14),
                    t("desk.turn_into_order"),
                    size="1",
                    loading=LeadsState.ordering == drive["id"].to(int),
                    on_click=LeadsState.order(drive["id"]),
                    class_name="lead-turn-into-order",
                ),
            ),
        ),
        gap="0.5rem 0.75rem",
        align="center",
        wrap="wrap",
        custom_attrs={"data-drive": drive["id"]},
    )


def _row(lead: LeadRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.vstack(
                rx.text(lead["name"], weight="medium", size="2"),
                rx.text(lead["email"], size="1", color_scheme="gray"),
                rx.text(lead["phone"], size="1", color_scheme="gray"),
                spacing="0",
            )
        ),
        rx.table.cell(rx.vstack(rx.foreach(lead["drives"], _drive), spacing="2")),
        custom_attrs={"data-lead": lead["email"]},
    )


def _filters() -> rx.Component:
    return rx.flex(
        rx.input(
            placeholder=t("desk.search_leads"),
            value=LeadsState.search,
            on_change=LeadsState.set_search.debounce(300),
            id="leads-search",
            min_width="14rem",
        ),
        choice_select(
            LeadsState.status,
            LeadsState.status_options,
            LeadsState.set_status,
            "leads-status",
            min_width="10rem",
        ),
        gap="3",
        wrap="wrap",
        align="end",
    )


@framed_page(routes.DEALER_LEADS, on_load=LeadsState.load)
def leads() -> rx.Component:
    return rx.vstack(
        page_heading("desk.leads_title", "desk.leads_subtitle", _filters()),
        section(
            t("desk.leads_title"),
            paged_table(
                LeadsState,
                [header_cell("desk.booker"), header_cell("desk.drives")],
                _row,
                table_id="leads-table",
                min_width="22rem",
                empty=empty_state("contact", t("desk.no_leads"), t("desk.no_leads_hint")),
            ),
        ),
        spacing="4",
        width="100%",
    )
