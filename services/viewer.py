"""Facts the pages need to present things to a person who is not signed in yet."""

from __future__ import annotations

from sqlmodel import Session, select

from models import Organisation, User
from services.auth import normalize_email


def time_zone_for_email(session: Session, email: str) -> str:
    """The time zone the account behind `email` reads times in (its own, else its
    organisation's); 'UTC' when there is no such account."""
    row = session.exec(
        select(User.time_zone, Organisation.time_zone)
        .join(Organisation, Organisation.id == User.organisation_id)
        .where(User.email_normalized == normalize_email(email))
    ).first()
    if row is None:
        return "UTC"
    own, organisation_zone = row
    return own or organisation_zone or "UTC"
