"""/dealer/test-drives: the store's test-drive calendar (live), the drive panel and walk-ins."""

from __future__ import annotations

import reflex as rx

from portal.components.frame import framed_page
from portal.components.ui import (
    choice_select,
    counted_text,
    empty_state,
    fact,
    facts,
    field_error,
    labelled,
    page_heading,
    section,
    state_badge,
    t,
)
from services.showroom import dealer_desk
from state.shared import routes
from state.showroom.desk import Block, CalendarRow, DeskState, ListItem, Tick

LABEL_WIDTH = "11rem"
HATCH = (
    "repeating-linear-gradient(45deg, var(--gray-4), var(--gray-4) 4px, var(--gray-2) 4px, var(--gray-2) 8px)"
)


def _toolbar() -> rx.Component:
    return rx.flex(
        rx.cond(
            DeskState.stores.length() > 1,
            choice_select(
                DeskState.store_id,
                DeskState.store_options,
                DeskState.set_store,
                "desk-store",
                "desk.store",
                min_width="12rem",
            ),
        ),
        choice_select(
            DeskState.view,
            DeskState.view_options,
            DeskState.set_view,
            "desk-view",
            "desk.view",
            min_width="7rem",
        ),
        rx.hstack(
            rx.icon_button(
                rx.icon("chevron-left", size=16),
                variant="soft",
                on_click=DeskState.shift(-1),
                id="desk-previous",
                aria_label="previous",
            ),
            rx.button(t("desk.today"), variant="soft", on_click=DeskState.today, id="desk-today"),
            rx.icon_button(
                rx.icon("chevron-right", size=16),
                variant="soft",
                on_click=DeskState.shift(1),
                id="desk-next",
                aria_label="next",
            ),
            align="end",
            spacing="2",
        ),
        rx.button(
            rx.icon("user-plus", size=16),
            t("desk.walk_in"),
            on_click=DeskState.open_walk_in,
            id="desk-walk-in",
        ),
        gap="3",
        wrap="wrap",
        align="end",
    )


def _block(block: Block) -> rx.Component:
    is_drive = block["kind"] == "drive"
    return rx.box(
        rx.cond(is_drive, rx.text(block["label"], size="1", weight="medium", trim="both", truncate=True)),
        position="absolute",
        top="4px",
        bottom="4px",
        left=block["left"],
        width=block["width"],
        padding_x="4px",
        display="flex",
        align_items="center",
        overflow="hidden",
        border_radius="var(--radius-2)",
        cursor=rx.cond(is_drive, "pointer", "default"),
        background=rx.match(
            block["kind"],
            ("drive", rx.color(block["colour"], 5)),
            ("buffer", rx.color(block["colour"], 2)),
            HATCH,
        ),
        border=rx.match(
            block["kind"],
            ("drive", f"1px solid {rx.color('gray', 8)}"),
            ("buffer", f"1px dashed {rx.color('gray', 7)}"),
            f"1px dashed {rx.color('gray', 8)}",
        ),
        title=block["label"],
        custom_attrs={"data-kind": block["kind"], "data-drive": block["id"]},
        on_click=rx.cond(is_drive, DeskState.open_drive(block["id"]), rx.noop()),
    )


def _row(row: CalendarRow) -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.text(row["kind"], size="1", color_scheme="gray"),
            rx.text(row["label"], size="2", weight="medium", truncate=True),
            spacing="0",
            width=LABEL_WIDTH,
            min_width=LABEL_WIDTH,
            padding_x="0.5rem",
        ),
        rx.box(
            rx.foreach(row["blocks"], _block),
            background_image=DeskState.grid_lines,
            position="relative",
            height="2.6rem",
            flex="1",
            border_left=f"1px solid {rx.color('gray', 5)}",
        ),
        width="100%",
        spacing="0",
        align="center",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        custom_attrs={"data-row": row["key"]},
    )


def _tick(tick: Tick) -> rx.Component:
    return rx.text(
        tick["label"],
        size="1",
        color_scheme="gray",
        position="absolute",
        left=tick["left"],
        padding_left="2px",
        white_space="nowrap",
    )


def _grid() -> rx.Component:
    return rx.box(
        rx.vstack(
            rx.hstack(
                rx.box(width=LABEL_WIDTH, min_width=LABEL_WIDTH),
                rx.box(rx.foreach(DeskState.ticks, _tick), position="relative", height="1.4rem", flex="1"),
                width="100%",
                spacing="0",
            ),
            rx.foreach(DeskState.rows, _row),
            spacing="0",
            width="100%",
        ),
        id="desk-calendar",
        width="100%",
        display=rx.breakpoints(initial="none", md="block"),
    )


