"""/shipments/[shipment_id]: one shipment, live (vehicle or parts, status, ETA against the promise,
the timeline, the offline map, the dealer's steps at the store) and /track, the public look-up."""

from __future__ import annotations

import reflex as rx

from portal.components.frame import brand, framed_page, language_switch, public_page
from portal.components.geo_map import geo_map
from portal.components.timeline import timeline
from portal.components.ui import back_link, fact, facts, field_error, missing_notice, section, state_badge, t
from state.logistics.shipment import ShipmentState, TrackState
from state.shared import routes


def _eta_card(summary, element_prefix: str) -> rx.Component:
    """Status, ETA date with its range, the promise and the at-risk flag."""
    return rx.flex(
        rx.vstack(
            rx.text(summary["eta_label"], size="2", color_scheme="gray"),
            rx.text(
                rx.cond(summary["eta"] != "", summary["eta"], "—"),
                size="6",
                weight="bold",
                id=f"{element_prefix}-eta",
            ),
            rx.cond(
                summary["range"] != "",
                rx.text(summary["range"], size="2", color_scheme="gray", id=f"{element_prefix}-eta-range"),
            ),
            spacing="1",
        ),
        rx.spacer(),
        rx.vstack(
            state_badge(summary["status_label"], summary["colour"], size="3", id=f"{element_prefix}-status"),
            rx.cond(summary["reason"] != "", rx.text(summary["reason"], size="2", color_scheme="red")),
            rx.cond(
                summary["at_risk"] != "",
                rx.badge(
                    rx.icon("triangle-alert", size=14),
                    t("shipment.at_risk"),
                    color_scheme="red",
                    variant="solid",
                    id=f"{element_prefix}-at-risk",
                ),
            ),
            rx.cond(
                summary["promised"] != "",
                rx.text(t("shipment.promised"), " ", summary["promised"], size="2", color_scheme="gray"),
            ),
            align=rx.breakpoints(initial="start", sm="end"),
            spacing="2",
        ),
        direction=rx.breakpoints(initial="column", sm="row"),
        gap="0.75rem",
        width="100%",
    )


def _heading() -> rx.Component:
    header = ShipmentState.header
    return rx.vstack(
        back_link(ShipmentState.home_path, "shipment.back"),
        rx.heading(header["title"], size=rx.breakpoints(initial="6", md="7"), id="page-title"),
        rx.hstack(
            rx.cond(header["vin"] != "", rx.code(header["vin"], size="2", id="shipment-vin")),
            rx.cond(header["trim"] != "", rx.text(header["trim"], size="2", color_scheme="gray")),
            rx.code(header["tracking_number"], size="2", variant="ghost", id="shipment-tracking-number"),
            wrap="wrap",
            spacing="3",
            align="center",
        ),
        spacing="2",
        width="100%",
        margin_bottom="0.5rem",
    )


def _facts() -> rx.Component:
    header = ShipmentState.header
    return section(
        t("shipment.details"),
        _eta_card(header, "shipment"),
        rx.separator(),
        facts(
            fact("shipment.from", header["from"]),
            fact("shipment.to", header["to"]),
            fact("shipment.carrier", header["carrier"]),
            fact("shipment.last_event", header["last_event"], "shipment-last-event"),
            fact(
                "shipment.order",
                rx.link(header["order_number"], href=header["order_href"], size="2", id="shipment-order"),
            ),
        ),
        id="shipment-details",
    )


def _goods() -> rx.Component:
    return section(
        t("shipment.goods"),
        rx.vstack(
            rx.foreach(
                ShipmentState.goods,
                lambda line: rx.hstack(
                    rx.vstack(
                        rx.text(line["name"], weight="medium"),
                        rx.text(line["code"], " · ", line["kind"], size="1", color_scheme="gray"),
                        spacing="0",
                        min_width="0",
                    ),
                    rx.spacer(),
                    rx.text("× ", line["quantity"], weight="medium"),
                    width="100%",
                    align="center",
                ),
            ),
            spacing="3",
            width="100%",
            id="shipment-goods",
        ),
    )


def _check(row) -> rx.Component:
    return rx.checkbox(
        row["label"],
        checked=row["checked"],
        on_change=lambda checked: ShipmentState.toggle_check(row["item"], checked),
        custom_attrs={"data-check": row["item"]},
    )


def _steps() -> rx.Component:
    step = ShipmentState.next_step
    return rx.cond(
        ShipmentState.next_step != "",
        section(
            t("shipment.steps_title"),
            rx.cond(
                ShipmentState.steps_done_label != "",
                rx.text(ShipmentState.steps_done_label, size="2", color_scheme="gray", id="steps-done"),
            ),
            rx.cond(
                step == "pdi_done",
                rx.vstack(
                    rx.text(t("shipment.pdi_hint"), size="2"),
                    rx.grid(
                        rx.foreach(ShipmentState.checklist_rows, _check),
                        columns=rx.breakpoints(initial="1", sm="2"),
                        spacing="2",
                        width="100%",
                    ),
                    width="100%",
                    id="pdi-checklist",
                ),
            ),
            rx.cond(
                step == "handed_over",
                rx.vstack(
                    rx.text(t("shipment.signature_name"), as_="label", html_for="signature-name", size="2"),
                    rx.input(
                        id="signature-name",
                        value=ShipmentState.signature_name,
                        on_change=ShipmentState.set_signature_name,
                        max_length=130,
                        width="100%",
                        size="3",
                    ),
                    width="100%",
                    spacing="1",
                ),
            ),
            field_error(ShipmentState.step_error, "step-error-text"),
            rx.button(
                rx.icon("circle-check", size=16),
                ShipmentState.next_step_label,
                on_click=ShipmentState.record_next_step,
                loading=ShipmentState.recording,
                id="record-step",
                custom_attrs={"data-step": step},
                size="3",
            ),
            id="dealer-steps",
        ),
    )


