"""The one timeline component: a sales order's transitions, a purchase order's or an incident's
events, oldest first, each with what happened, when, and (where known) by whom.

A row (`state.ordering.orders.TimelineRow` and the supply states' rows) has `at`, `title` and
`detail`; these keys are optional: `status` (colours the dot and marks the entry with
`data-timeline-status`), `change` (a status move, as a badge), `cause` (a line of words under the
title), `code` (a machine reference, in code type) and `actor`. An empty or missing key shows
nothing."""

from __future__ import annotations

import reflex as rx
from reflex.vars import Var

from portal.components.ui import empty_state, t
from state.ordering.orders import STATUS_COLOURS


def _dot_colour(status: Var) -> Var:
    """A sales order's status in its colour; the accent for events that carry no status."""
    return rx.match(
        status,
        *[(value.value, rx.color(colour, 9)) for value, colour in STATUS_COLOURS.items()],
        rx.color("accent", 9),
    )


def _entry(entry) -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.box(
                width="0.8rem",
                height="0.8rem",
                border_radius="9999px",
                background=_dot_colour(entry["status"]),
                box_shadow=f"0 0 0 3px {rx.color('gray', 1)}",
                margin_top="0.3rem",
            ),
            rx.box(
                flex="1",
                width="2px",
                background=rx.color("gray", 5),
                min_height="1.5rem",
                class_name="timeline-rail",
            ),
            align="center",
            spacing="1",
            align_self="stretch",
        ),
        rx.vstack(
            rx.flex(
                rx.text(entry["title"], weight="bold", size="3"),
                rx.cond(
                    entry["change"],
                    rx.badge(entry["change"], variant="surface", size="1", width="fit-content"),
                ),
                rx.text(
                    entry["at"],
                    size="2",
                    color_scheme="gray",
                    class_name="timeline-time",
                    white_space="nowrap",
                ),
                direction=rx.breakpoints(initial="column", sm="row"),
                gap=rx.breakpoints(initial="0", sm="0.75rem"),
                align=rx.breakpoints(sm="baseline"),
                wrap="wrap",
            ),
            rx.cond(entry["cause"], rx.text(entry["cause"], size="2", class_name="timeline-cause")),
            rx.cond(
                entry["detail"],
                rx.text(
                    entry["detail"],
                    size="2",
                    color=rx.color("gray", 11),
                    white_space="pre-wrap",
                    word_break="break-word",
                    # A note as a person typed it: shown as written, in no language of ours.
                    custom_attrs={"data-verbatim": "typed"},
                ),
            ),
            rx.cond(
                entry["code"],
                # The carrier's own status code, as the carrier sent it.
                rx.code(
                    entry["code"],
                    size="1",
                    variant="ghost",
                    color_scheme="gray",
                    custom_attrs={"data-verbatim": "carrier"},
                ),
            ),
            rx.cond(entry["actor"], rx.text(entry["actor"], size="1", color_scheme="gray")),
            spacing="1",
            padding_bottom="1.1rem",
            min_width="0",
        ),
        spacing="3",
        align="start",
        width="100%",
        class_name="timeline-entry",
        custom_attrs={"data-timeline-status": entry["status"]},
    )


def timeline(
    rows: Var, element_id: str = "timeline", *, empty_key: str | None = "timeline.empty"
) -> rx.Component:
    """The entries oldest first (the rail below the last one is hidden); with `empty_key`, an empty
    state when there is none."""
    entries = rx.box(
        rx.foreach(rows, _entry),
        id=element_id,
        width="100%",
        style={"& > div:last-child .timeline-rail": {"visibility": "hidden"}},
    )
    if empty_key is None:
        return entries
    return rx.cond(rows.length() > 0, entries, empty_state("history", t(empty_key)))
