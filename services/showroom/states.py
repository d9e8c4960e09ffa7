"""The legal moves of a test drive, checked before anything is written."""

from __future__ import annotations

from models.showroom import TestDriveStatus as S
from services.platform.errors import DomainError

TRANSITIONS: dict[str, frozenset[str]] = {
    S.BOOKED: frozenset({S.CHECKED_IN, S.NO_SHOW, S.CANCELLED}),
    S.CHECKED_IN: frozenset({S.COMPLETED}),
    S.COMPLETED: frozenset(),
    S.NO_SHOW: frozenset(),
    S.CANCELLED: frozenset(),
}


class WrongStatus(DomainError):
    """The drive is not in a status that allows this. HTTP 409."""

    status = 409


def require_status(current: str, *allowed: str, field: str | None = None) -> None:
    """Raise WrongStatus unless the drive is in one of `allowed` (for changes that keep the status)."""
    if current not in allowed:
        raise WrongStatus("test_drive.wrong_status", field=field, status=current)


def require_transition(current: str, target: str, *, field: str | None = None) -> None:
    """Raise WrongStatus unless `current` -> `target` is a legal move."""
    if target not in TRANSITIONS.get(current, frozenset()):
        raise WrongStatus("test_drive.wrong_status", field=field, status=current)
