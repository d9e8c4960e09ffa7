"""The rows of the one timeline component (portal/components/timeline.py), for every state that
shows one: a sales order's transitions, a purchase order's and an incident's events."""

from __future__ import annotations

from typing import TypedDict


class TimelineRow(TypedDict):
    """One entry: when, what happened and, where known, the status it reached (colours the dot), the
    status move (a badge), its cause, a longer detail, a machine reference and who did it. An empty
    key shows nothing."""

    at: str
    status: str
    title: str
    change: str
    cause: str
    detail: str
    code: str
    actor: str


def timeline_row(
    *,
    at: str,
    title: str,
    status: str = "",
    change: str = "",
    cause: str = "",
    detail: str = "",
    code: str = "",
    actor: str = "",
) -> TimelineRow:
    """A row with every key the component reads."""
    return TimelineRow(
        at=at, status=status, title=title, change=change, cause=cause, detail=detail, code=code, actor=actor
    )


def actor_label(name: str | None, organisation: str | None) -> str:
    """`Name · Organisation`, or whichever of the two is known."""
    return " · ".join(part for part in (name, organisation) if part)
