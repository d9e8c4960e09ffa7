"""The quality incident lists (/supplier/incidents, /manager/incidents) with the managers' complaint form."""

from __future__ import annotations

import reflex as rx

from portal.components.frame import framed_page
from portal.components.ui import (
    WIDE_ONLY,
    choice_select,
    counted_text,
    day_and_time_cell,
    dialog_actions,
    empty_state,
    field_error,
    header_cell,
    labelled,
    link_cell,
    number_cell,
    page_heading,
    paged_table,
    section,
    state_badge,
    t,
)
from services.supply import quality
from state.shared import routes
from state.supply.quality import IncidentListState as Incidents

# --------------------------------------------------------------------------- lists


def _incident_row(row) -> rx.Component:
    # At 1440 px every column shows: the title and the supplier wrap (two lines at most), the
    # order sits over its lot; on a phone the number, what and status stay (WIDE_ONLY steps aside).
    return rx.table.row(
        link_cell(row["number"], row["href"]),
        rx.table.cell(
            rx.vstack(
                rx.text(row["title"], size="2"),
                rx.text(row["source"], size="1", color_scheme="gray"),
                spacing="0",
            ),
            min_width=rx.breakpoints(initial="7rem", md="10rem"),
        ),
        rx.cond(
            Incidents.role == "manager",
            rx.table.cell(row["supplier"], min_width="11rem", **WIDE_ONLY),
            rx.fragment(),
        ),
        rx.table.cell(
            rx.vstack(
                rx.cond(
                    row["order"] != "",
                    rx.link(row["order"], href=row["order_href"], weight="medium", white_space="nowrap"),
                    rx.text("—", color=rx.color("gray", 9)),
                ),
                rx.code(row["lot"], size="1", white_space="nowrap"),
                spacing="1",
            ),
            **WIDE_ONLY,
        ),
        number_cell(row["quantity"], wide_only=True),
        rx.table.cell(state_badge(row["status"], row["colour"], wrap=True)),
        day_and_time_cell(row["opened_day"], row["opened_time"], **WIDE_ONLY),
        rx.table.cell(
            rx.cond(
                row["response"] != "",
                rx.text(row["response"], size="2"),
                rx.text(t("incident.waiting_short"), size="2", color=rx.color("red", 11)),
            ),
            white_space="nowrap",
            **WIDE_ONLY,
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
                            rx.input(name="sku", id="complaint-sku"),
                            error["part_id"],
                            "error-complaint-sku",
                        ),
                        labelled(
                            "purchase.lot",
                            rx.input(name="lot_number", id="complaint-lot"),
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
                            counted_text(
                                quality.MAX_TITLE_LENGTH,
                                area=False,
                                name="title",
                                element_id="complaint-title",
                                error=error["title"],
                                error_id="error-complaint-title",
                            ),
                        ),
                        columns=rx.breakpoints(initial="1", sm="2"),
                        spacing="3",
                        width="100%",
                    ),
                    labelled(
                        "incident.description",
                        counted_text(
                            quality.MAX_DESCRIPTION_LENGTH,
                            name="description",
                            element_id="complaint-description",
                            rows="4",
                            error=error["description"],
                            error_id="error-complaint-description",
                        ),
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
                        Incidents.role == "manager",
                        header_cell("catalogue.supplier", wide_only=True),
                        rx.fragment(),
                    ),
                    header_cell("incident.order_lot", wide_only=True),
                    header_cell("incident.quantity", "right", wide_only=True),
                    header_cell("purchase.status"),
                    header_cell("incident.opened", wide_only=True),
                    header_cell("incident.response", wide_only=True),
                ],
                _incident_row,
                table_id="incidents-table",
                min_width="56rem",
                phone_min_width="0",
                skeleton_columns=7,
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
