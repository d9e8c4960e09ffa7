"""Administering accounts: create users, reset passwords, deactivate, change roles."""

from __future__ import annotations

import re
from zoneinfo import available_timezones

from babel import Locale
from babel.numbers import list_currencies
from sqlalchemy import func, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from models import Organisation, OrganisationKind, Role, User
from services.catalog.lists import Page, like_pattern
from services.identity.access import require_role
from services.identity.auth import Principal, normalize_email, revoke_user_sessions
from services.identity.passwords import MIN_PASSWORD_LENGTH, hash_password
from services.platform import audit
from services.platform.errors import FieldCollector, FieldError, FieldErrors, NotFound, ValidationFailed

MAX_NAME_LENGTH = 200  # the column's length
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Which kinds of organisation each role may belong to.
ROLE_ORGANISATION_KINDS = {
    Role.ADMIN: {OrganisationKind.OEM},
    Role.MANAGER: {OrganisationKind.OEM},
    Role.SUPPLIER: {OrganisationKind.SUPPLIER},
    Role.DEALER: {OrganisationKind.DEALER},
    Role.CUSTOMER: {OrganisationKind.CONSUMER},
}


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed("user.password_short", field="password", min=MIN_PASSWORD_LENGTH)


def _snapshot(user: User) -> dict:
    return {
        "email": user.email,
        "role": user.role,
        "organisation_id": user.organisation_id,
        "is_active": user.is_active,
        "full_name": user.full_name,
    }


def create_user(
    session: Session,
    actor: Principal,
    *,
    email: str,
    full_name: str,
    password: str,
    role: str,
    organisation_id: int,
    language: str = "en",
) -> User:
    """Create an account (admins only). Raises ValidationFailed naming the field at fault:
    malformed or taken e-mail, empty or over-long name, short password, unknown role,
    organisation of the wrong kind. Two admins creating the same e-mail at once: one account is
    made, the other admin gets `user.email_taken` (the unique index decides), and nothing else
    of theirs is written."""
    require_role(actor, Role.ADMIN)
    email = email.strip()
    if not _EMAIL.match(email) or len(email) > 254:
        raise ValidationFailed("user.email_invalid", field="email")
    if not full_name.strip():
        raise ValidationFailed("user.name_required", field="full_name")
    if len(full_name.strip()) > MAX_NAME_LENGTH:
        raise ValidationFailed("user.name_too_long", field="full_name", max=MAX_NAME_LENGTH)
    _check_password(password)
    if role not in {r.value for r in Role}:
        raise ValidationFailed("user.role_invalid", field="role")
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        raise ValidationFailed("user.organisation_invalid", field="organisation_id")
    if organisation.kind not in ROLE_ORGANISATION_KINDS[Role(role)]:
        raise ValidationFailed("user.role_organisation_mismatch", field="organisation_id")
    if session.exec(select(User.id).where(User.email_normalized == normalize_email(email))).first():
        raise ValidationFailed("user.email_taken", field="email")
    user = User(
        email=email,
        email_normalized=normalize_email(email),
        full_name=full_name.strip(),
        password_hash=hash_password(password),
        role=role,
        organisation_id=organisation_id,
        language=language if language in ("en", "zh") else "en",
    )
    session.add(user)
    try:
        session.flush()
    except IntegrityError:
        # The check above saw no such e-mail, but another admin's insert committed (or was
        # waiting on the index) in between: the unique index of email_normalized refuses ours.
        session.rollback()
        raise ValidationFailed("user.email_taken", field="email") from None
    audit.record(
        session,
        action="user.created",
        entity="user",
        entity_id=user.id,
        actor_user_id=actor.user_id,
        organisation_id=organisation_id,
        after=_snapshot(user),
    )
    session.commit()
    return user