def _shipment() -> rx.Component:
    return rx.vstack(
        _heading(),
        rx.grid(_facts(), _goods(), columns=rx.breakpoints(initial="1", lg="2"), spacing="4", width="100%"),
        _steps(),
        section(
            t("shipment.map"),
            geo_map(ShipmentState.map_figure, ShipmentState.loading, height="360px", id="shipment-map"),
            rx.cond(
                ~ShipmentState.has_position,
                rx.text(t("shipment.no_position"), size="2", color_scheme="gray", id="shipment-no-position"),
            ),
        ),
        section(t("shipment.timeline"), timeline(ShipmentState.timeline, "shipment-timeline")),
        spacing="4",
        width="100%",
    )


@framed_page(routes.SHIPMENT, on_load=ShipmentState.load)
def shipment_page() -> rx.Component:
    return rx.box(
        rx.cond(
            ShipmentState.header.contains("title"),
            _shipment(),
            rx.cond(
                ShipmentState.loading,
                rx.center(rx.spinner(size="3"), width="100%", min_height="40vh"),
                rx.vstack(
                    missing_notice("shipment.not_found"),
                    back_link(ShipmentState.home_path, "shipment.back"),
                    spacing="3",
                    id="shipment-missing",
                ),
            ),
        ),
        on_unmount=ShipmentState.stop_watching,
        width="100%",
    )


# --- the public page ---------------------------------------------------------------------------


def _track_field(label_key: str, name: str, value, on_change, error) -> rx.Component:
    return rx.vstack(
        rx.text(t(label_key), as_="label", html_for=name, size="2", weight="medium"),
        rx.input(
            name=name,
            id=name,
            value=value,
            on_change=on_change,
            size="3",
            width="100%",
            auto_complete="off",
        ),
        field_error(error, f"{name}-error"),
        spacing="1",
        width="100%",
    )


def _track_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            _track_field(
                "track.number",
                "tracking_number",
                TrackState.tracking_number,
                TrackState.set_tracking_number,
                TrackState.errors.get("tracking_number", ""),
            ),
            rx.vstack(
                rx.text(t("track.check_with"), size="2", weight="medium"),
                rx.segmented_control.root(
                    rx.segmented_control.item(
                        t("track.by_postcode"), value="postcode", id="track-by-postcode"
                    ),
                    rx.segmented_control.item(
                        t("track.by_last_name"), value="last_name", id="track-by-last-name"
                    ),
                    value=TrackState.by,
                    on_change=TrackState.set_by,
                    width="100%",
                    id="track-by",
                ),
                spacing="1",
                width="100%",
            ),
            rx.cond(
                TrackState.by == "last_name",
                _track_field(
                    "track.last_name",
                    "last_name",
                    TrackState.last_name,
                    TrackState.set_last_name,
                    TrackState.errors.get("last_name", ""),
                ),
                _track_field(
                    "track.postcode",
                    "postcode",
                    TrackState.postcode,
                    TrackState.set_postcode,
                    TrackState.errors.get("postcode", ""),
                ),
            ),
            rx.button(
                rx.icon("search", size=16),
                t("track.submit"),
                type="submit",
                size="3",
                width="100%",
                loading=TrackState.searching,
                id="track-submit",
            ),
            spacing="3",
            width="100%",
        ),
        on_submit=TrackState.lookup,
        width="100%",
    )


@public_page(routes.TRACK)
def track_page() -> rx.Component:
    summary = TrackState.summary
    return rx.box(
        rx.vstack(
            rx.hstack(brand(always_named=True), rx.spacer(), language_switch(), width="100%", align="center"),
            rx.card(
                rx.vstack(
                    rx.heading(t("track.title"), size="6", id="page-title"),
                    rx.text(t("track.subtitle"), size="2", color_scheme="gray"),
                    _track_form(),
                    rx.cond(
                        TrackState.message != "",
                        rx.callout(
                            TrackState.message,
                            icon="circle-alert",
                            color_scheme="red",
                            role="alert",
                            id="track-message",
                            width="100%",
                        ),
                    ),
                    spacing="4",
                    width="100%",
                ),
                size=rx.breakpoints(initial="2", sm="4"),
                width="100%",
            ),
            rx.cond(
                TrackState.found,
                rx.card(
                    rx.vstack(
                        rx.code(summary["tracking_number"], size="2", variant="ghost"),
                        _eta_card(summary, "track"),
                        rx.separator(),
                        timeline(TrackState.rows, "track-timeline"),
                        spacing="4",
                        width="100%",
                    ),
                    size=rx.breakpoints(initial="2", sm="4"),
                    width="100%",
                    id="track-result",
                ),
            ),
            spacing="4",
            width="100%",
            max_width="40rem",
            margin_x="auto",
        ),
        padding=rx.breakpoints(initial="0.75rem", sm="1.5rem"),
        min_height="100vh",
        background=rx.color("accent", 2),
        lang=rx.cond(TrackState.language == "zh", "zh-Hans", "en"),
        overflow_x="hidden",
    )
