"""The admin's directory: users paged and searched in SQL, organisations created and edited with
every bad field named at once, each change audited, and none of it for anyone but an admin."""

from __future__ import annotations

import pytest
from sqlalchemy import func
from sqlmodel import select

from models import AuditLog, Organisation
from services.catalog.lists import Page
from services.i18n import translate
from services.identity import users
from services.identity.auth import principal_for
from services.platform.errors import FieldErrors, NotFound, PermissionDenied, ValidationFailed
from tests.factories import make_org, make_user

GOOD = {
    "name": "Shanghai Axle Co.",
    "kind": "supplier",
    "country": "CN",
    "currency": "CNY",
    "time_zone": "Asia/Shanghai",
}


@pytest.fixture
def orgs(session):
    orgs = {kind: make_org(session, kind) for kind in ("oem", "supplier", "dealer", "consumer")}
    orgs["harbour"] = make_org(session, "dealer", name="Harbour Motors")
    session.commit()
    return orgs


@pytest.fixture
def admin(session, orgs):
    user = make_user(session, "admin", orgs["oem"], email="admin@example.test")
    session.commit()
    return principal_for(user, orgs["oem"])


@pytest.fixture
def many_users(session, orgs, admin):
    """60 dealers (d00..d59), one named Zhou Li at Harbour Motors, one supplier: 63 with the admin."""
    for n in range(60):
        make_user(session, "dealer", orgs["dealer"], email=f"d{n:02}@example.test")
    make_user(session, "dealer", orgs["harbour"], email="zl@example.test").full_name = "Zhou Li"
    make_user(session, "supplier", orgs["supplier"], email="sup@example.test").full_name = "Sun Pei"
    session.commit()


def _emails(rows) -> list[str]:
    return [row["email"] for row in rows]


def test_users_come_a_page_at_a_time_with_the_total(session, many_users, admin):
    first, total = users.search_users(session, admin, page=Page(1, 25))
    third, again = users.search_users(session, admin, page=Page(3, 25))
    assert (len(first), len(third), total, again) == (25, 13, 63, 63)
    assert _emails(first)[:2] == ["admin@example.test", "d00@example.test"]
    assert _emails(third)[-1] == "zl@example.test"
    everyone = (
        _emails(first) + _emails(users.search_users(session, admin, page=Page(2, 25))[0]) + _emails(third)
    )
    assert len(set(everyone)) == 63 and everyone == sorted(everyone)
    beyond, total = users.search_users(session, admin, page=Page(4, 25))
    assert (beyond, total) == ([], 63)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("zhou", ["zl@example.test"]),  # name, any case
        ("ZL@EXAMPLE", ["zl@example.test"]),  # e-mail
        ("harbour mot", ["zl@example.test"]),  # organisation
        ("  sun  ", ["sup@example.test"]),  # trimmed
        ("d5", [f"d5{n}@example.test" for n in range(10)]),
        ("100%", []),  # LIKE wildcards are literal
        ("d_1", []),
    ],
)
def test_the_search_finds_name_email_or_organisation(session, many_users, admin, text, expected):
    rows, total = users.search_users(session, admin, page=Page(1, 25), text=text)
    assert (_emails(rows), total) == (expected, len(expected))


def test_a_role_filter_keeps_that_role_and_combines_with_the_search(session, many_users, admin):
    rows, total = users.search_users(session, admin, page=Page(1, 25), role="supplier")
    assert (_emails(rows), total) == (["sup@example.test"], 1)
    rows, total = users.search_users(session, admin, page=Page(1, 25), role="dealer", text="harbour")
    assert (_emails(rows), total) == (["zl@example.test"], 1)
    with pytest.raises(ValidationFailed) as caught:
        users.search_users(session, admin, page=Page(1, 25), role="pilot")
    assert (caught.value.code, caught.value.field) == ("user.role_invalid", "role")


