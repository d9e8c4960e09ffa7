"""The dead-letter table as the admin reads it: newest first, filtered by carrier, by state (open,
replayed) and by words of the reason, each with the payload's first bytes for a monospace preview;
one letter's whole payload (pretty JSON when it is JSON); the carriers that have letters (the
filter's choices). The replay itself is services/logistics/ingest.py `replay_dead_letter`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import Session

from models import DeadLetter
from services.catalog.lists import Page
from services.identity.access import require_role
from services.identity.auth import Principal
from services.platform.errors import NotFound, ValidationFailed

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


@dataclass(frozen=True)
class DeadLetterPayload:
    id: int
    carrier: str
    source: str
    error: str
    field: str | None
    received_at: datetime
    replayed_at: datetime | None
    replay_error: str | None
    payload: str  # as kept
    pretty: str  # indented JSON when the payload is JSON, else the payload as kept
    is_json: bool


def pretty_payload(payload: str) -> tuple[str, bool]:
    """(the payload indented two spaces with its keys in their order, True) when it is JSON, else
    (the payload unchanged, False)."""
    try:
        document = json.loads(payload)
    except (ValueError, RecursionError):
        return payload, False
    return json.dumps(document, ensure_ascii=False, indent=2), True


def dead_letter_payload(session: Session, principal: Principal, dead_letter_id: int) -> DeadLetterPayload:
    """One letter with its whole payload. Admins only (PermissionDenied); NotFound when it does not
    exist."""
    require_role(principal, "admin")
    letter = session.get(DeadLetter, dead_letter_id)
    if letter is None:
        raise NotFound("dead_letter.not_found", field="dead_letter_id")
    pretty, is_json = pretty_payload(letter.payload)
    return DeadLetterPayload(
        letter.id,
        letter.carrier,
        letter.source,
        letter.error,
        letter.field,
        letter.received_at,
        letter.replayed_at,
        letter.replay_error,
        letter.payload,
        pretty,
        is_json,
    )


def carriers_with_letters(session: Session, principal: Principal) -> list[str]:
    """The carriers that have dead letters (open or replayed), by name: the carrier filter's choices."""
    require_role(principal, "admin")
    return list(
        session.execute(select(_LETTERS.c.carrier).distinct().order_by(_LETTERS.c.carrier)).scalars().all()
    )
