"""The admin's audit trail: every audit entry, filtered by organisation, user, action and date
range, one page at a time, newest first, and the same selection as CSV.

Admins only (PermissionDenied otherwise); read-only. Dates are whole days in UTC, both included.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, and_, func
from sqlmodel import Session, select

from models import AuditLog, Organisation, Role, User
from services.catalog.lists import Page
from services.identity.access import require_role
from services.identity.auth import Principal
from services.platform.errors import ValidationFailed

CSV_LIMIT = 50_000  # rows in one export
CSV_COLUMNS = ("at", "actor", "organisation", "action", "entity", "entity_id", "before", "after")


@dataclass(frozen=True)
class AuditFilter:
    organisation_id: int | None = None
    user_id: int | None = None
    action: str | None = None
    since: date | None = None  # first day, UTC
    until: date | None = None  # last day, UTC

    def __post_init__(self) -> None:
        if self.since and self.until and self.until < self.since:
            raise ValidationFailed("audit.range_reversed", field="until")

    def clause(self) -> ColumnElement[bool]:
        parts = []
        if self.organisation_id is not None:
            parts.append(AuditLog.organisation_id == self.organisation_id)
        if self.user_id is not None:
            parts.append(AuditLog.actor_user_id == self.user_id)
        if self.action:
            parts.append(AuditLog.action == self.action)
        if self.since:
            parts.append(AuditLog.at >= datetime.combine(self.since, time(), tzinfo=UTC))
        if self.until:
            parts.append(AuditLog.at < datetime.combine(self.until + timedelta(days=1), time(), tzinfo=UTC))
        return and_(True, *parts)


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    actor: str  # the user's e-mail, "" for the system
    organisation: str
    action: str
    entity: str
    entity_id: str
    before: dict | None
    after: dict | None
    organisation_zh: str = ""  # the organisation's Chinese name ('' for none)


def _query(filters: AuditFilter):
    return (
        select(AuditLog, User.email, Organisation.name, Organisation.name_zh)
        .outerjoin(User, User.id == AuditLog.actor_user_id)
        .outerjoin(Organisation, Organisation.id == AuditLog.organisation_id)
        .where(filters.clause())
        .order_by(AuditLog.at.desc(), AuditLog.id.desc())
    )


def _entry(row) -> AuditEntry:
    log, email, organisation, organisation_zh = row
    return AuditEntry(
        id=log.id,
        at=log.at,
        actor=email or "",
        organisation=organisation or "",
        action=log.action,
        entity=log.entity,
        entity_id=log.entity_id,
        before=log.before,
        after=log.after,
        organisation_zh=organisation_zh or "",
    )


def list_entries(
    session: Session, principal: Principal, filters: AuditFilter = AuditFilter(), *, page: Page = Page()
) -> tuple[list[AuditEntry], int]:
    """One page of the entries `filters` select, newest first, and how many there are."""
    require_role(principal, Role.ADMIN)
    total = session.exec(select(func.count()).select_from(AuditLog).where(filters.clause())).one()
    rows = session.exec(_query(filters).offset(page.offset).limit(page.size)).all()
    session.commit()
    return [_entry(row) for row in rows], total


def export_csv(session: Session, principal: Principal, filters: AuditFilter = AuditFilter()) -> str:
    """The selected entries (newest first, at most CSV_LIMIT) as CSV with a header row; before and
    after as JSON. Cells that a spreadsheet would run as a formula are quoted with a leading '."""
    require_role(principal, Role.ADMIN)
    rows = session.exec(_query(filters).limit(CSV_LIMIT)).all()
    session.commit()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        entry = _entry(row)
        writer.writerow(
            [
                _cell(value)
                for value in (
                    entry.at.isoformat(),
                    entry.actor,
                    entry.organisation,
                    entry.action,
                    entry.entity,
                    entry.entity_id,
                    json.dumps(entry.before, ensure_ascii=False, sort_keys=True)
                    if entry.before is not None
                    else "",
                    json.dumps(entry.after, ensure_ascii=False, sort_keys=True)
                    if entry.after is not None
                    else "",
                )
            ]
        )
    return out.getvalue()


def _cell(value: str) -> str:
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@dataclass(frozen=True)
class FilterChoices:
    organisations: list[tuple[int, str]]
    users: list[tuple[int, str]]
    actions: list[str]
    organisation_names_zh: dict[int, str] = field(default_factory=dict)


def filter_choices(session: Session, principal: Principal) -> FilterChoices:
    """What the filters offer: organisations and users by name, and every action recorded."""
    require_role(principal, Role.ADMIN)
    named = session.exec(
        select(Organisation.id, Organisation.name, Organisation.name_zh).order_by(Organisation.name)
    ).all()
    organisations = [(organisation_id, name) for organisation_id, name, _ in named]
    names_zh = {organisation_id: name_zh for organisation_id, _, name_zh in named if name_zh}
    users = session.exec(select(User.id, User.email).order_by(User.email)).all()
    actions = session.exec(select(AuditLog.action).distinct().order_by(AuditLog.action)).all()
    session.commit()
    return FilterChoices(organisations, list(users), list(actions), names_zh)