def _list_item(item: ListItem) -> rx.Component:
    return rx.card(
        rx.hstack(
            rx.vstack(
                rx.text(item["time"], size="2", weight="bold"),
                rx.text(item["label"], size="2"),
                rx.text(item["detail"], size="1", color_scheme="gray"),
                spacing="1",
            ),
            rx.spacer(),
            state_badge(item["status_label"], item["colour"]),
            width="100%",
        ),
        width="100%",
        cursor="pointer",
        on_click=DeskState.open_drive(item["id"]),
        custom_attrs={"data-drive": item["id"]},
    )


def _list() -> rx.Component:
    return rx.vstack(
        rx.foreach(DeskState.list_items, _list_item),
        id="desk-list",
        width="100%",
        spacing="2",
        display=rx.breakpoints(initial="flex", md="none"),
    )


def _legend() -> rx.Component:
    return rx.flex(
        *[
            state_badge(t(f"desk.status.{s}"), c)
            for s, c in (
                ("booked", "blue"),
                ("checked_in", "amber"),
                ("completed", "grass"),
                ("no_show", "red"),
            )
        ],
        rx.badge(t("desk.held"), variant="outline", color_scheme="gray"),
        rx.badge(t("desk.buffer"), variant="outline", color_scheme="gray"),
        gap="2",
        wrap="wrap",
    )


def _number_input(name: str, value, element_id: str, error_key: str) -> rx.Component:
    return labelled(
        f"desk.{name}",
        rx.input(
            value=value, on_change=lambda v: DeskState.set_field(name, v), id=element_id, input_mode="numeric"
        ),
        DeskState.errors.get(error_key, ""),
    )


def _actions() -> rx.Component:
    status = DeskState.selected["status"]
    return rx.vstack(
        rx.cond(
            status == "booked",
            rx.vstack(
                rx.heading(t("desk.check_in"), size="3"),
                rx.checkbox(
                    t("desk.licence_seen"),
                    checked=DeskState.licence_seen,
                    on_change=DeskState.set_licence_seen,
                    id="desk-licence-seen",
                ),
                field_error(DeskState.errors.get("licence_seen", "")),
                rx.grid(
                    _number_input(
                        "odometer_out", DeskState.odometer_out, "desk-odometer-out", "odometer_out_km"
                    ),
                    _number_input(
                        "energy_out", DeskState.energy_out, "desk-energy-out", "energy_out_percent"
                    ),
                    columns="2",
                    spacing="3",
                    width="100%",
                ),
                rx.hstack(
                    rx.button(t("desk.check_in"), on_click=DeskState.check_in, id="desk-check-in"),
                    rx.button(
                        t("desk.mark_no_show"),
                        on_click=DeskState.no_show,
                        variant="soft",
                        color_scheme="red",
                        id="desk-no-show",
                    ),
                    spacing="3",
                ),
                width="100%",
            ),
        ),
        rx.cond(
            status == "checked_in",
            rx.vstack(
                rx.heading(t("desk.check_out"), size="3"),
                rx.grid(
                    _number_input("odometer_in", DeskState.odometer_in, "desk-odometer-in", "odometer_in_km"),
                    _number_input("energy_in", DeskState.energy_in, "desk-energy-in", "energy_in_percent"),
                    columns="2",
                    spacing="3",
                    width="100%",
                ),
                labelled(
                    "desk.notes",
                    counted_text(
                        dealer_desk.MAX_NOTES_LENGTH,
                        element_id="desk-notes",
                        value=DeskState.notes,
                        on_change=lambda v: DeskState.set_field("notes", v),
                        error=DeskState.errors.get("notes", ""),
                    ),
                ),
                rx.button(t("desk.check_out"), on_click=DeskState.check_out, id="desk-check-out"),
                width="100%",
            ),
        ),
        rx.cond(
            (status == "booked") | (status == "checked_in"),
            rx.vstack(
                rx.heading(t("desk.move"), size="3"),
                rx.grid(
                    choice_select(
                        DeskState.move_car,
                        DeskState.car_options,
                        lambda v: DeskState.set_field("move_car", v),
                        "desk-move-car",
                        "desk.car",
                        width="100%",
                    ),
                    choice_select(
                        DeskState.move_person,
                        DeskState.person_options,
                        lambda v: DeskState.set_field("move_person", v),
                        "desk-move-person",
                        "desk.salesperson",
                        width="100%",
                    ),
                    columns="2",
                    spacing="3",
                    width="100%",
                ),
                field_error(DeskState.errors.get("car_id", "")),
                field_error(DeskState.errors.get("salesperson_id", "")),
                rx.button(t("desk.move"), on_click=DeskState.move, variant="soft", id="desk-move"),
                width="100%",
            ),
        ),
        spacing="4",
        width="100%",
    )


