"""The timeline both sides of an order (or an incident) see: what changed, when, by whom."""

from __future__ import annotations

import reflex as rx
from reflex.vars import Var

from portal.components.ui import empty_state, t


def _entry(event) -> rx.Component:
    return rx.hstack(
        rx.box(
            rx.box(
                width="10px",
                height="10px",
                border_radius="9999px",
                background=rx.color("accent", 9),
                margin_top="0.35rem",
            ),
            rx.box(
                width="2px", flex="1", background=rx.color("gray", 5), margin_x="4px", min_height="1.5rem"
            ),
            display="flex",
            flex_direction="column",
            align_items="center",
            align_self="stretch",
        ),
        rx.vstack(
            rx.flex(
                rx.text(event["title"], weight="medium", size="2"),
                rx.cond(event["change"] != "", rx.badge(event["change"], variant="surface", size="1")),
                rx.spacer(),
                rx.text(event["at"], size="1", color_scheme="gray", white_space="nowrap"),
                gap="0.5rem",
                align="center",
                wrap="wrap",
                width="100%",
            ),
            rx.cond(
                event["detail"] != "",
                rx.text(
                    event["detail"],
                    size="2",
                    color=rx.color("gray", 11),
                    white_space="pre-wrap",
                    word_break="break-word",
                ),
            ),
            rx.cond(event["actor"] != "", rx.text(event["actor"], size="1", color_scheme="gray")),
            spacing="1",
            width="100%",
            padding_bottom="0.9rem",
            min_width="0",
        ),
        spacing="3",
        width="100%",
        align="start",
        class_name="timeline-entry",
    )


def timeline(rows: Var, element_id: str = "timeline") -> rx.Component:
    return rx.cond(
        rows.length() > 0,
        rx.vstack(rx.foreach(rows, _entry), spacing="0", width="100%", id=element_id),
        empty_state("history", t("timeline.empty")),
    )
