"""Logging in and out, server-side sessions, lock-out after repeated failures.

Each public function commits its own transaction, because a failed login must leave
its trace (the failure count, the audit row) even though the caller gets an error.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, update
from sqlmodel import Session, select

from models import Organisation, User, UserSession
from models.settings import get_settings
from models.types import utcnow
from services import audit
from services.errors import AccountLocked, AuthenticationFailed
from services.passwords import hash_password, new_token, token_digest, verify_password

# Verified against when the e-mail is unknown, so both failures take the same time.
_DUMMY_HASH = hash_password("no-such-user-password")
_SEEN_REFRESH = timedelta(minutes=1)


@dataclass(frozen=True)
class Principal:
    """Who is asking: the plain facts every authorisation check needs."""

    user_id: int
    email: str
    full_name: str
    role: str
    organisation_id: int
    organisation_name: str
    organisation_kind: str
    language: str
    time_zone: str

    def as_dict(self) -> dict:
        return asdict(self)


def normalize_email(email: str) -> str:
    return email.strip().lower()


def principal_for(user: User, organisation: Organisation) -> Principal:
    return Principal(
        user_id=user.id, email=user.email, full_name=user.full_name, role=user.role,
        organisation_id=organisation.id, organisation_name=organisation.name,
        organisation_kind=organisation.kind, language=user.language,
        time_zone=user.time_zone or organisation.time_zone,
    )


def login(
    session: Session, *, email: str, password: str, user_agent: str = "", now: datetime | None = None
) -> tuple[str, Principal]:
    """Check the credentials and open a session.

    Returns the new session token (to hand to the client, never stored as is) and the principal.
    Raises AuthenticationFailed with the same message for an unknown e-mail, a wrong password
    and a deactivated account; AccountLocked (with `until`) while the account is locked.
    The failure count, lock-out and audit rows are committed either way.
    """
    settings = get_settings()
    now = now or utcnow()
    # Lock the row: parallel guesses must count one after another, or none of them locks the account.
    user = session.exec(
        select(User).where(User.email_normalized == normalize_email(email))
        .with_for_update().execution_options(populate_existing=True)
    ).first()
    if user is None or not user.is_active:
        # A deactivated account answers exactly like an unknown e-mail: no count, no lock-out.
        verify_password(password, _DUMMY_HASH)
        audit.record(session, action="login.failed", entity="user",
                     entity_id=user.id if user else "", actor_user_id=user.id if user else None,
                     organisation_id=user.organisation_id if user else None,
                     after={"email": email[:254]})
        session.commit()
        raise AuthenticationFailed("auth.invalid_credentials", field="password")

    if user.locked_until is not None and user.locked_until > now:
        audit.record(session, action="login.refused_locked", entity="user", entity_id=user.id,
                     actor_user_id=user.id, organisation_id=user.organisation_id)
        session.commit()
        raise AccountLocked("auth.locked", field="email", until=user.locked_until)

    if not verify_password(password, user.password_hash):
        user.failed_login_count += 1
        audit.record(session, action="login.failed", entity="user", entity_id=user.id,
                     actor_user_id=user.id, organisation_id=user.organisation_id,
                     after={"failed_login_count": user.failed_login_count})
        if user.failed_login_count >= settings.lockout_threshold:
            user.locked_until = now + timedelta(minutes=settings.lockout_minutes)
            user.failed_login_count = 0
            audit.record(session, action="login.locked_out", entity="user", entity_id=user.id,
                         actor_user_id=user.id, organisation_id=user.organisation_id,
                         after={"locked_until": user.locked_until.isoformat()})
            session.add(user)
            session.commit()
            raise AccountLocked("auth.locked", field="email", until=user.locked_until)
        session.add(user)
        session.commit()
        raise AuthenticationFailed("auth.invalid_credentials", field="password")

    user.failed_login_count = 0
    user.locked_until = None
    user.last_login_at = now
    token = new_token()
    session.add(UserSession(
        token_hash=token_digest(token), user_id=user.id, created_at=now, last_seen_at=now,
        expires_at=now + timedelta(hours=settings.session_ttl_hours), user_agent=user_agent[:400],
    ))
    session.add(user)
    audit.record(session, action="login.succeeded", entity="user", entity_id=user.id,
                 actor_user_id=user.id, organisation_id=user.organisation_id)
    organisation = session.get(Organisation, user.organisation_id)
    principal = principal_for(user, organisation)
    session.commit()
    return token, principal


def resolve_token(session: Session, token: str | None, now: datetime | None = None) -> Principal | None:
    """The principal behind a session token, or None when it is unknown, expired, revoked,
    or its user is deactivated. Touches `last_seen_at` at most once a minute.

    Every API request passes here, so it reads plain columns (no ORM objects) in one query and
    writes only when `last_seen_at` is due.
    """
    if not token:
        return None
    now = now or utcnow()
    row = session.connection().execute(_TOKEN_QUERY, {"digest": token_digest(token)}).first()
    if row is None:
        return None
    (session_id, revoked, expires_at, last_seen_at, user_id, email, full_name, role, language,
     user_zone, is_active, organisation_id, organisation_name, organisation_kind, organisation_zone) = row
    if revoked or expires_at <= now or not is_active:
        return None
    if now - last_seen_at > _SEEN_REFRESH:
        session.execute(update(UserSession).where(UserSession.id == session_id)
                        .values(last_seen_at=now).execution_options(synchronize_session=False))
        session.commit()
    return Principal(
        user_id=user_id, email=email, full_name=full_name, role=role, organisation_id=organisation_id,
        organisation_name=organisation_name, organisation_kind=organisation_kind, language=language,
        time_zone=user_zone or organisation_zone,
    )


_TOKEN_QUERY = (
    select(UserSession.id, UserSession.revoked, UserSession.expires_at, UserSession.last_seen_at,
           User.id, User.email, User.full_name, User.role, User.language, User.time_zone,
           User.is_active, Organisation.id, Organisation.name, Organisation.kind, Organisation.time_zone)
    .join(User, User.id == UserSession.user_id)
    .join(Organisation, Organisation.id == User.organisation_id)
    .where(UserSession.token_hash == bindparam("digest"))
)


def logout(session: Session, token: str | None) -> None:
    """Revoke the session behind `token` (unknown tokens are ignored)."""
    if not token:
        return
    user_session = session.exec(
        select(UserSession).where(UserSession.token_hash == token_digest(token))
    ).first()
    if user_session is not None and not user_session.revoked:
        user_session.revoked = True
        session.add(user_session)
        audit.record(session, action="logout", entity="user", entity_id=user_session.user_id,
                     actor_user_id=user_session.user_id)
        session.commit()


def revoke_user_sessions(session: Session, user_id: int) -> None:
    """Revoke every open session of a user (in the caller's transaction)."""
    for user_session in session.exec(
        select(UserSession).where(UserSession.user_id == user_id, UserSession.revoked == False)  # noqa: E712
    ):
        user_session.revoked = True
        session.add(user_session)