def _get(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("user.not_found", field="user_id")
    return user


def reset_password(session: Session, actor: Principal, *, user_id: int, new_password: str) -> None:
    """Set a new password (admins only), clear any lock-out and end the user's sessions."""
    require_role(actor, Role.ADMIN)
    _check_password(new_password)
    user = _get(session, user_id)
    user.password_hash = hash_password(new_password)
    user.failed_login_count = 0
    user.locked_until = None
    revoke_user_sessions(session, user.id)
    session.add(user)
    audit.record(
        session,
        action="user.password_reset",
        entity="user",
        entity_id=user.id,
        actor_user_id=actor.user_id,
        organisation_id=user.organisation_id,
    )
    session.commit()


def _keep_an_admin(session: Session, user: User, field: str) -> None:
    """Refuse (`user.last_admin`) to take `user` out of the active admins when no other active
    admin would be left to administer the platform.

    The active admins' rows are locked (FOR UPDATE on PostgreSQL; SQLite's transactions already
    hold the write lock) before they are counted, so two admins demoting each other at once are
    serialised: the second one sees that the first is gone and is refused.
    """
    if user.role != Role.ADMIN or not user.is_active:
        return
    admins = session.exec(
        select(User.id)
        .where(User.role == Role.ADMIN, User.is_active.is_(True))
        .order_by(User.id)
        .with_for_update()
    ).all()
    if not set(admins) - {user.id}:
        raise ValidationFailed("user.last_admin", field=field)


def set_active(session: Session, actor: Principal, *, user_id: int, active: bool) -> None:
    """Activate or deactivate an account (admins only; never one's own, never the last active
    admin: `user.last_admin`). Deactivating ends its sessions."""
    require_role(actor, Role.ADMIN)
    if user_id == actor.user_id:
        raise ValidationFailed("user.cannot_deactivate_self", field="user_id")
    user = _get(session, user_id)
    if not active:
        _keep_an_admin(session, user, "user_id")
    before = _snapshot(user)
    user.is_active = active
    if not active:
        revoke_user_sessions(session, user.id)
    session.add(user)
    audit.record(
        session,
        action="user.activated" if active else "user.deactivated",
        entity="user",
        entity_id=user.id,
        actor_user_id=actor.user_id,
        organisation_id=user.organisation_id,
        before=before,
        after=_snapshot(user),
    )
    session.commit()


def change_role(session: Session, actor: Principal, *, user_id: int, role: str) -> None:
    """Give a user another role (admins only); the organisation must suit the role, and the last
    active admin keeps theirs (`user.last_admin`)."""
    require_role(actor, Role.ADMIN)
    if role not in {r.value for r in Role}:
        raise ValidationFailed("user.role_invalid", field="role")
    user = _get(session, user_id)
    organisation = session.get(Organisation, user.organisation_id)
    if organisation.kind not in ROLE_ORGANISATION_KINDS[Role(role)]:
        raise ValidationFailed("user.role_organisation_mismatch", field="role")
    if role != Role.ADMIN:
        _keep_an_admin(session, user, "role")
    before = _snapshot(user)
    user.role = role
    revoke_user_sessions(session, user.id)
    session.add(user)
    audit.record(
        session,
        action="user.role_changed",
        entity="user",
        entity_id=user.id,
        actor_user_id=actor.user_id,
        organisation_id=user.organisation_id,
        before=before,
        after=_snapshot(user),
    )
    session.commit()


def set_language(session: Session, principal: Principal, language: str) -> None:
    """Keep the user's chosen language."""
    if language not in ("en", "zh"):
        raise ValidationFailed("user.language_invalid", field="language")
    user = _get(session, principal.user_id)
    user.language = language
    session.add(user)
    session.commit()


def list_organisations(session: Session, actor: Principal) -> list[dict]:
    require_role(actor, Role.ADMIN)
    return [
        {
            "id": o.id,
            "slug": o.slug,
            "name": o.name,
            "name_zh": o.name_zh or "",
            "kind": o.kind,
            "country": o.country,
            "currency": o.currency,
            "time_zone": o.time_zone,
        }
        for o in session.exec(select(Organisation).order_by(Organisation.kind, Organisation.name))
    ]


# --- the users directory -------------------------------------------------------------------------

MAX_SEARCH_LENGTH = 100


def search_users(
    session: Session,
    actor: Principal,
    *,
    page: Page,
    text: str | None = None,
    role: str | None = None,
) -> tuple[list[dict], int]:
    """One page of the accounts (admins only), by e-mail, with the total that match: `text` finds
    a name, e-mail or organisation (case-insensitive, anywhere in it), `role` keeps one role
    (`user.role_invalid` for an unknown one). Paged in SQL (LIMIT/OFFSET and a count)."""
    require_role(actor, Role.ADMIN)
    statement = (
        select(User, Organisation.name, Organisation.name_zh)
        .join(Organisation, Organisation.id == User.organisation_id)
        .order_by(User.email_normalized, User.id)
    )
    if role:
        if role not in {r.value for r in Role}:
            raise ValidationFailed("user.role_invalid", field="role")
        statement = statement.where(User.role == role)
    if text and text.strip():
        pattern = like_pattern(text[:MAX_SEARCH_LENGTH])
        statement = statement.where(
            or_(
                func.lower(User.full_name).like(pattern, escape="\\"),
                User.email_normalized.like(pattern, escape="\\"),
                func.lower(User.email).like(pattern, escape="\\"),
                func.lower(Organisation.name).like(pattern, escape="\\"),
                func.lower(Organisation.name_zh).like(pattern, escape="\\"),
            )
        )
    total = session.exec(select(func.count()).select_from(statement.order_by(None).subquery())).one()
    rows = session.exec(statement.offset(page.offset).limit(page.size)).all()
    return [
        {
            "id": u.id,
            "email": u.email,
            "full_name": u.full_name,
            "role": u.role,
            "organisation": organisation_name,
            "organisation_zh": organisation_zh or "",
            "organisation_id": u.organisation_id,
            "is_active": u.is_active,
            "locked_until": u.locked_until.isoformat() if u.locked_until else "",
            "last_login_at": u.last_login_at.isoformat() if u.last_login_at else "",
        }
        for u, organisation_name, organisation_zh in rows
    ], total


# --- organisations -------------------------------------------------------------------------------

# ISO 3166-1 alpha-2: the two-letter territories CLDR names, less its groupings and placeholders.
_NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "XA", "XB", "XK", "ZZ"}
COUNTRIES = frozenset(
    code
    for code in Locale("en").territories
    if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
)
CURRENCIES = frozenset(list_currencies())
TIME_ZONES = frozenset(available_timezones())
_SLUG_JUNK = re.compile(r"[^a-z0-9]+")
MAX_SLUG_LENGTH = 80


