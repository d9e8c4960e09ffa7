"""Quality: incident lists and pages for both sides (/supplier/incidents..., /manager/incidents...,
with the manager's field-complaint form) and the lot lookup (/manager/lots, /supplier/lots)."""

from __future__ import annotations

import reflex as rx

from portal.components.frame import framed_page
from portal.components.timeline import timeline
from portal.components.ui import (
    back_link,
    choice_select,
    dialog_actions,
    empty_state,
    fact,
    facts,
    field_error,
    header_cell,
    labelled,
    link_cell,
    missing_notice,
    number_cell,
    page_heading,
    paged_table,
    scroll_table,
    section,
    state_badge,
    t,
)
from state.shared import routes
from state.supply.quality import IncidentListState as Incidents
from state.supply.quality import IncidentState as Incident
from state.supply.quality import LotTraceState as Lots

# --------------------------------------------------------------------------- lists


def _incident_row(row) -> rx.Component:
    return rx.table.row(
        link_cell(row["number"], row["href"]),
        rx.table.cell(
            rx.vstack(
                rx.text(row["title"], size="2"),
                rx.text(row["source"], size="1", color_scheme="gray"),
                spacing="0",
            ),
            min_width="14rem",
        ),
        rx.cond(
            Incidents.role == "manager", rx.table.cell(row["supplier"], min_width="12rem"), rx.fragment()
        ),
        rx.cond(
            row["order"] != "",
            link_cell(row["order"], row["order_href"]),
            rx.table.cell("—", color=rx.color("gray", 9)),
        ),
        rx.table.cell(rx.code(row["lot"], size="2"), white_space="nowrap"),
        number_cell(row["quantity"]),
        rx.table.cell(state_badge(row["status"], row["colour"])),
        rx.table.cell(row["opened"], white_space="nowrap"),
        rx.table.cell(
            rx.cond(
                row["response"] != "",
                rx.text(row["response"], size="2"),
                rx.text(t("incident.waiting_short"), size="2", color=rx.color("red", 11)),
            ),
            white_space="nowrap",
        ),
        custom_attrs={"data-incident": row["number"]},
    )


def _complaint_dialog() -> rx.Component:
    error = Incidents.error
    return rx.dialog.root(
        rx.dialog.trigger(
            rx.button(
                rx.icon("message-square-warning", size=16),
                t("incident.report_complaint"),
                id="report-complaint",
            )
        ),
        rx.dialog.content(
            rx.dialog.title(t("incident.report_complaint")),
            rx.dialog.description(t("incident.complaint_hint"), size="2", margin_bottom="1rem"),
            rx.form(
                rx.vstack(
                    rx.grid(
                        labelled(
                            "incident.sku",
                            rx.input(name="sku", id="complaint-sku", max_length=40),
                            error["part_id"],
                            "error-complaint-sku",
                        ),
                        labelled(
                            "purchase.lot",
                            rx.input(name="lot_number", id="complaint-lot", max_length=60),
                            error["lot_number"],
                            "error-complaint-lot",
                        ),
                        labelled(
                            "incident.quantity_affected",
                            rx.input(
                                name="quantity_affected",
                                id="complaint-quantity",
                                input_mode="numeric",
                                default_value="0",
                            ),
                            error["quantity_affected"],
                            "error-complaint-quantity",
                        ),
                        labelled(
                            "incident.title_field",
                            rx.input(name="title", id="complaint-title", max_length=200),
                            error["title"],
                        ),
                        columns=rx.breakpoints(initial="1", sm="2"),
                        spacing="3",
                        width="100%",
                    ),
                    labelled(
                        "incident.description",
                        rx.text_area(
                            name="description", id="complaint-description", max_length=2000, rows="4"
                        ),
                        error["description"],
                        "error-complaint-description",
                    ),
                    field_error(error["form"]),
                    dialog_actions("incident.open_incident", "complaint-submit"),
                    spacing="4",
                    width="100%",
                ),
                on_submit=Incidents.report_complaint,
                reset_on_submit=False,
            ),
            max_width="36rem",
        ),
        open=Incidents.complaint_open,
        on_open_change=Incidents.set_complaint_open,
    )


