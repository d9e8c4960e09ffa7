"""Logging in and out, server-side sessions; failed logins are throttled (identity/login_throttle.py).

Each public function commits its own transaction, because a failed login must leave
its trace (the audit row, the throttle's count) even though the caller gets an error.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, update
from sqlmodel import Session, select

from models import Organisation, User, UserSession
from models.settings import get_settings
from models.types import utcnow
from services.identity import device_tokens, login_throttle
from services.identity.passwords import hash_password, new_token, token_digest, verify_password
from services.platform import audit
from services.platform.errors import AuthenticationFailed, LoginThrottled

# Verified against when the e-mail is unknown or deactivated, so every failure takes the same time.
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
    organisation_name_zh: str = ""  # the organisation's Chinese name ('' for none)

    def as_dict(self) -> dict:
        return asdict(self)


def normalize_email(email: str) -> str:
    return email.strip().lower()


def principal_for(user: User, organisation: Organisation) -> Principal:
    return Principal(
        user_id=user.id,
        email=user.email,
        full_name=user.full_name,
        role=user.role,
        organisation_id=organisation.id,
        organisation_name=organisation.name,
        organisation_kind=organisation.kind,
        language=user.language,
        time_zone=user.time_zone or organisation.time_zone,
        organisation_name_zh=organisation.name_zh or "",
    )


def login_delay(*, email: str, client_address: str, device_token: str = "") -> float:
    """Seconds the answer to a login attempt from `client_address` should wait, growing with the
    recent failures from there (the same for a known and an unknown e-mail), or from the device
    when `device_token` is valid for `email`. The caller waits before calling `login`, without
    blocking its event loop."""
    normalized = normalize_email(email)
    return login_throttle.delay_seconds(
        normalized, client_address, device_tokens.device_id(device_token, normalized)
    )


def device_token_for(principal: Principal) -> str:
    """A new device token for the client that has just signed in as `principal`: presented with
    later attempts for the same e-mail, they are throttled per device rather than per address."""
    return device_tokens.issue(normalize_email(principal.email))


def login(
    session: Session,
    *,
    email: str,
    password: str,
    client_address: str = "",
    user_agent: str = "",
    device_token: str = "",
    now: datetime | None = None,
) -> tuple[str, Principal]:
    """Check the credentials and open a session.

    Returns the new session token (to hand to the client, never stored as is) and the principal.
    Raises AuthenticationFailed with the same message for an unknown e-mail, a wrong password
    and a deactivated account, after the same work (a password hash is verified either way);
    LoginThrottled (with `retry_after` seconds) when too many attempts failed recently for this
    e-mail from `client_address`, or for any e-mail from it. Known and unknown e-mails count alike,
    and nothing is counted per account alone: failures elsewhere never refuse this address.
    With a `device_token` from an earlier login that is valid for this e-mail, the attempt is
    counted per device instead of per address (an invalid one is ignored, never an error).
    The audit rows are committed either way.
    """
    settings = get_settings()
    now = now or utcnow()
    normalized = normalize_email(email)
    # End what the caller left open (this function commits the session anyway): the limiter uses
    # connections of its own, and on SQLite an open transaction holds the write lock they wait for.
    session.commit()
    device = device_tokens.device_id(device_token, normalized)
    refusal = login_throttle.reserve_attempt(normalized, client_address, device)
    user = session.exec(select(User).where(User.email_normalized == normalized)).first()
    known = user is not None and user.is_active
    # A deactivated account is audited like an unknown e-mail: no user attached.
    audit_user = (
        {"entity_id": user.id, "actor_user_id": user.id, "organisation_id": user.organisation_id}
        if known
        else {}
    )
    if refusal is not None:
        audit.record(
            session,
            action="login.throttled",
            entity="user",
            **audit_user,
            after={
                "email": email[:254],
                "client_address": client_address,
                "retry_after": refusal.retry_after,
            },
        )
        session.commit()
        raise LoginThrottled(
            "auth.throttled",
            field="email",
            retry_after=refusal.retry_after,
            minutes=refusal.retry_after // 60,
        )

    password_ok = verify_password(password, user.password_hash if known else _DUMMY_HASH)
    if not (known and password_ok):
        audit.record(
            session,
            action="login.failed",
            entity="user",
            **audit_user,
            after={"email": email[:254], "client_address": client_address},
        )
        session.commit()
        login_throttle.record_failure(client_address, device)
        raise AuthenticationFailed("auth.invalid_credentials", field="password")

    user.last_login_at = now
    token = new_token()
    session.add(
        UserSession(
            token_hash=token_digest(token),
            user_id=user.id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(hours=settings.session_ttl_hours),
            user_agent=user_agent[:400],
        )
    )
    session.add(user)
    audit.record(
        session,
        action="login.succeeded",
        entity="user",
        entity_id=user.id,
        actor_user_id=user.id,
        organisation_id=user.organisation_id,
        after={"client_address": client_address},
    )
    organisation = session.get(Organisation, user.organisation_id)
    principal = principal_for(user, organisation)
    session.commit()
    login_throttle.record_success(normalized, client_address, device)
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
    (
        session_id,
        revoked,
        expires_at,
        last_seen_at,
        user_id,
        email,
        full_name,
        role,
        language,
        user_zone,
        is_active,
        organisation_id,
        organisation_name,
        organisation_kind,
        organisation_zone,
        organisation_name_zh,
    ) = row
    if revoked or expires_at <= now or not is_active:
        return None
    if now - last_seen_at > _SEEN_REFRESH:
        session.execute(
            update(UserSession)
            .where(UserSession.id == session_id)
            .values(last_seen_at=now)
            .execution_options(synchronize_session=False)
        )
        session.commit()
    return Principal(
        user_id=user_id,
        email=email,
        full_name=full_name,
        role=role,
        organisation_id=organisation_id,
        organisation_name=organisation_name,
        organisation_kind=organisation_kind,
        language=language,
        time_zone=user_zone or organisation_zone,
        organisation_name_zh=organisation_name_zh or "",
    )


_TOKEN_QUERY = (
    select(
        UserSession.id,
        UserSession.revoked,
        UserSession.expires_at,
        UserSession.last_seen_at,
        User.id,
        User.email,
        User.full_name,
        User.role,
        User.language,
        User.time_zone,
        User.is_active,
        Organisation.id,
        Organisation.name,
        Organisation.kind,
        Organisation.time_zone,
        Organisation.name_zh,
    )
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
        audit.record(
            session,
            action="logout",
            entity="user",
            entity_id=user_session.user_id,
            actor_user_id=user_session.user_id,
        )
        session.commit()


def revoke_user_sessions(session: Session, user_id: int) -> None:
    """Revoke every open session of a user (in the caller's transaction)."""
    for user_session in session.exec(
        select(UserSession).where(UserSession.user_id == user_id, UserSession.revoked == False)  # noqa: E712
    ):
        user_session.revoked = True
        session.add(user_session)
