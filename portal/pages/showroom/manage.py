"""/test-drive/manage?token= (public): the visitor's drive, reschedule and cancel until the dealer's
cutoff; a tampered link says it is not valid, an expired or replaced one that it has expired."""

from __future__ import annotations

import reflex as rx

from portal.components.frame import public_page
from portal.components.ui import fact, facts, section, t
from portal.pages.showroom.booking import add_to_calendar, public_frame, slot_picker, taken_notice
from state.shared import routes
from state.showroom.booking import ManageState


def _problem(icon: str, title_key: str, body_key: str, element_id: str) -> rx.Component:
    return rx.vstack(
        rx.icon(icon, size=40, color=rx.color("gray", 9)),
        rx.heading(t(title_key), size="6", as_="h1"),
        rx.text(t(body_key), size="3", color_scheme="gray"),
        rx.link(t("test_drive.book_again"), href=routes.TEST_DRIVE_BOOK),
        spacing="3",
        align="start",
        padding_y="2rem",
        id=element_id,
    )


def _actions() -> rx.Component:
    return rx.cond(
        ManageState.open,
        rx.vstack(
            rx.flex(
                rx.button(
                    rx.icon("calendar-clock", size=16),
                    t("test_drive.reschedule"),
                    on_click=ManageState.toggle_picker,
                    id="reschedule",
                    variant=rx.cond(ManageState.picking, "solid", "soft"),
                ),
                rx.alert_dialog.root(
                    rx.alert_dialog.trigger(
                        rx.button(
                            rx.icon("calendar-x", size=16),
                            t("test_drive.cancel_drive"),
                            color_scheme="red",
                            variant="soft",
                            id="cancel-drive",
                        )
                    ),
                    rx.alert_dialog.content(
                        rx.alert_dialog.title(t("test_drive.cancel_drive")),
                        rx.alert_dialog.description(t("test_drive.cancel_question")),
                        rx.flex(
                            rx.alert_dialog.cancel(
                                rx.button(t("common.cancel"), variant="soft", color_scheme="gray")
                            ),
                            rx.alert_dialog.action(
                                rx.button(
                                    t("test_drive.cancel_drive"),
                                    color_scheme="red",
                                    on_click=ManageState.cancel,
                                    id="cancel-confirm",
                                )
                            ),
                            gap="3",
                            justify="end",
                            margin_top="1rem",
                        ),
                    ),
                ),
                gap="3",
                wrap="wrap",
            ),
            taken_notice(ManageState, ManageState.reschedule),
            rx.cond(ManageState.picking, slot_picker(ManageState, ManageState.reschedule)),
            spacing="3",
            width="100%",
        ),
        rx.cond(
            ManageState.cutoff_reason,
            rx.callout(ManageState.cutoff_reason, icon="clock", color_scheme="orange", id="cutoff-reason"),
        ),
    )


def _drive() -> rx.Component:
    d = ManageState.drive
    return rx.vstack(
        rx.heading(t("test_drive.manage_title"), size="7", as_="h1"),
        section(
            t("test_drive.your_drive"),
            facts(
                fact("test_drive.when", d["when"], "manage-when"),
                fact("test_drive.dealer", d["dealer"], "manage-dealer"),
                fact("test_drive.car", d["car"], "manage-car"),
                fact("test_drive.salesperson", d["salesperson"], "manage-salesperson"),
                fact("test_drive.status_label", d["status_label"], "manage-status"),
            ),
            rx.cond(d["cancelled"], rx.fragment(), add_to_calendar(d["invite_link"], size="2")),
            _actions(),
        ),
        spacing="4",
        width="100%",
        id="manage-drive",
    )


def _manage() -> rx.Component:
    return rx.cond(
        ManageState.loading,
        rx.center(rx.spinner(size="3"), width="100%", min_height="30vh"),
        rx.match(
            ManageState.link_problem,
            (
                "invalid",
                _problem(
                    "link-2-off",
                    "test_drive.link_invalid_title",
                    "test_drive.link_invalid_hint",
                    "link-invalid",
                ),
            ),
            (
                "expired",
                _problem(
                    "clock-alert",
                    "test_drive.link_expired_title",
                    "test_drive.link_expired_hint",
                    "link-expired",
                ),
            ),
            _drive(),
        ),
    )


@public_page(routes.TEST_DRIVE_MANAGE, on_load=ManageState.load)
def test_drive_manage() -> rx.Component:
    return public_frame(ManageState, _manage())