def test_a_row_shows_the_organisation_and_never_the_password(session, many_users, admin, orgs):
    rows, _ = users.search_users(session, admin, page=Page(1, 25), text="zhou")
    assert rows[0]["organisation"] == "Harbour Motors" and rows[0]["organisation_id"] == orgs["harbour"].id
    assert all("password" not in key for key in rows[0])


def _audit(session, action):
    return session.exec(select(AuditLog).where(AuditLog.action == action)).all()


def test_an_admin_creates_an_organisation_and_it_is_audited(session, orgs, admin):
    org = users.create_organisation(
        session, admin, **{**GOOD, "country": " cn ", "currency": "cny", "name": "  Shanghai Axle Co. "}
    )
    stored = session.get(Organisation, org.id)
    assert (stored.name, stored.kind, stored.country, stored.currency, stored.time_zone) == (
        "Shanghai Axle Co.",
        "supplier",
        "CN",
        "CNY",
        "Asia/Shanghai",
    )
    assert stored.slug == "shanghai-axle-co"
    second = users.create_organisation(session, admin, **GOOD)
    assert second.slug == "shanghai-axle-co-2"
    [entry, _] = _audit(session, "organisation.created")
    assert (entry.entity, entry.entity_id, entry.actor_user_id) == (
        "organisation",
        str(org.id),
        admin.user_id,
    )
    assert entry.after["name"] == "Shanghai Axle Co." and entry.before is None
    listed = {row["name"] for row in users.list_organisations(session, admin)}
    assert "Shanghai Axle Co." in listed


def test_every_bad_field_is_named_at_once_and_nothing_is_written(session, orgs, admin):
    before = session.exec(select(func.count()).select_from(Organisation)).one()
    with pytest.raises(FieldErrors) as caught:
        users.create_organisation(
            session, admin, name=" ", kind="airline", country="XX", currency="ABC", time_zone="Mars/Olympus"
        )
    assert [(e.field, e.code) for e in caught.value.errors] == [
        ("name", "organisation.name_required"),
        ("kind", "organisation.kind_invalid"),
        ("country", "organisation.country_invalid"),
        ("currency", "organisation.currency_invalid"),
        ("time_zone", "organisation.time_zone_invalid"),
    ]
    for error in caught.value.errors:  # each has its message in both languages
        for language in ("en", "zh"):
            assert translate(error.code, language, **error.params) != error.code
    session.rollback()
    assert session.exec(select(func.count()).select_from(Organisation)).one() == before
    assert _audit(session, "organisation.created") == []


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("name", "x" * 201, "organisation.name_too_long"),
        ("kind", "", "organisation.kind_invalid"),
        ("country", "EU", "organisation.country_invalid"),  # a grouping, not a country
        ("country", "CHN", "organisation.country_invalid"),  # alpha-3
        ("currency", "RMB", "organisation.currency_invalid"),
        ("currency", "", "organisation.currency_invalid"),
        ("time_zone", "asia/shanghai", "organisation.time_zone_invalid"),
        ("time_zone", "UTC+8", "organisation.time_zone_invalid"),
    ],
)
def test_each_field_is_checked(session, orgs, admin, field, value, code):
    with pytest.raises(FieldErrors) as caught:
        users.create_organisation(session, admin, **{**GOOD, field: value})
    assert [(e.field, e.code) for e in caught.value.errors] == [(field, code)]


def test_an_admin_edits_an_organisation_and_the_audit_has_before_and_after(session, orgs, admin):
    target = orgs["supplier"]
    slug = target.slug
    users.update_organisation(
        session,
        admin,
        organisation_id=target.id,
        name="Axle Europe GmbH",
        kind="supplier",
        country="de",
        currency="EUR",
        time_zone="Europe/Berlin",
    )
    session.expire_all()
    stored = session.get(Organisation, target.id)
    assert (stored.name, stored.country, stored.currency, stored.time_zone, stored.slug) == (
        "Axle Europe GmbH",
        "DE",
        "EUR",
        "Europe/Berlin",
        slug,
    )
    [entry] = _audit(session, "organisation.updated")
    assert entry.entity_id == str(target.id) and entry.actor_user_id == admin.user_id
    assert (entry.before["country"], entry.after["country"]) == ("CN", "DE")
    assert (entry.before["currency"], entry.after["currency"]) == ("CNY", "EUR")


