"""/notifications: the reader's inbox (all or unread only, paged; an entry opens its object and is
marked read; "Mark all read") and, beside it, how each kind reaches the reader."""

from __future__ import annotations

import reflex as rx

from portal.components.frame import framed_page
from portal.components.ui import empty_state, page_heading, pager, section, t
from state.notifications.inbox import InboxState
from state.shared import routes


def _entry(row) -> rx.Component:
    return rx.box(
        rx.flex(
            rx.hstack(
                rx.box(
                    rx.icon(row["icon"], size=18),
                    padding="0.45rem",
                    border_radius="9999px",
                    background=rx.color("accent", 3),
                    color=rx.color("accent", 11),
                    flex_shrink="0",
                ),
                rx.vstack(
                    rx.text(row["text"], size="2", weight=rx.cond(row["read"], "regular", "medium")),
                    rx.text(row["when"], size="1", color_scheme="gray"),
                    spacing="1",
                    min_width="0",
                ),
                align="start",
                spacing="3",
                min_width="0",
            ),
            rx.spacer(),
            rx.cond(
                row["read"],
                rx.fragment(),
                rx.badge(t("notification.unread"), color_scheme="blue", variant="soft", radius="full"),
            ),
            gap="0.75rem",
            align="start",
            width="100%",
        ),
        on_click=InboxState.open_entry(row["id"]),
        cursor="pointer",
        padding="0.75rem",
        border_radius="var(--radius-3)",
        border=f"1px solid {rx.color('gray', 5)}",
        background=rx.cond(row["read"], rx.color("gray", 1), rx.color("accent", 2)),
        _hover={"background": rx.color("accent", 3)},
        width="100%",
        class_name="inbox-entry",
        custom_attrs={"data-notification": row["id"], "data-read": rx.cond(row["read"], "true", "false")},
    )


def _entries() -> rx.Component:
    empty = rx.cond(
        InboxState.unread_only,
        empty_state("bell", t("notification.empty_unread")),
        empty_state("bell", t("notification.empty")),
    )
    return rx.vstack(
        rx.cond(
            InboxState.loading & (InboxState.total == 0),
            rx.vstack(
                *[rx.skeleton(rx.box(height="3.5rem", width="100%"), loading=True) for _ in range(4)],
                width="100%",
            ),
            rx.cond(
                InboxState.total == 0,
                empty,
                rx.vstack(rx.foreach(InboxState.rows, _entry), spacing="2", width="100%"),
            ),
        ),
        pager(
            InboxState.pager_label,
            InboxState.previous_page,
            InboxState.next_page,
            InboxState.has_previous,
            InboxState.has_next,
        ),
        spacing="3",
        width="100%",
        id="inbox-entries",
    )


def _filters() -> rx.Component:
    return rx.flex(
        rx.text(
            rx.flex(
                rx.switch(
                    checked=InboxState.unread_only,
                    on_change=InboxState.set_unread_only,
                    id="inbox-unread-only",
                ),
                t("notification.show_unread"),
                gap="2",
                align="center",
            ),
            as_="label",
            size="2",
        ),
        rx.spacer(),
        rx.button(
            rx.icon("check-check", size=16),
            t("notification.mark_all_read"),
            variant="soft",
            on_click=InboxState.mark_all_read,
            id="inbox-mark-all",
        ),
        gap="0.75rem",
        wrap="wrap",
        align="center",
        width="100%",
    )


def _preference(row) -> rx.Component:
    return rx.flex(
        rx.text(row["label"], size="2", flex="1", min_width="12rem"),
        rx.select.root(
            rx.select.trigger(width=rx.breakpoints(initial="100%", sm="14rem")),
            rx.select.content(
                rx.foreach(
                    InboxState.delivery_options,
                    lambda option: rx.select.item(option["label"], value=option["value"]),
                )
            ),
            value=row["delivery"],
            on_change=lambda value: InboxState.set_delivery(row["kind"], value),
            custom_attrs={"data-kind": row["kind"]},
        ),
        gap="0.5rem",
        wrap="wrap",
        align="center",
        width="100%",
        padding_y="0.35rem",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        class_name="notification-preference",
        custom_attrs={"data-kind": row["kind"]},
    )


def _preferences() -> rx.Component:
    return section(
        t("notification.preferences"),
        rx.text(t("notification.preferences_hint"), size="2", color_scheme="gray"),
        rx.cond(
            InboxState.preference_rows.length() == 0,
            rx.text(t("notification.preferences_none"), size="2", color_scheme="gray"),
            rx.vstack(rx.foreach(InboxState.preference_rows, _preference), spacing="0", width="100%"),
        ),
        id="notification-preferences",
    )


@framed_page(routes.NOTIFICATIONS, on_load=InboxState.load)
def notifications_inbox() -> rx.Component:
    return rx.vstack(
        page_heading("notification.title", "notification.subtitle"),
        rx.grid(
            section(t("notification.title"), _filters(), _entries()),
            _preferences(),
            columns=rx.breakpoints(initial="1", lg="3fr 2fr"),
            gap="1rem",
            width="100%",
            align_items="start",
        ),
        spacing="4",
        width="100%",
    )