def _incidents_list(subtitle_key: str, *actions: rx.Component) -> rx.Component:
    return rx.vstack(
        page_heading("incident.title", subtitle_key, *actions),
        section(
            t("incident.incidents"),
            choice_select(
                Incidents.status_filter,
                Incidents.status_options,
                Incidents.set_status_filter,
                "incident-status-filter",
                min_width="14rem",
            ),
            paged_table(
                Incidents,
                [
                    header_cell("incident.number"),
                    header_cell("incident.what"),
                    rx.cond(
                        Incidents.role == "manager", header_cell("catalogue.supplier"), rx.fragment()
                    ),
                    header_cell("stock.code"),
                    header_cell("purchase.lot"),
                    header_cell("incident.quantity", "right"),
                    header_cell("purchase.status"),
                    header_cell("incident.opened"),
                    header_cell("incident.response"),
                ],
                _incident_row,
                table_id="incidents-table",
                min_width="62rem",
                skeleton_columns=8,
                empty=empty_state("shield-check", t("incident.none")),
            ),
        ),
        spacing="4",
        width="100%",
    )


@framed_page(routes.SUPPLIER_INCIDENTS, on_load=Incidents.load)
def supplier_incidents() -> rx.Component:
    return _incidents_list("incident.supplier_subtitle")


@framed_page(routes.MANAGER_INCIDENTS, on_load=Incidents.load)
def manager_incidents() -> rx.Component:
    return _incidents_list("incident.manager_subtitle", _complaint_dialog())


# --------------------------------------------------------------------------- one incident


def _text_block(label_key: str, value, element_id: str) -> rx.Component:
    return rx.vstack(
        rx.text(t(label_key), size="1", color_scheme="gray", weight="medium"),
        rx.cond(
            value != "",
            rx.text(value, size="2", white_space="pre-wrap", id=element_id),
            rx.text("—", size="2", color_scheme="gray"),
        ),
        spacing="1",
        width="100%",
    )


def _action_form(on_submit, *fields: rx.Component, buttons: tuple) -> rx.Component:
    """An incident action: its fields, then its submit button (label key, element id and an
    optional colour) at the right; the typed text stays when the server refuses it."""
    label_key, element_id, *colour = buttons
    return rx.form(
        rx.vstack(
            *fields,
            rx.hstack(
                rx.button(t(label_key), type="submit", id=element_id,
                          color_scheme=colour[0] if colour else "indigo"),
                justify="end",
                width="100%",
            ),
            spacing="3",
            width="100%",
        ),
        on_submit=on_submit,
        reset_on_submit=False,
    )


def _supplier_forms() -> rx.Component:
    view, error = Incident.view, Incident.error
    return rx.vstack(
        rx.cond(
            view["can_acknowledge"] == "yes",
            section(
                t("incident.acknowledge_title"),
                rx.text(t("incident.acknowledge_hint"), size="2", color_scheme="gray"),
                _action_form(
                    Incident.acknowledge,
                    labelled(
                        "incident.note",
                        rx.text_area(name="note", id="ack-note", max_length=2000),
                        error["note"],
                    ),
                    buttons=("incident.acknowledge", "incident-acknowledge"),
                ),
            ),
        ),
        rx.cond(
            view["can_analyse"] == "yes",
            section(
                t("incident.analysis_title"),
                _action_form(
                    Incident.save_analysis,
                    labelled(
                        "incident.containment",
                        rx.text_area(
                            name="containment_action",
                            id="containment",
                            max_length=2000,
                            default_value=view["containment"],
                        ),
                        error["containment_action"],
                        "error-containment",
                    ),
                    labelled(
                        "incident.root_cause",
                        rx.text_area(
                            name="root_cause",
                            id="root-cause",
                            max_length=2000,
                            default_value=view["root_cause"],
                        ),
                        error["root_cause"],
                        "error-root-cause",
                    ),
                    buttons=("incident.save_analysis", "incident-save-analysis"),
                ),
            ),
        ),
        rx.cond(
            view["can_resolve"] == "yes",
            section(
                t("incident.resolve_title"),
                rx.text(t("incident.resolve_hint"), size="2", color_scheme="gray"),
                _action_form(
                    Incident.resolve,
                    labelled(
                        "incident.evidence",
                        rx.text_area(name="evidence", id="evidence", max_length=4000, rows="4"),
                        error["evidence"],
                        "error-evidence",
                    ),
                    buttons=("incident.resolve", "incident-resolve", "grass"),
                ),
            ),
        ),
        spacing="4",
        width="100%",
    )