def test_an_edit_is_checked_like_a_creation(session, orgs, admin):
    target = orgs["supplier"]
    with pytest.raises(FieldErrors) as caught:
        users.update_organisation(
            session, admin, organisation_id=target.id, **{**GOOD, "currency": "XYZ", "time_zone": "Nowhere"}
        )
    assert [e.field for e in caught.value.errors] == ["currency", "time_zone"]
    session.rollback()
    session.expire_all()
    assert session.get(Organisation, target.id).currency == "CNY"
    assert _audit(session, "organisation.updated") == []


def test_the_kind_stays_while_users_need_it(session, orgs, admin):
    make_user(session, "supplier", orgs["supplier"])
    session.commit()
    with pytest.raises(FieldErrors) as caught:
        users.update_organisation(
            session, admin, organisation_id=orgs["supplier"].id, **{**GOOD, "kind": "dealer"}
        )
    assert [(e.field, e.code) for e in caught.value.errors] == [("kind", "organisation.kind_in_use")]
    # An organisation nobody belongs to may change its kind.
    empty = make_org(session, "carrier")
    session.commit()
    users.update_organisation(session, admin, organisation_id=empty.id, **{**GOOD, "kind": "dealer"})
    assert session.get(Organisation, empty.id).kind == "dealer"


def test_editing_an_unknown_organisation_is_not_found(session, orgs, admin):
    with pytest.raises(NotFound) as caught:
        users.update_organisation(session, admin, organisation_id=424242, **GOOD)
    assert (caught.value.code, caught.value.status) == ("organisation.not_found", 404)


@pytest.mark.parametrize("role", ["manager", "supplier", "dealer", "customer"])
def test_a_non_admin_may_not_search_users_or_create_or_edit_organisations(session, orgs, admin, role):
    kind = {"manager": "oem", "supplier": "supplier", "dealer": "dealer", "customer": "consumer"}[role]
    actor = principal_for(make_user(session, role, orgs[kind]), orgs[kind])
    session.commit()
    count = session.exec(select(func.count()).select_from(Organisation)).one()
    attempts = [
        lambda: users.search_users(session, actor, page=Page(1, 25)),
        lambda: users.create_organisation(session, actor, **GOOD),
        lambda: users.update_organisation(session, actor, organisation_id=orgs[kind].id, **GOOD),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()
    session.rollback()
    session.expire_all()
    assert session.exec(select(func.count()).select_from(Organisation)).one() == count
    assert session.get(Organisation, orgs[kind].id).name != GOOD["name"]
    assert _audit(session, "organisation.created") + _audit(session, "organisation.updated") == []


def test_an_organisation_keeps_a_chinese_name_beside_its_english_one(session, orgs, admin):
    org = users.create_organisation(session, admin, **{**GOOD, "name_zh": " 上海车桥有限公司 "})
    assert session.get(Organisation, org.id).name_zh == "上海车桥有限公司"
    listed = next(row for row in users.list_organisations(session, admin) if row["id"] == org.id)
    assert listed["name_zh"] == "上海车桥有限公司"
    # Editing without naming it keeps it; an empty one clears it; a long one is refused.
    users.update_organisation(session, admin, organisation_id=org.id, **{**GOOD, "name": "Axle Co."})
    assert session.get(Organisation, org.id).name_zh == "上海车桥有限公司"
    users.update_organisation(session, admin, organisation_id=org.id, **GOOD, name_zh="")
    assert session.get(Organisation, org.id).name_zh is None
    with pytest.raises(FieldErrors) as refused:
        users.update_organisation(session, admin, organisation_id=org.id, **GOOD, name_zh="车" * 201)
    assert [error.field for error in refused.value.errors] == ["name_zh"]
    [entry, *_] = _audit(session, "organisation.created")
    assert entry.after["name_zh"] == "上海车桥有限公司"
