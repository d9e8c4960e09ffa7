"""/shipments (a dealer's incoming shipments, a customer's own, the network for managers) and
/manager/exceptions (the managers' queue of shipments someone must act on)."""

from __future__ import annotations

import reflex as rx

from portal.components.frame import framed_page
from portal.components.ui import (
    choice_select,
    counted_text,
    empty_state,
    header_cell,
    page_heading,
    paged_table,
    section,
    t,
)
from services.logistics import exceptions
from state.logistics.lists import ExceptionsState, ShipmentListState
from state.shared import routes

KIND_COLOURS = {"exception": "red", "late": "orange", "silent": "gray"}


def _shipment_row(row) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.link(
                rx.text(row["tracking_number"], weight="medium"), href=row["href"], class_name="shipment-link"
            ),
            white_space="nowrap",
        ),
        rx.table.cell(row["order_number"], white_space="nowrap"),
        rx.table.cell(rx.code(row["vin"], size="1", variant="ghost"), white_space="nowrap"),
        rx.table.cell(row["carrier"], white_space="nowrap"),
        rx.table.cell(
            rx.vstack(
                rx.badge(row["status"], variant="soft", radius="full"),
                rx.cond(row["reason"] != "", rx.text(row["reason"], size="1", color_scheme="red")),
                spacing="1",
            )
        ),
        rx.table.cell(
            rx.hstack(
                rx.text(row["eta"], size="2"),
                rx.cond(row["at_risk"], rx.badge(t("shipments.at_risk"), color_scheme="red", size="1")),
                spacing="2",
                align="center",
            ),
            white_space="nowrap",
        ),
        rx.table.cell(
            rx.hstack(
                rx.text(row["promised"], size="2"),
                rx.cond(row["late"], rx.badge(t("shipments.late_badge"), color_scheme="orange", size="1")),
                spacing="2",
                align="center",
            ),
            white_space="nowrap",
        ),
        custom_attrs={"data-shipment": row["id"]},
    )


def _filters() -> rx.Component:
    width = rx.breakpoints(initial="100%", sm="12rem")
    return rx.flex(
        rx.vstack(
            rx.text(t("shipments.search"), size="1", color_scheme="gray", weight="medium"),
            rx.input(
                placeholder=t("shipments.search_hint"),
                value=ShipmentListState.search,
                on_change=ShipmentListState.set_search.debounce(300),
                id="shipments-search",
                width="100%",
            ),
            spacing="1",
            width=rx.breakpoints(initial="100%", sm="16rem"),
        ),
        choice_select(
            ShipmentListState.status,
            ShipmentListState.status_options,
            ShipmentListState.set_status,
            "shipments-status",
            "shipments.status",
            width=width,
        ),
        choice_select(
            ShipmentListState.carrier,
            ShipmentListState.carrier_options,
            ShipmentListState.set_carrier,
            "shipments-carrier",
            "shipments.carrier",
            width=width,
        ),
        choice_select(
            ShipmentListState.late,
            ShipmentListState.late_options,
            ShipmentListState.set_late,
            "shipments-late",
            "shipments.promise",
            width=width,
        ),
        gap="3",
        wrap="wrap",
        align="end",
        width="100%",
    )


@framed_page(routes.SHIPMENTS, on_load=ShipmentListState.load)
def shipments() -> rx.Component:
    return rx.vstack(
        page_heading("shipments.title", "shipments.subtitle"),
        section(
            t("shipments.title"),
            _filters(),
            paged_table(
                ShipmentListState,
                [
                    header_cell("shipments.tracking_number"),
                    header_cell("shipments.order"),
                    header_cell("shipments.vin"),
                    header_cell("shipments.carrier"),
                    header_cell("shipments.status"),
                    header_cell("shipments.eta"),
                    header_cell("shipments.promised"),
                ],
                _shipment_row,
                table_id="shipments-table",
                min_width="56rem",
                empty=empty_state("truck", t("shipments.none"), t("shipments.none_hint")),
            ),
        ),
        spacing="4",
        width="100%",
    )


