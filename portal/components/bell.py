"""The bell in the header of every signed-in page: the unread count on it, and a popover with the
newest entries (each opens its object and is marked read), "Mark all read" and "See all"."""

from __future__ import annotations

import reflex as rx

from portal.components.ui import t
from state.notifications.bell import BellState
from state.shared import routes


def _entry(row) -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.icon(row["icon"], size=16, flex_shrink="0", margin_top="0.15rem"),
            rx.vstack(
                rx.text(row["text"], size="2", weight=rx.cond(row["read"], "regular", "medium")),
                rx.text(row["when"], size="1", color_scheme="gray"),
                spacing="0",
                min_width="0",
            ),
            rx.spacer(),
            rx.cond(
                row["read"],
                rx.fragment(),
                rx.box(
                    width="0.5rem",
                    height="0.5rem",
                    border_radius="9999px",
                    background=rx.color("accent", 9),
                    flex_shrink="0",
                    margin_top="0.4rem",
                    aria_label=t("notification.unread"),
                ),
            ),
            align="start",
            spacing="2",
            width="100%",
        ),
        on_click=BellState.open_entry(row["id"]),
        cursor="pointer",
        padding="0.5rem 0.6rem",
        border_radius="var(--radius-2)",
        background=rx.cond(row["read"], "transparent", rx.color("accent", 2)),
        _hover={"background": rx.color("accent", 3)},
        width="100%",
        class_name="bell-entry",
        custom_attrs={"data-notification": row["id"], "data-read": rx.cond(row["read"], "true", "false")},
    )


def _panel() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text(t("notification.title"), size="3", weight="bold"),
            rx.spacer(),
            rx.button(
                t("notification.mark_all_read"),
                size="1",
                variant="ghost",
                on_click=BellState.mark_all_read,
                disabled=BellState.unread == 0,
                id="bell-mark-all",
            ),
            width="100%",
            align="center",
        ),
        rx.cond(
            BellState.rows.length() == 0,
            rx.text(
                t("notification.empty"), size="2", color_scheme="gray", padding_y="0.75rem", id="bell-empty"
            ),
            rx.vstack(
                rx.foreach(BellState.rows, _entry),
                spacing="1",
                width="100%",
                max_height="60vh",
                overflow_y="auto",
            ),
        ),
        rx.divider(),
        rx.link(t("notification.see_all"), href=routes.NOTIFICATIONS, size="2", id="bell-see-all"),
        spacing="2",
        width="100%",
    )


def bell() -> rx.Component:
    return rx.popover.root(
        rx.popover.trigger(
            rx.box(
                rx.icon_button(
                    rx.icon("bell", size=18),
                    variant="ghost",
                    size="3",
                    color_scheme="gray",
                    aria_label=BellState.bell_label,
                    id="bell",
                ),
                rx.cond(
                    BellState.unread_label != "",
                    rx.badge(
                        BellState.unread_label,
                        color_scheme="red",
                        variant="solid",
                        radius="full",
                        size="1",
                        position="absolute",
                        top="-0.2rem",
                        right="-0.35rem",
                        pointer_events="none",
                        id="bell-count",
                    ),
                ),
                position="relative",
            ),
        ),
        rx.popover.content(
            _panel(),
            width=rx.breakpoints(initial="calc(100vw - 2rem)", sm="24rem"),
            max_width="24rem",
            id="bell-panel",
        ),
    )