def _org_snapshot(organisation: Organisation) -> dict:
    return {
        "slug": organisation.slug,
        "name": organisation.name,
        "name_zh": organisation.name_zh or "",
        "kind": organisation.kind,
        "country": organisation.country,
        "currency": organisation.currency,
        "time_zone": organisation.time_zone,
    }


def _clean_organisation(
    *, name: str, kind: str, country: str, currency: str, time_zone: str, name_zh: str = ""
) -> dict[str, str]:
    """The organisation's fields tidied, or FieldErrors naming every bad one at once."""
    errors = FieldCollector()
    name = (name or "").strip()
    name_zh = (name_zh or "").strip()
    if len(name_zh) > MAX_NAME_LENGTH:
        errors.add("name_zh", "organisation.name_too_long", max=MAX_NAME_LENGTH)
    country = (country or "").strip().upper()
    currency = (currency or "").strip().upper()
    time_zone = (time_zone or "").strip()
    if not name:
        errors.add("name", "organisation.name_required")
    elif len(name) > MAX_NAME_LENGTH:
        errors.add("name", "organisation.name_too_long", max=MAX_NAME_LENGTH)
    if kind not in {k.value for k in OrganisationKind}:
        errors.add("kind", "organisation.kind_invalid")
    if country not in COUNTRIES:
        errors.add("country", "organisation.country_invalid")
    if currency not in CURRENCIES:
        errors.add("currency", "organisation.currency_invalid")
    if time_zone not in TIME_ZONES:
        errors.add("time_zone", "organisation.time_zone_invalid")
    errors.raise_if_any()
    return {
        "name": name,
        "name_zh": name_zh or None,
        "kind": kind,
        "country": country,
        "currency": currency,
        "time_zone": time_zone,
    }