def _manager_forms() -> rx.Component:
    view, error = Incident.view, Incident.error
    return rx.cond(
        (view["can_accept"] == "yes") | (view["can_reopen"] == "yes"),
        section(
            t("incident.decision_title"),
            rx.grid(
                rx.cond(
                    view["can_accept"] == "yes",
                    _action_form(
                        Incident.accept,
                        labelled(
                            "incident.note",
                            rx.text_area(name="note", id="accept-note", max_length=2000),
                            error["note"],
                        ),
                        buttons=("incident.accept", "incident-accept", "grass"),
                    ),
                ),
                rx.cond(
                    view["can_reopen"] == "yes",
                    _action_form(
                        Incident.reopen,
                        labelled(
                            "incident.reopen_reason",
                            rx.text_area(name="reason", id="reopen-reason", max_length=2000),
                            error["reason"],
                            "error-reopen-reason",
                        ),
                        buttons=("incident.reopen", "incident-reopen", "orange"),
                    ),
                ),
                columns=rx.breakpoints(initial="1", md="2"),
                spacing="4",
                width="100%",
            ),
        ),
    )


def _incident_body() -> rx.Component:
    view = Incident.view
    return rx.vstack(
        back_link(Incident.list_href, "incident.back"),
        rx.flex(
            rx.heading(view["number"], size=rx.breakpoints(initial="6", md="7"), id="page-title"),
            state_badge(view["status_label"], view["colour"], size="2", id="incident-status"),
            rx.text(view["title"], size="3", color=rx.color("gray", 11)),
            gap="0.75rem",
            align="center",
            wrap="wrap",
            width="100%",
        ),
        rx.card(
            facts(
                fact("catalogue.supplier", view["supplier"]),
                fact(
                    "stock.item",
                    rx.vstack(
                        rx.code(view["sku"], variant="ghost", size="2"),
                        rx.text(view["part"], size="1", color_scheme="gray"),
                        spacing="0",
                    ),
                ),
                fact(
                    "purchase.lot",
                    rx.cond(
                        view["lot_href"] != "",
                        rx.link(view["lot"], href=view["lot_href"], size="2"),
                        rx.text("—", size="2"),
                    ),
                ),
                fact(
                    "purchase.number",
                    rx.cond(
                        view["order_href"] != "",
                        rx.link(view["order"], href=view["order_href"], size="2"),
                        rx.text("—", size="2"),
                    ),
                ),
                fact(
                    "purchase.receipt",
                    rx.cond(
                        view["receipt"] != "", rx.text(view["receipt"], size="2"), rx.text("—", size="2")
                    ),
                ),
                fact("incident.source", view["source"]),
                fact("incident.quantity", view["quantity"]),
                fact("incident.opened", view["opened"]),
                fact(
                    "incident.acknowledged_at",
                    rx.cond(
                        view["acknowledged"] != "",
                        rx.text(view["acknowledged"], size="2"),
                        rx.text(t("incident.waiting"), size="2", color=rx.color("red", 11)),
                    ),
                ),
                fact("incident.response", view["response"], "incident-response"),
            ),
            width="100%",
        ),
        section(
            t("incident.answers_title"),
            _text_block("incident.description", view["description"], "incident-description"),
            _text_block("incident.containment", view["containment"], "incident-containment"),
            _text_block("incident.root_cause", view["root_cause"], "incident-root-cause"),
            _text_block("incident.evidence", view["evidence"], "incident-evidence"),
        ),
        rx.cond(Incident.role == "supplier", _supplier_forms()),
        _manager_forms(),
        section(t("timeline.title"), timeline(Incident.timeline, "incident-timeline")),
        spacing="4",
        width="100%",
    )


def _incident_page() -> rx.Component:
    return rx.cond(
        Incident.loading,
        rx.center(rx.spinner(size="3"), width="100%", min_height="40vh"),
        rx.cond(
            Incident.missing,
            rx.vstack(
                back_link(Incident.list_href, "incident.back"),
                missing_notice("incident.not_found"),
                spacing="3",
            ),
            _incident_body(),
        ),
    )


@framed_page(routes.SUPPLIER_INCIDENT, on_load=Incident.load)
def supplier_incident() -> rx.Component:
    return _incident_page()


@framed_page(routes.MANAGER_INCIDENT, on_load=Incident.load)
def manager_incident() -> rx.Component:
    return _incident_page()


# --------------------------------------------------------------------------- lot lookup


