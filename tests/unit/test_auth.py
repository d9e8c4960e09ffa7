"""Logging in and out on both databases: lock-out, sessions, expiry and the audit trail."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from models import AuditLog, User, UserSession
from models.db import get_engine
from models.types import utcnow
from services import users
from services.auth import login, logout, principal_for, resolve_token
from services.errors import AccountLocked, AuthenticationFailed
from services.i18n import translate
from tests.factories import PASSWORD, make_org, make_user


@pytest.fixture
def session(any_db_url):
    with Session(get_engine(), expire_on_commit=False) as session:
        yield session


@pytest.fixture
def dealer(session):
    org = make_org(session, "dealer")
    user = make_user(session, "dealer", org, email="Anna.Li@Example.test")
    session.commit()
    return user


def _fail(session, email, now=None, password="wrong-password"):
    with pytest.raises(AuthenticationFailed) as caught:
        login(session, email=email, password=password, now=now)
    return caught.value


def _actions(session, user_id=None):
    statement = select(AuditLog).order_by(AuditLog.id)
    if user_id is not None:
        statement = statement.where(AuditLog.entity_id == str(user_id))
    return [row.action for row in session.exec(statement)]


def test_login_ignores_the_case_and_spaces_of_the_email(session, dealer):
    token, principal = login(session, email="  anna.li@EXAMPLE.TEST ", password=PASSWORD)
    assert principal.user_id == dealer.id
    assert principal.email == "Anna.Li@Example.test"
    assert principal.role == "dealer"
    assert resolve_token(session, token) == principal


def test_wrong_password_and_unknown_email_give_the_same_error(session, dealer):
    wrong_password = _fail(session, "anna.li@example.test")
    unknown_email = _fail(session, "nobody@example.test")
    assert type(wrong_password) is type(unknown_email) is AuthenticationFailed
    assert (wrong_password.code, wrong_password.field) == (unknown_email.code, unknown_email.field)
    assert translate(wrong_password.code) == translate(unknown_email.code)
    assert "e-mail or password" in translate(wrong_password.code)


def test_five_failures_in_a_row_lock_the_account_for_fifteen_minutes(session, dealer):
    start = utcnow()
    for attempt in range(4):
        error = _fail(session, dealer.email, now=start + timedelta(seconds=attempt))
        assert not isinstance(error, AccountLocked)
    with pytest.raises(AccountLocked) as caught:
        login(session, email=dealer.email, password="wrong-password", now=start + timedelta(seconds=4))
    until = caught.value.params["until"]
    assert until == start + timedelta(seconds=4, minutes=15)
    assert until.tzinfo is not None
    assert str(until.year) in translate(caught.value.code, until=until)

    # The right password is refused while the lock holds, and says until when.
    with pytest.raises(AccountLocked) as during:
        login(session, email=dealer.email, password=PASSWORD, now=start + timedelta(minutes=14))
    assert during.value.params["until"] == until
    assert session.exec(select(UserSession)).all() == []


def test_after_the_lock_expires_the_right_password_works_and_the_count_starts_again(session, dealer):
    start = utcnow()
    for attempt in range(5):
        with pytest.raises(AuthenticationFailed):
            login(session, email=dealer.email, password="nope-nope-nope",
                  now=start + timedelta(seconds=attempt))
    after_lock = start + timedelta(minutes=16)
    token, principal = login(session, email=dealer.email, password=PASSWORD, now=after_lock)
    assert principal.user_id == dealer.id
    assert resolve_token(session, token, now=after_lock) == principal
    user = session.get(User, dealer.id)
    session.refresh(user)
    assert user.failed_login_count == 0
    assert user.locked_until is None
    # A fresh run of failures is needed to lock again: four more are not enough.
    for attempt in range(4):
        error = _fail(session, dealer.email, now=after_lock + timedelta(seconds=attempt + 1))
        assert not isinstance(error, AccountLocked)
    login(session, email=dealer.email, password=PASSWORD, now=after_lock + timedelta(seconds=10))


def test_a_successful_login_resets_the_failure_count(session, dealer):
    for _ in range(4):
        _fail(session, dealer.email)
    login(session, email=dealer.email, password=PASSWORD)
    for _ in range(4):
        error = _fail(session, dealer.email)
        assert not isinstance(error, AccountLocked)
    user = session.get(User, dealer.id)
    session.refresh(user)
    assert user.failed_login_count == 4
    assert user.locked_until is None


def test_a_deactivated_user_cannot_log_in_and_their_session_stops_resolving(session, dealer):
    admin_org = make_org(session, "oem")
    admin = make_user(session, "admin", admin_org)
    session.commit()
    token, _ = login(session, email=dealer.email, password=PASSWORD)
    assert resolve_token(session, token) is not None

    users.set_active(session, principal_for(admin, admin_org), user_id=dealer.id, active=False)
    assert resolve_token(session, token) is None
    refused = _fail(session, dealer.email, password=PASSWORD)
    unknown = _fail(session, "nobody@example.test", password=PASSWORD)
    assert type(refused) is AuthenticationFailed
    assert (refused.code, refused.field) == (unknown.code, unknown.field)


def test_a_deactivated_user_with_the_right_password_does_not_run_into_a_lock_out(session, dealer):
    dealer.is_active = False
    session.add(dealer)
    session.commit()
    for _ in range(6):
        error = _fail(session, dealer.email, password=PASSWORD)
        assert type(error) is AuthenticationFailed


def test_a_session_expires_after_its_lifetime(session, dealer):
    now = utcnow()
    token, principal = login(session, email=dealer.email, password=PASSWORD, now=now)
    stored = session.exec(select(UserSession)).one()
    assert stored.expires_at == now + timedelta(hours=12)
    assert resolve_token(session, token, now=now + timedelta(hours=11, minutes=59)) == principal
    assert resolve_token(session, token, now=stored.expires_at) is None
    assert resolve_token(session, token, now=now + timedelta(days=1)) is None


def test_unknown_and_empty_tokens_resolve_to_nobody(session, dealer):
    assert resolve_token(session, None) is None
    assert resolve_token(session, "") is None
    assert resolve_token(session, "made-up-token") is None


def test_logout_revokes_the_session(session, dealer):
    token, _ = login(session, email=dealer.email, password=PASSWORD)
    other_token, _ = login(session, email=dealer.email, password=PASSWORD)
    logout(session, token)
    assert resolve_token(session, token) is None
    assert resolve_token(session, other_token) is not None
    logout(session, "not-a-token")  # ignored
    logout(session, token)  # twice is harmless
    assert _actions(session, dealer.id).count("logout") == 1


def test_logins_failures_lock_outs_and_role_changes_are_audited(session, dealer):
    admin_org = make_org(session, "oem")
    manager = make_user(session, "admin", admin_org)
    admin = make_user(session, "admin", admin_org)
    session.commit()
    login(session, email=dealer.email, password=PASSWORD)
    for _ in range(5):
        with pytest.raises(AuthenticationFailed):
            login(session, email=dealer.email, password="wrong-password")
    users.change_role(session, principal_for(admin, admin_org), user_id=manager.id, role="manager")

    rows = session.exec(select(AuditLog).order_by(AuditLog.id)).all()
    by_action: dict[str, list[AuditLog]] = {}
    for row in rows:
        by_action.setdefault(row.action, []).append(row)
    succeeded = by_action["login.succeeded"][0]
    assert (succeeded.actor_user_id, succeeded.organisation_id) == (dealer.id, dealer.organisation_id)
    assert len(by_action["login.failed"]) == 5
    assert all(r.organisation_id == dealer.organisation_id and r.entity_id == str(dealer.id)
               for r in by_action["login.failed"])
    locked = by_action["login.locked_out"][0]
    assert locked.actor_user_id == dealer.id and locked.organisation_id == dealer.organisation_id
    assert locked.after["locked_until"]
    changed = by_action["user.role_changed"][0]
    assert changed.actor_user_id == admin.id and changed.organisation_id == admin_org.id
    assert changed.entity_id == str(manager.id)
    assert (changed.before["role"], changed.after["role"]) == ("admin", "manager")
    assert all(row.at.tzinfo is not None for row in rows)


def test_a_failed_login_for_an_unknown_email_is_audited_without_a_user(session, dealer):
    with pytest.raises(AuthenticationFailed):
        login(session, email="ghost@example.test", password="whatever-it-is")
    row = session.exec(select(AuditLog).where(AuditLog.action == "login.failed")).one()
    assert row.actor_user_id is None
    assert row.after == {"email": "ghost@example.test"}


def test_parallel_wrong_guesses_still_lock_after_five(session, dealer):
    def guess(_):
        with Session(get_engine()) as own:
            try:
                login(own, email=dealer.email, password="parallel-guess")
            except AccountLocked:
                return "locked"
            except AuthenticationFailed:
                return "failed"
            return "in"

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(guess, range(12)))
    assert outcomes.count("in") == 0
    assert outcomes.count("failed") == 4
    assert outcomes.count("locked") == 8
    actions = _actions(session, dealer.id)
    assert actions.count("login.failed") == 5
    assert actions.count("login.locked_out") == 1
