"""/test-drive/book (public): choose the trim and dealer if missing, a day of the next 14, a free
slot in the dealer's local time (held for 5 minutes with a countdown), the visitor's details, and
the confirmation with the private manage link."""

from __future__ import annotations

import reflex as rx

from portal.components.frame import brand, frame, language_switch, page_loading, public_page
from portal.components.ui import callout, choice_select, fact, facts, field_error, labelled, section, t
from state.shared import routes
from state.shared.auth import AuthState
from state.showroom.booking import BookingState


def public_frame(state, content: rx.Component) -> rx.Component:
    """A signed-in user's frame (sidebar), or the visitor's: brand, language and "Sign in"."""
    visitor = rx.box(
        rx.hstack(
            brand(),
            rx.spacer(),
            language_switch(),
            rx.link(
                rx.button(
                    rx.icon("log-in", size=16),
                    t("not_found.sign_in"),
                    size="2",
                    variant="soft",
                    white_space="nowrap",
                ),
                href=routes.LOGIN,
                id="visitor-sign-in",
            ),
            width="100%",
            align="center",
            spacing="3",
        ),
        rx.box(content, max_width="60rem", margin_x="auto", padding_top="1.5rem"),
        padding=rx.breakpoints(initial="1rem", md="1.75rem"),
        min_height="100vh",
        background=rx.color("gray", 1),
        lang=rx.cond(AuthState.language == "zh", "zh-Hans", "en"),
    )
    return rx.cond(state.checked, rx.cond(AuthState.allowed, frame(content), visitor), page_loading())


def day_picker(state) -> rx.Component:
    return rx.flex(
        rx.foreach(
            state.days,
            lambda day: rx.button(
                rx.vstack(
                    rx.text(day["weekday"], size="1"),
                    rx.text(day["label"], size="2", weight="bold"),
                    spacing="0",
                    align="center",
                ),
                variant=rx.cond(state.day == day["day"], "solid", "surface"),
                color_scheme=rx.cond(day["free"] > 0, "indigo", "gray"),
                disabled=day["free"] == 0,
                on_click=state.choose_day(day["day"]),
                height="3.25rem",
                min_width="3.5rem",
                id="day-" + day["day"],
                type="button",
            ),
        ),
        wrap="wrap",
        gap="2",
        width="100%",
        id="day-picker",
    )


def slot_button(slot, on_click, prefix: str = "slot") -> rx.Component:
    return rx.button(
        rx.vstack(
            rx.text(slot["label"], size="2", weight="bold"),
            rx.cond(slot["viewer_label"], rx.text(slot["viewer_label"], size="1", color_scheme="gray")),
            spacing="0",
            align="center",
        ),
        variant="surface",
        on_click=on_click,
        min_width="4.5rem",
        height="3rem",
        class_name=prefix,
        custom_attrs={"data-start": slot["starts_at"], "data-day": slot["day"]},
        type="button",
    )


def slot_picker(state, on_pick) -> rx.Component:
    return rx.vstack(
        day_picker(state),
        rx.text(
            t("test_drive.times_in"),
            " ",
            rx.code(state.dealer_zone, variant="ghost"),
            rx.cond(
                state.shows_viewer_zone,
                rx.fragment(
                    " · ", t("test_drive.your_time"), " ", rx.code(state.viewer_zone, variant="ghost")
                ),
            ),
            size="1",
            color_scheme="gray",
            id="zone-label",
        ),
        rx.cond(
            state.day_slots,
            rx.flex(
                rx.foreach(state.day_slots, lambda slot: slot_button(slot, on_pick(slot["starts_at"]))),
                wrap="wrap",
                gap="2",
                width="100%",
                id="slots",
            ),
            rx.text(t("test_drive.no_slots"), size="2", color_scheme="gray", id="no-slots"),
        ),
        spacing="3",
        width="100%",
    )


def taken_notice(state, on_pick) -> rx.Component:
    return rx.cond(
        state.taken_message,
        rx.callout.root(
            rx.callout.icon(rx.icon("triangle-alert")),
            rx.vstack(
                rx.callout.text(state.taken_message),
                rx.flex(
                    rx.foreach(
                        state.alternatives,
                        lambda slot: slot_button(slot, on_pick(slot["starts_at"]), prefix="alternative"),
                    ),
                    wrap="wrap",
                    gap="2",
                ),
                spacing="2",
            ),
            color_scheme="orange",
            width="100%",
            id="just-taken",
        ),
    )


def _chooser() -> rx.Component:
    return rx.flex(
        choice_select(
            BookingState.trim_id,
            BookingState.trims,
            BookingState.choose_trim,
            "choose-trim",
            "test_drive.car",
            width="100%",
            placeholder=t("test_drive.choose_trim"),
        ),
        rx.cond(
            BookingState.trim_id,
            rx.cond(
                BookingState.dealers,
                choice_select(
                    BookingState.dealer_id,
                    BookingState.dealers,
                    BookingState.choose_dealer,
                    "choose-dealer",
                    "test_drive.dealer",
                    width="100%",
                    placeholder=t("test_drive.choose_dealer"),
                ),
                rx.text(t("test_drive.no_dealers"), size="2", color_scheme="gray"),
            ),
        ),
        direction=rx.breakpoints(initial="column", sm="row"),
        gap="3",
        width="100%",
    )


