"""The dead-letter table as the admin reads it: newest first, filtered by carrier, by state (open,
replayed) and by words of the reason, each with the payload's first bytes for a monospace preview.
The replay itself is services/logistics/ingest.py `replay_dead_letter`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import Session

from models import DeadLetter
from services.catalog.lists import Page
from services.identity.access import require_role
from services.identity.auth import Principal
from services.platform.errors import ValidationFailed

PREVIEW_CHARACTERS = 400
STATES = ("open", "replayed", "all")
MAX_REASON_QUERY = 100
_LETTERS = DeadLetter.__table__


@dataclass(frozen=True)
class DeadLetterRow:
    id: int
    carrier: str
    source: str
    error: str
    field: str | None
    received_at: datetime
    replayed_at: datetime | None
    replay_error: str | None
    size: int
    preview: str  # the payload's first characters, control characters but newlines shown as '.'


def preview(payload: str, limit: int = PREVIEW_CHARACTERS) -> str:
    head = payload[:limit]
    shown = "".join(ch if ch == "\n" or ch.isprintable() else "." for ch in head)
    return shown + ("…" if len(payload) > limit else "")


def list_dead_letters(
    session: Session,
    principal: Principal,
    page: Page,
    *,
    carrier: str | None = None,
    state: str = "open",
    reason: str | None = None,
) -> tuple[list[DeadLetterRow], int]:
    """Admins only (PermissionDenied). ValidationFailed names `state` or `reason` when bad."""
    require_role(principal, "admin")
    if state not in STATES:
        raise ValidationFailed("dead_letter.state_invalid", field="state")
    if reason is not None and len(reason) > MAX_REASON_QUERY:
        raise ValidationFailed("dead_letter.reason_too_long", field="reason")
    clauses = []
    if carrier:
        clauses.append(_LETTERS.c.carrier == carrier)
    if state == "open":
        clauses.append(_LETTERS.c.replayed_at.is_(None))
    elif state == "replayed":
        clauses.append(_LETTERS.c.replayed_at.is_not(None))
    if reason and reason.strip():
        needle = reason.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        clauses.append(func.lower(_LETTERS.c.error).like(f"%{needle}%", escape="\\"))
    total = session.execute(select(func.count()).select_from(_LETTERS).where(*clauses)).scalar_one()
    rows = session.execute(
        select(
            _LETTERS.c.id,
            _LETTERS.c.carrier,
            _LETTERS.c.source,
            _LETTERS.c.error,
            _LETTERS.c.field,
            _LETTERS.c.received_at,
            _LETTERS.c.replayed_at,
            _LETTERS.c.replay_error,
            func.length(_LETTERS.c.payload).label("size"),
            func.substr(_LETTERS.c.payload, 1, PREVIEW_CHARACTERS + 1).label("head"),
        )
        .where(*clauses)
        .order_by(_LETTERS.c.received_at.desc(), _LETTERS.c.id.desc())
        .offset(page.offset)
        .limit(page.size)
    ).all()
    return [
        DeadLetterRow(
            row.id,
            row.carrier,
            row.source,
            row.error,
            row.field,
            row.received_at,
            row.replayed_at,
            row.replay_error,
            row.size,
            preview(row.head),
        )
        for row in rows
    ], total