def _queue_row(row) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.badge(
                row["kind"],
                color_scheme=rx.match(row["kind_key"], *KIND_COLOURS.items(), "gray"),
                radius="full",
            ),
            white_space="nowrap",
        ),
        rx.table.cell(
            rx.vstack(
                rx.link(rx.text(row["tracking_number"], weight="medium"), href=row["href"]),
                rx.text(row["order_number"], size="1", color_scheme="gray"),
                spacing="0",
            ),
            white_space="nowrap",
        ),
        rx.table.cell(
            rx.vstack(
                rx.text(row["carrier"], size="2"),
                rx.text(row["lane"], size="1", color_scheme="gray"),
                spacing="0",
            )
        ),
        rx.table.cell(row["status"], white_space="nowrap"),
        rx.table.cell(rx.text(row["actor"], weight="medium"), white_space="nowrap"),
        rx.table.cell(row["since"], white_space="nowrap"),
        rx.table.cell(
            rx.vstack(
                rx.text(row["promised"], size="2"),
                rx.text(row["eta"], size="1", color_scheme="gray"),
                spacing="0",
            ),
            white_space="nowrap",
        ),
        rx.table.cell(
            rx.cond(
                row["acknowledged"] != "",
                rx.text(row["acknowledged"], size="1", color_scheme="green", class_name="queue-acknowledged"),
                rx.button(
                    t("exceptions.take"),
                    size="1",
                    variant="soft",
                    on_click=ExceptionsState.open_acknowledge(row["shipment_id"], row["tracking_number"]),
                    class_name="queue-take",
                ),
            ),
            min_width="12rem",
        ),
        custom_attrs={"data-queue": row["shipment_id"]},
    )


def _acknowledge_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(t("exceptions.take_title")),
            rx.dialog.description(ExceptionsState.ack_label, size="2", color_scheme="gray"),
            rx.form(
                rx.vstack(
                    counted_text(
                        exceptions.MAX_NOTE_LENGTH,
                        name="note",
                        placeholder=t("exceptions.note_hint"),
                        element_id="queue-note",
                        error=ExceptionsState.note_error,
                        error_id="error-note",
                    ),
                    rx.hstack(
                        rx.dialog.close(
                            rx.button(t("common.cancel"), variant="soft", color_scheme="gray", type="button")
                        ),
                        rx.button(t("exceptions.take"), type="submit", id="queue-submit"),
                        justify="end",
                        width="100%",
                    ),
                    spacing="3",
                ),
                on_submit=ExceptionsState.acknowledge,
                reset_on_submit=False,
            ),
        ),
        open=ExceptionsState.ack_open,
        on_open_change=ExceptionsState.set_ack_open,
    )


@framed_page(routes.SHIPMENT_EXCEPTIONS, on_load=ExceptionsState.load)
def shipment_exceptions() -> rx.Component:
    return rx.vstack(
        page_heading("exceptions.title", "exceptions.subtitle"),
        section(
            ExceptionsState.count_label,
            rx.skeleton(
                rx.cond(
                    ExceptionsState.rows.length() > 0,  # type: ignore[union-attr]
                    rx.box(
                        rx.table.root(
                            rx.table.header(
                                rx.table.row(
                                    header_cell("exceptions.kind"),
                                    header_cell("shipments.tracking_number"),
                                    header_cell("shipments.carrier"),
                                    header_cell("shipments.status"),
                                    header_cell("exceptions.who_acts"),
                                    header_cell("exceptions.since"),
                                    header_cell("exceptions.promise_eta"),
                                    header_cell("exceptions.on_it"),
                                )
                            ),
                            rx.table.body(rx.foreach(ExceptionsState.rows, _queue_row)),
                            size="1",
                            id="exceptions-table",
                            min_width="56rem",
                        ),
                        overflow_x="auto",
                        width="100%",
                    ),
                    empty_state("circle-check", t("exceptions.none")),
                ),
                loading=ExceptionsState.loading,
            ),
        ),
        _acknowledge_dialog(),
        spacing="4",
        width="100%",
    )