def _trace_table(
    title_key: str, rows, headers: list[tuple[str, str]], cells, element_id: str
) -> rx.Component:
    return section(
        t(title_key),
        rx.cond(
            rows.length() > 0,
            scroll_table(
                rx.table.header(rx.table.row(*[header_cell(key, align) for key, align in headers])),
                rx.table.body(rx.foreach(rows, lambda row: rx.table.row(*cells(row)))),
                id=element_id,
                size="1",
                min_width="44rem",
                # Document numbers and part codes stay on one line.
                style={"& td:nth-child(-n+2)": {"white-space": "nowrap"}},
            ),
            rx.text(t("lots.nothing"), size="2", color_scheme="gray"),
        ),
    )


def _lots_page() -> rx.Component:
    return rx.vstack(
        page_heading("lots.title", "lots.subtitle"),
        section(
            t("lots.lookup"),
            rx.form(
                rx.flex(
                    rx.input(
                        rx.input.slot(rx.icon("search", size=16)),
                        name="lot_number",
                        id="lot-input",
                        value=Lots.lot,
                        on_change=Lots.set_lot,
                        max_length=60,
                        placeholder=t("lots.placeholder"),
                        width=rx.breakpoints(initial="100%", sm="20rem"),
                    ),
                    rx.button(t("lots.trace"), type="submit", id="lot-submit"),
                    gap="0.75rem",
                    wrap="wrap",
                ),
                on_submit=Lots.search,
                reset_on_submit=False,
            ),
            field_error(Lots.error["lot_number"], "error-lot"),
        ),
        rx.cond(Lots.searched & ~Lots.found, empty_state("search-x", t("lots.unknown"), id="lot-unknown")),
        rx.cond(
            Lots.found,
            rx.vstack(
                _trace_table(
                    "lots.orders",
                    Lots.order_rows,
                    [
                        ("purchase.number", "left"),
                        ("purchase.line", "left"),
                        ("stock.code", "left"),
                        ("catalogue.supplier", "left"),
                        ("purchase.quantity", "right"),
                    ],
                    lambda row: [
                        link_cell(row["number"], row["href"]),
                        rx.table.cell(row["line_no"]),
                        rx.table.cell(row["sku"]),
                        rx.table.cell(row["supplier"]),
                        number_cell(row["quantity"]),
                    ],
                    "lot-orders",
                ),
                _trace_table(
                    "lots.notices",
                    Lots.notice_rows,
                    [
                        ("receiving.notice", "left"),
                        ("stock.code", "left"),
                        ("purchase.quantity", "right"),
                        ("purchase.received", "right"),
                        ("receiving.carrier", "left"),
                        ("receiving.shipped", "left"),
                    ],
                    lambda row: [
                        rx.table.cell(row["number"]),
                        rx.table.cell(row["sku"]),
                        number_cell(row["quantity"]),
                        number_cell(row["received"]),
                        rx.table.cell(row["carrier"]),
                        rx.table.cell(row["shipped"]),
                    ],
                    "lot-notices",
                ),
                _trace_table(
                    "lots.receipts",
                    Lots.receipt_rows,
                    [
                        ("purchase.receipt", "left"),
                        ("stock.code", "left"),
                        ("stock.location", "left"),
                        ("receiving.received", "left"),
                        ("purchase.accepted", "right"),
                        ("purchase.rejected", "right"),
                        ("purchase.reject_reason", "left"),
                    ],
                    lambda row: [
                        rx.table.cell(row["number"]),
                        rx.table.cell(row["sku"]),
                        rx.table.cell(row["location"]),
                        rx.table.cell(row["received"]),
                        number_cell(row["accepted"]),
                        number_cell(row["rejected"]),
                        rx.table.cell(row["reason"]),
                    ],
                    "lot-receipts",
                ),
                _trace_table(
                    "lots.incidents",
                    Lots.incident_rows,
                    [
                        ("incident.number", "left"),
                        ("incident.what", "left"),
                        ("purchase.status", "left"),
                        ("incident.opened", "left"),
                    ],
                    lambda row: [
                        link_cell(row["number"], row["href"]),
                        rx.table.cell(row["title"]),
                        rx.table.cell(state_badge(row["status"], row["colour"])),
                        rx.table.cell(row["opened"]),
                    ],
                    "lot-incidents",
                ),
                spacing="4",
                width="100%",
            ),
        ),
        spacing="4",
        width="100%",
    )


@framed_page(routes.MANAGER_LOTS, on_load=Lots.load)
def manager_lots() -> rx.Component:
    return _lots_page()


@framed_page(routes.SUPPLIER_LOTS, on_load=Lots.load)
def supplier_lots() -> rx.Component:
    return _lots_page()
