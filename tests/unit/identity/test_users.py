"""Administering accounts: only admins may, bad input names its field, and every change is audited."""

from __future__ import annotations

import pytest
from sqlalchemy import func
from sqlmodel import select

from models import AuditLog, User, UserSession
from services.catalog.lists import Page
from services.i18n import translate
from services.identity import users
from services.identity.auth import login, principal_for, resolve_token
from services.platform.errors import AuthenticationFailed, NotFound, PermissionDenied, ValidationFailed
from tests.factories import PASSWORD, make_org, make_user

NEW_PASSWORD = "a-brand-new-passphrase"


@pytest.fixture
def orgs(session):
    orgs = {kind: make_org(session, kind) for kind in ("oem", "supplier", "dealer", "consumer")}
    session.commit()
    return orgs


@pytest.fixture
def admin(session, orgs):
    user = make_user(session, "admin", orgs["oem"])
    session.commit()
    return principal_for(user, orgs["oem"])


def _create(session, actor, orgs, **overrides):
    fields = {
        "email": "New.Dealer@Example.test",
        "full_name": "Wang Fang",
        "password": NEW_PASSWORD,
        "role": "dealer",
        "organisation_id": orgs["dealer"].id,
        **overrides,
    }
    return users.create_user(session, actor, **fields)


def _counts(session) -> tuple[int, int, int]:
    return (
        session.exec(select(func.count()).select_from(User)).one(),
        session.exec(select(func.count()).select_from(AuditLog)).one(),
        session.exec(select(func.count()).select_from(UserSession)).one(),
    )


