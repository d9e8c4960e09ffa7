"""Each user's inbox: entries written with the change they report, read by the bell and the inbox
page, marked read by their reader only.

`notify` adds one entry per recipient in the caller's transaction (so an entry exists exactly when
its change commits) and an outbox message `notification.created` naming the recipients: the open
bells of those users reload live (portal/live_updates.py) and the entries that asked for an e-mail
are sent (services/notifications/mail.py). An event told twice (an outbox message relayed again)
is one entry: the recipient's `dedupe_key` is unique.

Scoping: every read and change takes the principal and touches only the principal's own entries;
another user's entry id is "not found", never a different answer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from models import Delivery, Notification, NotificationPreference, Organisation, OrganisationKind, Role, User
from models.types import utcnow
from services.catalog.lists import Page
from services.identity.auth import Principal
from services.notifications import kinds
from services.platform import outbox
from services.platform.errors import NotFound, ValidationFailed
from services.platform.fields import record_id

NOTIFICATION_CREATED = "notification.created"
BELL_SIZE = 8


@dataclass(frozen=True)
class Recipient:
    user_id: int
    role: str


def users_of(session: Session, organisation_id: int, *roles: str) -> list[Recipient]:
    """The active users of one organisation holding one of `roles`."""
    rows = session.exec(
        select(User.id, User.role).where(
            User.organisation_id == organisation_id, User.is_active.is_(True), User.role.in_(list(roles))
        )
    ).all()
    return [Recipient(user_id, role) for user_id, role in rows]


def managers(session: Session, organisation_id: int | None = None) -> list[Recipient]:
    """The active managers of `organisation_id`, or of every carmaker organisation."""
    if organisation_id is not None:
        return users_of(session, organisation_id, Role.MANAGER)
    rows = session.exec(
        select(User.id)
        .join(Organisation, Organisation.id == User.organisation_id)
        .where(Organisation.kind == OrganisationKind.OEM, User.role == Role.MANAGER, User.is_active.is_(True))
    ).all()
    return [Recipient(user_id, Role.MANAGER) for user_id in rows]


def notify(
    session: Session,
    kind: str,
    recipients: Iterable[Recipient],
    params: dict,
    *,
    event: str,
    now: datetime | None = None,
) -> list[int]:
    """Tell `recipients` of one event of `kind`, in the caller's transaction (nothing is committed).

    `params` are the text's arguments (plain JSON values: numbers, codes, names); `event` names
    the event (e.g. "po:7:issued"): a recipient told of the same event again gets no second entry.
    Recipients whose role is not told of `kind` are skipped. Returns the ids of the users who got a
    new entry.
    """
    now = now or utcnow()
    chosen = [r for r in dict.fromkeys(recipients) if kind in kinds.kinds_for(r.role)]
    if not chosen:
        return []
    deliveries = dict(
        session.exec(
            select(NotificationPreference.user_id, NotificationPreference.delivery).where(
                NotificationPreference.kind == kind,
                NotificationPreference.user_id.in_([r.user_id for r in chosen]),
            )
        ).all()
    )
    rows = [
        {
            "user_id": r.user_id,
            "kind": kind,
            "params": params,
            "link": kinds.link(kind, r.role, params),
            "dedupe_key": event[:160],
            "delivery": deliveries.get(r.user_id, Delivery.IN_APP),
            "created_at": now,
        }
        for r in chosen
    ]
    table = Notification.__table__
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(table)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["user_id", "dedupe_key"])
        .returning(table.c.user_id, table.c.delivery)
    )
    created = session.execute(statement).all()
    if created:
        outbox.enqueue(
            session,
            NOTIFICATION_CREATED,
            {
                "user_ids": sorted(user_id for user_id, _ in created),
                "mail": any(delivery == Delivery.EMAIL for _, delivery in created),
            },
        )
    return sorted(user_id for user_id, _ in created)


# ---------------------------------------------------------------- reading


def entry_view(entry: Notification, role: str) -> dict:
    """One entry as the bell and the inbox hold it (plain JSON values): its text as a message key
    and arguments, rendered in the reader's language when shown."""
    return {
        "id": entry.id,
        "kind": entry.kind,
        "icon": kinds.ICONS.get(entry.kind, "bell"),
        "text_key": kinds.text_key(entry.kind, role, entry.params),
        "params": dict(entry.params),
        "link": entry.link,
        "created_at": entry.created_at.isoformat(),
        "read": entry.read_at is not None,
    }


