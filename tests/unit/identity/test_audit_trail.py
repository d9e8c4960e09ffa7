"""The admin's audit trail: filters, paging, newest first, admins only, and a CSV that a
spreadsheet opens safely."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session

from models import AuditLog, Role
from services.catalog.lists import Page
from services.identity.audit_trail import AuditFilter, export_csv, filter_choices, list_entries
from services.identity.auth import Principal
from services.platform.errors import PermissionDenied, ValidationFailed
from tests.factories import make_org, make_user


def principal(role: str) -> Principal:
    return Principal(
        user_id=1,
        email=f"{role}@example.test",
        full_name=role,
        role=role,
        organisation_id=1,
        organisation_name="Org",
        organisation_kind="oem",
        language="en",
        time_zone="UTC",
    )


ADMIN = principal(Role.ADMIN)


@pytest.fixture
def world(session: Session) -> dict:
    oem, dealer = make_org(session, "oem"), make_org(session, "dealer")
    alice = make_user(session, Role.ADMIN, oem, email="alice@example.test")
    bob = make_user(session, Role.DEALER, dealer, email="bob@example.test")
    entries = [
        (datetime(2026, 11, 1, 9, tzinfo=UTC), alice, oem, "user.created", {"email": "bob@example.test"}),
        (datetime(2026, 11, 2, 9, tzinfo=UTC), alice, dealer, "user.role_changed", {"role": "dealer"}),
        (datetime(2026, 11, 3, 23, 59, tzinfo=UTC), bob, dealer, "login.failed", None),
        (
            datetime(2026, 11, 4, 0, 1, tzinfo=UTC),
            bob,
            dealer,
            "user.role_changed",
            {"role": "=HYPERLINK(1)"},
        ),
    ]
    for at, user, organisation, action, after in entries:
        session.add(
            AuditLog(
                at=at,
                actor_user_id=user.id,
                organisation_id=organisation.id,
                action=action,
                entity="user",
                entity_id=str(bob.id),
                before={"role": "customer"} if after else None,
                after=after,
            )
        )
    session.commit()
    return {"oem": oem, "dealer": dealer, "alice": alice, "bob": bob}


def test_every_entry_newest_first_with_who_and_where(session: Session, world: dict):
    rows, total = list_entries(session, ADMIN)
    assert total == 4
    assert [row.action for row in rows] == [
        "user.role_changed",
        "login.failed",
        "user.role_changed",
        "user.created",
    ]
    assert rows[-1].actor == "alice@example.test"
    assert rows[-1].organisation == world["oem"].name
    assert rows[0].before == {"role": "customer"} and rows[0].after == {"role": "=HYPERLINK(1)"}


def test_filters_combine_and_dates_are_whole_days(session: Session, world: dict):
    by_bob, total = list_entries(session, ADMIN, AuditFilter(user_id=world["bob"].id))
    assert total == 2 and {row.actor for row in by_bob} == {"bob@example.test"}
    _, total = list_entries(
        session, ADMIN, AuditFilter(organisation_id=world["dealer"].id, action="user.role_changed")
    )
    assert total == 2
    on_the_third, total = list_entries(
        session, ADMIN, AuditFilter(since=date(2026, 11, 3), until=date(2026, 11, 3))
    )
    assert total == 1 and on_the_third[0].action == "login.failed"  # 23:59 counts, 00:01 next day does not


def test_pages_split_the_selection(session: Session, world: dict):
    first, total = list_entries(session, ADMIN, page=Page(1, 3))
    second, _ = list_entries(session, ADMIN, page=Page(2, 3))
    assert total == 4 and len(first) == 3 and len(second) == 1
    assert second[0].action == "user.created"


def test_a_reversed_range_is_refused_naming_the_end():
    with pytest.raises(ValidationFailed) as refused:
        AuditFilter(since=date(2026, 11, 5), until=date(2026, 11, 1))
    assert refused.value.field == "until"


@pytest.mark.parametrize("role", [Role.MANAGER, Role.SUPPLIER, Role.DEALER, Role.CUSTOMER])
def test_only_admins_read_it(session: Session, world: dict, role: str):
    for read in (list_entries, export_csv, filter_choices):
        with pytest.raises(PermissionDenied):
            read(session, principal(role))


def test_the_csv_has_the_selection_and_defuses_formulas(session: Session, world: dict):
    text = export_csv(session, ADMIN, AuditFilter(action="user.role_changed"))
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["at", "actor", "organisation", "action", "entity", "entity_id", "before", "after"]
    assert len(rows) == 3
    assert rows[1][1] == "bob@example.test" and rows[1][7] == '{"role": "=HYPERLINK(1)"}'


def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_quoted(session: Session):
    sly = make_org(session, "dealer", name="=2+3")
    session.add(AuditLog(action="org.renamed", entity="organisation", entity_id="-1", organisation_id=sly.id))
    session.commit()
    rows = list(csv.reader(io.StringIO(export_csv(session, ADMIN))))
    assert rows[1][2] == "'=2+3" and rows[1][5] == "'-1"


def test_the_filters_offer_what_exists(session: Session, world: dict):
    choices = filter_choices(session, ADMIN)
    assert choices.actions == ["login.failed", "user.created", "user.role_changed"]
    assert "alice@example.test" in {email for _, email in choices.users}
