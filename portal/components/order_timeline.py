"""An order's timeline: each transition with its status, cause, detail and local time."""

from __future__ import annotations

import reflex as rx
from reflex.vars import Var

from state.ordering.orders import STATUS_COLOURS


def _dot_colour(status: Var) -> Var:
    return rx.match(status, *[(value.value, rx.color(colour, 9)) for value, colour in STATUS_COLOURS.items()],
                    rx.color("gray", 9))


def _entry(entry) -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.box(width="0.8rem", height="0.8rem", border_radius="9999px",
                   background=_dot_colour(entry["status"]),
                   box_shadow=f"0 0 0 3px {rx.color('gray', 1)}", margin_top="0.3rem"),
            rx.box(flex="1", width="2px", background=rx.color("gray", 5), min_height="1.5rem",
                   class_name="timeline-rail"),
            align="center", spacing="1", align_self="stretch",
        ),
        rx.vstack(
            rx.flex(
                rx.text(entry["status_label"], weight="bold", size="3"),
                rx.text(entry["at"], size="2", color_scheme="gray", class_name="timeline-time",
                        white_space="nowrap"),
                direction=rx.breakpoints(initial="column", sm="row"),
                gap=rx.breakpoints(initial="0", sm="0.75rem"), align=rx.breakpoints(sm="baseline"),
            ),
            rx.text(entry["cause"], size="2", class_name="timeline-cause"),
            rx.cond(entry["detail"] != "",
                    rx.code(entry["detail"], size="1", variant="ghost", color_scheme="gray")),
            spacing="1", padding_bottom="1.1rem", min_width="0",
        ),
        spacing="3", align="start", width="100%",
        custom_attrs={"data-timeline-status": entry["status"]},
    )


def order_timeline(entries: Var) -> rx.Component:
    """Oldest first; the rail below the last entry is hidden by CSS."""
    return rx.box(
        rx.foreach(entries, _entry),
        id="order-timeline", width="100%",
        style={"& > div:last-child .timeline-rail": {"visibility": "hidden"}},
    )