def _field(name: str, label_key: str, **props) -> rx.Component:
    return labelled(
        label_key,
        rx.input(name=name, id=f"field-{name}", width="100%", size="3", **props),
        BookingState.errors.get(name, ""),
        f"error-{name}",
    )


def _form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.callout.root(
                rx.callout.icon(rx.icon("timer")),
                rx.callout.text(
                    t("test_drive.held_for"),
                    " ",
                    rx.text.strong(BookingState.held_label, id="held-slot"),
                    " · ",
                    t("test_drive.hold_left"),
                    " ",
                    rx.text.strong(BookingState.countdown, id="hold-countdown"),
                ),
                color_scheme="indigo",
                width="100%",
            ),
            rx.grid(
                _field("visitor_name", "test_drive.name", auto_complete="name"),
                _field("phone", "test_drive.phone", type="tel", auto_complete="tel"),
                _field("email", "test_drive.email", type="email", auto_complete="email"),
                _field("licence_number", "test_drive.licence_number"),
                _field("licence_expires_on", "test_drive.licence_expires_on", type="date"),
                columns=rx.breakpoints(initial="1", sm="2"),
                spacing="3",
                width="100%",
            ),
            field_error(BookingState.form_error, "form-error"),
            rx.flex(
                rx.button(
                    t("test_drive.other_slot"),
                    variant="soft",
                    color_scheme="gray",
                    type="button",
                    on_click=BookingState.release,
                ),
                rx.button(
                    t("test_drive.confirm"),
                    type="submit",
                    id="confirm-booking",
                    loading=BookingState.submitting,
                ),
                justify="end",
                gap="3",
                width="100%",
                wrap="wrap",
            ),
            spacing="4",
            width="100%",
        ),
        on_submit=BookingState.confirm,
        width="100%",
        id="booking-form",
    )


def add_to_calendar(href, size: str = "3") -> rx.Component:
    """The booking's .ics download (the same calendar entry as the e-mailed invites)."""
    return rx.link(
        rx.button(
            rx.icon("calendar-plus", size=16), t("test_drive.add_to_calendar"), size=size, variant="soft"
        ),
        href=href,
        download=True,
        reload_document=True,  # a file from the API, not a page of the app: the browser downloads it
        id="add-to-calendar",
    )


def _confirmation() -> rx.Component:
    c = BookingState.confirmed
    return rx.vstack(
        rx.heading(t("test_drive.confirmed_title"), size="6", as_="h2", id="confirmed-title"),
        facts(
            fact("test_drive.when", c["when"], "confirmed-when"),
            fact("test_drive.dealer", c["dealer"], "confirmed-dealer"),
            fact("test_drive.car", c["car"], "confirmed-car"),
            fact("test_drive.salesperson", c["salesperson"], "confirmed-salesperson"),
        ),
        rx.text(t("test_drive.manage_hint"), size="2", color_scheme="gray"),
        rx.hstack(
            rx.link(
                rx.button(rx.icon("calendar-cog", size=16), t("test_drive.manage_link"), size="3"),
                href=c["manage_link"],
                id="manage-link",
            ),
            add_to_calendar(c["invite_link"]),
            spacing="3",
            wrap="wrap",
        ),
        spacing="4",
        width="100%",
        id="confirmation",
    )


def _booking() -> rx.Component:
    return rx.vstack(
        rx.heading(t("test_drive.book_title"), size="7", as_="h1"),
        callout(BookingState.missing, "circle-alert", "red", "booking-missing"),
        rx.cond(
            BookingState.confirmed,
            section(t("test_drive.your_drive"), _confirmation()),
            rx.vstack(
                section(
                    t("test_drive.what_where"),
                    rx.vstack(
                        _chooser(),
                        rx.cond(
                            BookingState.dealer_name,
                            rx.text(
                                rx.text.strong(BookingState.car, id="booking-car"),
                                " · ",
                                rx.text.span(BookingState.dealer_address, id="booking-dealer"),
                                size="2",
                            ),
                        ),
                        spacing="3",
                        width="100%",
                    ),
                ),
                rx.cond(
                    BookingState.dealer_name,
                    section(
                        t("test_drive.pick_slot"),
                        rx.vstack(
                            taken_notice(BookingState, BookingState.hold),
                            callout(
                                rx.cond(BookingState.hold_expired, BookingState.form_error, ""),
                                "timer-off",
                                "orange",
                                "hold-expired",
                            ),
                            rx.cond(
                                BookingState.has_hold,
                                _form(),
                                rx.cond(
                                    BookingState.loading,
                                    rx.spinner(),
                                    slot_picker(BookingState, BookingState.hold),
                                ),
                            ),
                            spacing="3",
                            width="100%",
                        ),
                    ),
                ),
                spacing="4",
                width="100%",
            ),
        ),
        spacing="4",
        width="100%",
        id="test-drive-booking",
    )


@public_page(routes.TEST_DRIVE_BOOK, on_load=BookingState.load)
def test_drive_book() -> rx.Component:
    return public_frame(BookingState, _booking())