def unread_count(session: Session, principal: Principal) -> int:
    return session.exec(
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == principal.user_id, Notification.read_at.is_(None))
    ).one()


def latest(session: Session, principal: Principal, limit: int = BELL_SIZE) -> list[dict]:
    """The principal's newest entries (read or not), newest first, for the bell."""
    entries = session.exec(
        select(Notification)
        .where(Notification.user_id == principal.user_id)
        .order_by(Notification.id.desc())
        .limit(limit)
    ).all()
    return [entry_view(entry, principal.role) for entry in entries]


def list_entries(
    session: Session, principal: Principal, *, page: Page, unread_only: bool = False
) -> tuple[list[dict], int]:
    """One page of the principal's inbox, newest first, and how many entries match."""
    statement = select(Notification).where(Notification.user_id == principal.user_id)
    if unread_only:
        statement = statement.where(Notification.read_at.is_(None))
    total = session.exec(select(func.count()).select_from(statement.subquery())).one()
    entries = session.exec(
        statement.order_by(Notification.id.desc()).offset(page.offset).limit(page.size)
    ).all()
    return [entry_view(entry, principal.role) for entry in entries], total


# ---------------------------------------------------------------- marking read


def mark_read(
    session: Session, principal: Principal, notification_id: int, *, now: datetime | None = None
) -> str:
    """Mark one of the principal's entries read (again is harmless); commits. Returns its link.
    Raises NotFound for an id that is not the principal's."""
    entry = session.get(Notification, record_id(notification_id, "notification_id"))
    if entry is None or entry.user_id != principal.user_id:
        raise NotFound("notification.not_found", field="notification_id")
    if entry.read_at is None:
        entry.read_at = now or utcnow()
        session.add(entry)
        session.commit()
    return entry.link


def mark_all_read(session: Session, principal: Principal, *, now: datetime | None = None) -> int:
    """Mark every unread entry of the principal read; commits; returns how many."""
    marked = session.execute(
        update(Notification)
        .where(Notification.user_id == principal.user_id, Notification.read_at.is_(None))
        .values(read_at=now or utcnow())
    ).rowcount
    session.commit()
    return marked


# ---------------------------------------------------------------- preferences


def preferences(session: Session, principal: Principal) -> list[dict]:
    """How each kind the principal's role is told of reaches them: `[{kind, delivery}]`."""
    chosen = dict(
        session.exec(
            select(NotificationPreference.kind, NotificationPreference.delivery).where(
                NotificationPreference.user_id == principal.user_id
            )
        ).all()
    )
    return [
        {"kind": kind, "delivery": chosen.get(kind, Delivery.IN_APP)}
        for kind in kinds.kinds_for(principal.role)
    ]


def set_preference(session: Session, principal: Principal, kind: str, delivery: str) -> list[dict]:
    """Choose how `kind` reaches the principal from now on (in-app only, e-mail at once, daily
    digest); commits; returns the preferences. Raises ValidationFailed for a kind the role is
    not told of or an unknown delivery."""
    if kind not in kinds.kinds_for(principal.role):
        raise ValidationFailed("notification.kind_unknown", field="kind")
    if delivery not in {item.value for item in Delivery}:
        raise ValidationFailed("notification.delivery_unknown", field="delivery")
    row = session.get(NotificationPreference, (principal.user_id, kind))
    if row is None:
        row = NotificationPreference(user_id=principal.user_id, kind=kind)
    row.delivery = delivery
    session.add(row)
    session.commit()
    return preferences(session, principal)