def test_an_admin_creates_a_user_who_can_then_log_in(session, orgs, admin):
    user = _create(session, admin, orgs, language="zh")
    assert (user.email, user.role, user.organisation_id) == (
        "New.Dealer@Example.test",
        "dealer",
        orgs["dealer"].id,
    )
    assert user.password_hash.startswith("$argon2") and NEW_PASSWORD not in user.password_hash
    _, principal = login(session, email="new.dealer@example.test", password=NEW_PASSWORD)
    assert principal.user_id == user.id and principal.language == "zh"
    created = session.exec(select(AuditLog).where(AuditLog.action == "user.created")).one()
    assert (created.actor_user_id, created.entity_id) == (admin.user_id, str(user.id))
    assert created.after["email"] == "New.Dealer@Example.test"
    assert "password" not in str(created.after)


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"email": "not-an-email"}, "user.email_invalid", "email"),
        ({"email": "two@@example.test"}, "user.email_invalid", "email"),
        ({"email": "a" * 250 + "@example.test"}, "user.email_invalid", "email"),
        ({"full_name": "   "}, "user.name_required", "full_name"),
        ({"full_name": "N" * 201}, "user.name_too_long", "full_name"),
        ({"password": "short"}, "user.password_short", "password"),
        ({"role": "superuser"}, "user.role_invalid", "role"),
        ({"organisation_id": 999_999}, "user.organisation_invalid", "organisation_id"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(
    session, orgs, admin, overrides, code, field
):
    before = _counts(session)
    with pytest.raises(ValidationFailed) as caught:
        _create(session, admin, orgs, **overrides)
    assert (caught.value.code, caught.value.field) == (code, field)
    session.rollback()
    assert _counts(session) == before


def test_a_short_password_error_says_the_minimum_length(session, orgs, admin):
    with pytest.raises(ValidationFailed) as caught:
        _create(session, admin, orgs, password="123456789")
    assert caught.value.params == {"min": 10}


def test_an_email_already_taken_in_another_case_is_refused(session, orgs, admin):
    _create(session, admin, orgs, email="fang@example.test")
    before = _counts(session)
    with pytest.raises(ValidationFailed) as caught:
        _create(session, admin, orgs, email="  FANG@Example.TEST ")
    assert (caught.value.code, caught.value.field) == ("user.email_taken", "email")
    session.rollback()
    assert _counts(session) == before


@pytest.mark.parametrize(
    ("role", "kind"),
    [
        ("dealer", "supplier"),
        ("supplier", "dealer"),
        ("manager", "dealer"),
        ("admin", "supplier"),
        ("customer", "oem"),
        ("dealer", "consumer"),
    ],
)
def test_a_role_must_suit_its_organisation(session, orgs, admin, role, kind):
    with pytest.raises(ValidationFailed) as caught:
        _create(session, admin, orgs, role=role, organisation_id=orgs[kind].id)
    assert (caught.value.code, caught.value.field) == ("user.role_organisation_mismatch", "organisation_id")


def test_resetting_a_password_replaces_it_and_ends_sessions(session, orgs, admin):
    dealer = make_user(session, "dealer", orgs["dealer"])
    session.commit()
    token, _ = login(session, email=dealer.email, password=PASSWORD)

    users.reset_password(session, admin, user_id=dealer.id, new_password=NEW_PASSWORD)

    assert resolve_token(session, token) is None
    with pytest.raises(AuthenticationFailed):
        login(session, email=dealer.email, password=PASSWORD)
    new_token, principal = login(session, email=dealer.email, password=NEW_PASSWORD)
    assert principal.user_id == dealer.id and resolve_token(session, new_token) == principal
    reset = session.exec(select(AuditLog).where(AuditLog.action == "user.password_reset")).one()
    assert (reset.actor_user_id, reset.entity_id) == (admin.user_id, str(dealer.id))


def test_a_reset_password_must_be_long_enough(session, orgs, admin):
    dealer = make_user(session, "dealer", orgs["dealer"])
    session.commit()
    with pytest.raises(ValidationFailed) as caught:
        users.reset_password(session, admin, user_id=dealer.id, new_password="short")
    assert caught.value.field == "password"
    login(session, email=dealer.email, password=PASSWORD)


def test_an_admin_deactivates_and_reactivates_a_user(session, orgs, admin):
    dealer = make_user(session, "dealer", orgs["dealer"])
    session.commit()
    token, _ = login(session, email=dealer.email, password=PASSWORD)
    users.set_active(session, admin, user_id=dealer.id, active=False)
    assert resolve_token(session, token) is None
    with pytest.raises(AuthenticationFailed):
        login(session, email=dealer.email, password=PASSWORD)
    users.set_active(session, admin, user_id=dealer.id, active=True)
    login(session, email=dealer.email, password=PASSWORD)
    actions = session.exec(
        select(AuditLog.action).where(AuditLog.entity_id == str(dealer.id), AuditLog.action.like("user.%"))
    ).all()
    assert actions == ["user.deactivated", "user.activated"]


def test_an_admin_cannot_deactivate_themself(session, orgs, admin):
    with pytest.raises(ValidationFailed) as caught:
        users.set_active(session, admin, user_id=admin.user_id, active=False)
    assert (caught.value.code, caught.value.field) == ("user.cannot_deactivate_self", "user_id")
    session.rollback()
    assert session.get(User, admin.user_id).is_active


def test_changing_a_role_is_audited_with_before_and_after(session, orgs, admin):
    other = make_user(session, "admin", orgs["oem"])
    session.commit()
    token, _ = login(session, email=other.email, password=PASSWORD)
    users.change_role(session, admin, user_id=other.id, role="manager")
    session.expire_all()
    assert session.get(User, other.id).role == "manager"
    assert resolve_token(session, token) is None  # signs in again to get the new role's pages
    row = session.exec(select(AuditLog).where(AuditLog.action == "user.role_changed")).one()
    assert (row.before["role"], row.after["role"]) == ("admin", "manager")
    assert (row.actor_user_id, row.entity_id, row.organisation_id) == (
        admin.user_id,
        str(other.id),
        orgs["oem"].id,
    )


def test_a_role_change_must_suit_the_organisation(session, orgs, admin):
    supplier = make_user(session, "supplier", orgs["supplier"])
    session.commit()
    for role, code in (("dealer", "user.role_organisation_mismatch"), ("owner", "user.role_invalid")):
        with pytest.raises(ValidationFailed) as caught:
            users.change_role(session, admin, user_id=supplier.id, role=role)
        assert caught.value.code == code and caught.value.field == "role"
    session.expire_all()
    assert session.get(User, supplier.id).role == "supplier"


def test_acting_on_an_unknown_user_is_not_found(session, orgs, admin):
    with pytest.raises(NotFound) as caught:
        users.change_role(session, admin, user_id=424242, role="manager")
    assert (caught.value.code, caught.value.status) == ("user.not_found", 404)


@pytest.mark.parametrize("role", ["manager", "supplier", "dealer", "customer"])
def test_a_non_admin_may_do_none_of_it_and_nothing_is_written(session, orgs, admin, role):
    kind = {"manager": "oem", "supplier": "supplier", "dealer": "dealer", "customer": "consumer"}[role]
    actor_user = make_user(session, role, orgs[kind])
    target = make_user(session, "dealer", orgs["dealer"])
    session.commit()
    actor = principal_for(actor_user, orgs[kind])
    target_hash = target.password_hash
    before = _counts(session)
    attempts = [
        lambda: _create(session, actor, orgs),
        lambda: users.reset_password(session, actor, user_id=target.id, new_password=NEW_PASSWORD),
        lambda: users.set_active(session, actor, user_id=target.id, active=False),
        lambda: users.change_role(session, actor, user_id=actor_user.id, role="admin"),
        lambda: users.search_users(session, actor, page=Page(1, 25)),
        lambda: users.list_organisations(session, actor),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()
    session.rollback()
    session.expire_all()
    assert _counts(session) == before
    target = session.get(User, target.id)
    assert (target.password_hash, target.is_active) == (target_hash, True)
    assert session.get(User, actor_user.id).role == role


def test_admins_list_users_and_organisations(session, orgs, admin):
    _create(session, admin, orgs, email="b@example.test")
    listed, total = users.search_users(session, admin, page=Page(1, 100))
    assert total == len(listed)
    assert [row["email"] for row in listed] == sorted(row["email"] for row in listed)
    assert "b@example.test" in {row["email"] for row in listed}
    assert all("password" not in key for row in listed for key in row)
    assert {row["kind"] for row in users.list_organisations(session, admin)} == set(orgs)


def test_a_user_keeps_a_chosen_language(session, orgs, admin):
    users.set_language(session, admin, "zh")
    session.expire_all()
    assert session.get(User, admin.user_id).language == "zh"
    with pytest.raises(ValidationFailed) as caught:
        users.set_language(session, admin, "fr")
    assert (caught.value.code, caught.value.field) == ("user.language_invalid", "language")


def test_the_last_active_admin_cannot_give_up_the_admin_role(session, orgs, admin):
    with pytest.raises(ValidationFailed) as caught:
        users.change_role(session, admin, user_id=admin.user_id, role="manager")

    assert (caught.value.code, caught.value.field) == ("user.last_admin", "role")
    assert "last active admin" in translate(caught.value.code, "en")
    session.rollback()
    assert session.get(User, admin.user_id).role == "admin"
    assert session.exec(select(AuditLog).where(AuditLog.action == "user.role_changed")).all() == []


def test_with_a_second_admin_the_first_may_become_a_manager(session, orgs, admin):
    make_user(session, "admin", orgs["oem"])
    session.commit()

    users.change_role(session, admin, user_id=admin.user_id, role="manager")

    session.expire_all()
    assert session.get(User, admin.user_id).role == "manager"


def test_the_last_active_admin_cannot_be_deactivated(session, orgs, admin):
    other = make_user(session, "admin", orgs["oem"])
    session.commit()
    other_admin = principal_for(other, orgs["oem"])
    users.set_active(session, admin, user_id=other.id, active=False)

    # The other admin's request was already under way (its session checked just before).
    with pytest.raises(ValidationFailed) as caught:
        users.set_active(session, other_admin, user_id=admin.user_id, active=False)

    assert (caught.value.code, caught.value.field) == ("user.last_admin", "user_id")
    session.rollback()
    assert session.get(User, admin.user_id).is_active
