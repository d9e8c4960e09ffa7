"""Writing the audit trail, inside the caller's transaction."""

from __future__ import annotations

from sqlmodel import Session

from models import AuditLog


def record(
    session: Session,
    *,
    action: str,
    entity: str,
    entity_id: object = "",
    actor_user_id: int | None = None,
    organisation_id: int | None = None,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditLog:
    """Add one audit row to `session`; it commits or rolls back with the change it records."""
    entry = AuditLog(
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        actor_user_id=actor_user_id,
        organisation_id=organisation_id,
        before=before,
        after=after,
    )
    session.add(entry)
    return entry