def _panel() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(DeskState.selected["visitor"]),
            rx.vstack(
                state_badge(
                    DeskState.selected["status_label"], DeskState.selected["colour"], id="desk-status"
                ),
                facts(
                    fact("desk.time", DeskState.selected["time"]),
                    fact("desk.trim", DeskState.selected["trim"]),
                    fact("desk.car", DeskState.selected["car"]),
                    fact("desk.salesperson", DeskState.selected["salesperson"]),
                    fact("desk.contact", DeskState.selected["contact"]),
                ),
                rx.cond(DeskState.selected["notes"], rx.text(DeskState.selected["notes"], size="2")),
                rx.divider(),
                _actions(),
                rx.hstack(
                    rx.dialog.close(rx.button(t("desk.close"), variant="soft", color_scheme="gray")),
                    justify="end",
                    width="100%",
                ),
                spacing="3",
                width="100%",
            ),
            max_width="34rem",
            id="desk-panel",
        ),
        open=DeskState.panel_open,
        on_open_change=DeskState.set_panel_open,
    )


def _walk_in_field(name: str, element_id: str, type_: str = "text") -> rx.Component:
    return labelled(
        f"desk.field.{name}",
        rx.input(
            value=DeskState.walk_in.get(name, ""),
            on_change=lambda v: DeskState.set_walk_in_field(name, v),
            id=element_id,
            type=type_,
        ),
        DeskState.errors.get(name, ""),
    )


def _walk_in_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(t("desk.walk_in")),
            rx.dialog.description(t("desk.walk_in_hint"), size="2"),
            rx.vstack(
                rx.cond(
                    DeskState.stores.length() > 1,
                    rx.hstack(
                        rx.icon("store", size=16),
                        rx.text(t("desk.store"), size="2", color_scheme="gray"),
                        rx.text(DeskState.store_name, size="2", weight="medium", id="walk-in-store"),
                        align="center",
                        spacing="2",
                    ),
                ),
                choice_select(
                    DeskState.walk_in_trim,
                    DeskState.trim_options,
                    DeskState.set_walk_in_trim,
                    "walk-in-trim",
                    "desk.trim",
                    width="100%",
                ),
                field_error(DeskState.errors.get("trim", "")),
                _walk_in_field("visitor_name", "walk-in-name"),
                _walk_in_field("phone", "walk-in-phone", "tel"),
                _walk_in_field("email", "walk-in-email", "email"),
                _walk_in_field("licence_number", "walk-in-licence"),
                _walk_in_field("licence_expires_on", "walk-in-licence-expiry", "date"),
                field_error(DeskState.errors.get("starts_at", "")),
                rx.hstack(
                    rx.dialog.close(rx.button(t("common.cancel"), variant="soft", color_scheme="gray")),
                    rx.button(t("desk.book_walk_in"), on_click=DeskState.book_walk_in, id="walk-in-submit"),
                    justify="end",
                    width="100%",
                    spacing="3",
                ),
                spacing="3",
                width="100%",
                margin_top="0.75rem",
            ),
            max_width="30rem",
        ),
        open=DeskState.walk_in_open,
        on_open_change=DeskState.set_walk_in_open,
    )


@framed_page(routes.DEALER_TEST_DRIVES, on_load=DeskState.load)
def test_drives() -> rx.Component:
    return rx.vstack(
        page_heading("desk.title", "desk.subtitle", _toolbar()),
        section(
            DeskState.range_label,
            rx.vstack(
                _legend(),
                rx.cond(
                    DeskState.loading & (DeskState.rows.length() == 0),
                    rx.skeleton(height="12rem", width="100%"),
                    rx.cond(
                        DeskState.rows.length() == 0,
                        empty_state("calendar-x", t("desk.empty"), t("desk.empty_hint")),
                        rx.fragment(
                            _grid(),
                            _list(),
                            rx.cond(
                                DeskState.list_items.length() == 0,
                                rx.text(t("desk.no_drives"), size="2", color_scheme="gray", id="desk-none"),
                            ),
                        ),
                    ),
                ),
                spacing="3",
                width="100%",
            ),
            actions=rx.text(DeskState.zone_label, size="2", color_scheme="gray", id="desk-zone"),
        ),
        _panel(),
        _walk_in_dialog(),
        rx.box(on_unmount=DeskState.leave),
        spacing="4",
        width="100%",
    )
