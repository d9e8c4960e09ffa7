"""Administering accounts on the real PostgreSQL server, where two admins really act at once:
the same e-mail created twice at once, two admins deactivating each other at once."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from models import AuditLog, User
from models.db import get_engine
from services.identity import users
from services.identity.auth import principal_for
from services.platform.errors import ValidationFailed
from tests.factories import make_org, make_user

pytestmark = pytest.mark.postgres


@pytest.fixture
def oem_and_admins(pg_url):
    with Session(get_engine(), expire_on_commit=False) as session:
        oem, dealer = make_org(session, "oem"), make_org(session, "dealer")
        first, second = make_user(session, "admin", oem), make_user(session, "admin", oem)
        session.commit()
        return dealer, principal_for(first, oem), principal_for(second, oem)


def _outcome(call) -> str:
    try:
        call()
    except ValidationFailed as refused:
        return refused.code
    return "done"


def test_two_admins_creating_the_same_email_at_once_get_one_account_and_email_taken(
    oem_and_admins, monkeypatch
):
    dealer, first, second = oem_and_admins
    # Both have checked that the e-mail is free before either inserts it: the unique index decides.
    both_checked = threading.Barrier(2, timeout=30)
    real_hash = users.hash_password

    def hash_after_both_checked(password: str) -> str:
        both_checked.wait()
        return real_hash(password)

    monkeypatch.setattr(users, "hash_password", hash_after_both_checked)

    def create(actor) -> str:
        with Session(get_engine(), expire_on_commit=False) as session:
            return _outcome(
                lambda: users.create_user(
                    session,
                    actor,
                    email="Same.Person@Example.test",
                    full_name="Li Na",
                    password="a-long-enough-passphrase",
                    role="dealer",
                    organisation_id=dealer.id,
                )
            )

    with ThreadPoolExecutor(2) as pool:
        outcomes = sorted(pool.map(create, (first, second)))

    assert outcomes == ["done", "user.email_taken"]
    with Session(get_engine()) as session:
        assert (
            session.exec(
                select(func.count())
                .select_from(User)
                .where(User.email_normalized == "same.person@example.test")
            ).one()
            == 1
        )
        assert (
            session.exec(
                select(func.count()).select_from(AuditLog).where(AuditLog.action == "user.created")
            ).one()
            == 1
        )


def test_two_admins_deactivating_each_other_at_once_leave_one_active_admin(oem_and_admins, monkeypatch):
    _dealer, first, second = oem_and_admins
    # Both have read the admin they deactivate before either counts who is left.
    both_read = threading.Barrier(2, timeout=30)
    real_keep = users._keep_an_admin

    def keep_after_both_read(session, user, field):
        both_read.wait()
        real_keep(session, user, field)

    monkeypatch.setattr(users, "_keep_an_admin", keep_after_both_read)

    def deactivate(actor, target) -> str:
        with Session(get_engine(), expire_on_commit=False) as session:
            return _outcome(lambda: users.set_active(session, actor, user_id=target.user_id, active=False))

    with ThreadPoolExecutor(2) as pool:
        outcomes = sorted(pool.map(deactivate, (first, second), (second, first)))

    assert outcomes == ["done", "user.last_admin"]
    with Session(get_engine()) as session:
        assert (
            session.exec(
                select(func.count()).select_from(User).where(User.role == "admin", User.is_active.is_(True))
            ).one()
            == 1
        )
