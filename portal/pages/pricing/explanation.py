"""A price suggestion's explanation as a list, one line per term, limit and piece of advice (a flagged
quote, from a Poor supplier, in red)."""

from __future__ import annotations

import reflex as rx
from reflex.vars import Var

_ICONS = {
    "term": "chart-line",
    "fixed": "lock",
    "formula": "sigma",
    "limit": "shield",
    "proposal": "arrow-right",
    "advice": "lightbulb",
    "flagged": "flag",
}


def _line(line) -> rx.Component:
    return rx.hstack(
        rx.match(
            line["kind"],
            *[(kind, rx.icon(icon, size=14)) for kind, icon in _ICONS.items()],
            rx.icon("dot", size=14),
        ),
        rx.text(line["text"], size="2", weight=rx.cond(line["kind"] == "proposal", "medium", "regular")),
        align="start",
        spacing="2",
        color=rx.cond(line["kind"] == "flagged", rx.color("red", 11), rx.color("gray", 12)),
        custom_attrs={"data-kind": line["kind"]},
        class_name="explanation-line",
    )


def explanation_list(lines: Var, element_id: str) -> rx.Component:
    return rx.vstack(
        rx.foreach(lines, _line),
        spacing="2",
        width="100%",
        padding="0.75rem",
        border_radius="var(--radius-3)",
        background=rx.color("gray", 2),
        id=element_id,
    )