def _free_slug(session: Session, name: str) -> str:
    """A slug from the name (`shanghai-parts-co`), made unique with `-2`, `-3` ... when taken."""
    base = _SLUG_JUNK.sub("-", name.lower()).strip("-")[: MAX_SLUG_LENGTH - 8] or "organisation"
    taken = set(
        session.exec(
            select(Organisation.slug).where(
                or_(Organisation.slug == base, Organisation.slug.like(f"{base}-%", escape="\\"))
            )
        ).all()
    )
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


def create_organisation(
    session: Session,
    actor: Principal,
    *,
    name: str,
    kind: str,
    country: str,
    currency: str,
    time_zone: str,
    name_zh: str = "",
) -> Organisation:
    """Create an organisation (admins only) and audit it (`organisation.created`). Bad fields are
    refused together (FieldErrors: name, kind, country ISO 3166-1 alpha-2, currency ISO 4217,
    IANA time zone). `name_zh` is its Chinese name, if it has one."""
    require_role(actor, Role.ADMIN)
    fields = _clean_organisation(
        name=name, kind=kind, country=country, currency=currency, time_zone=time_zone, name_zh=name_zh
    )
    for attempt in range(3):
        organisation = Organisation(slug=_free_slug(session, fields["name"]), **fields)
        session.add(organisation)
        try:
            session.flush()
            break
        except IntegrityError:
            # Another admin's organisation of the same name took the slug in between: pick again.
            session.rollback()
            if attempt == 2:
                raise
    audit.record(
        session,
        action="organisation.created",
        entity="organisation",
        entity_id=organisation.id,
        actor_user_id=actor.user_id,
        organisation_id=organisation.id,
        after=_org_snapshot(organisation),
    )
    session.commit()
    return organisation


def update_organisation(
    session: Session,
    actor: Principal,
    *,
    organisation_id: int,
    name: str,
    kind: str,
    country: str,
    currency: str,
    time_zone: str,
    name_zh: str | None = None,
) -> Organisation:
    """Edit an organisation (admins only; the slug stays; `name_zh` None keeps the Chinese name) and
    audit it (`organisation.updated`, before
    and after). The same checks as creating; besides, the kind may not change while the
    organisation has users whose role needs the old kind (`organisation.kind_in_use`)."""
    require_role(actor, Role.ADMIN)
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound("organisation.not_found", field="organisation_id")
    fields = _clean_organisation(
        name=name,
        kind=kind,
        country=country,
        currency=currency,
        time_zone=time_zone,
        name_zh=organisation.name_zh or "" if name_zh is None else name_zh,
    )
    if fields["kind"] != organisation.kind:
        roles = set(session.exec(select(User.role).where(User.organisation_id == organisation.id)).all())
        if any(fields["kind"] not in ROLE_ORGANISATION_KINDS[Role(r)] for r in roles):
            raise FieldErrors([FieldError("kind", "organisation.kind_in_use")])
    before = _org_snapshot(organisation)
    for key, value in fields.items():
        setattr(organisation, key, value)
    session.add(organisation)
    audit.record(
        session,
        action="organisation.updated",
        entity="organisation",
        entity_id=organisation.id,
        actor_user_id=actor.user_id,
        organisation_id=organisation.id,
        before=before,
        after=_org_snapshot(organisation),
    )
    session.commit()
    return organisation
