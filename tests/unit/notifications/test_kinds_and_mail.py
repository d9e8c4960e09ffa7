"""Where each entry leads (a page of the app the reader may enter), when a daily digest is due in
the reader's own time zone, and what the e-mails say."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from models import Notification, NotificationKind, Role, User
from models.settings import get_settings
from services.identity.access import may_enter
from services.identity.auth import Principal
from services.notifications import kinds
from services.notifications.mail import compose, digest_due

PARAMS = {
    "purchase_order_id": 7,
    "incident_id": 3,
    "shipment_id": 5,
    "order_id": 9,
    "number": "X-1",
    "buyer": "OEM",
    "supplier": "ACME",
    "sku": "BRK-1",
    "count": 2,
    "step": "resolved",
    "tracking_number": "JD01",
}


def _manager(email: str = "a@example.test", **fields) -> User:
    """A manager to write to (not stored)."""
    return User(
        email=email,
        email_normalized=email,
        full_name="A",
        password_hash="x",
        role="manager",
        organisation_id=1,
        **fields,
    )


def _principal(role: str) -> Principal:
    return Principal(1, "x@example.test", "X", role, 1, "Org", "oem", "en", "UTC")


@pytest.mark.parametrize("role", [role for role in Role if kinds.kinds_for(role)])
def test_every_entry_links_to_a_page_of_the_app_its_reader_may_enter(role):
    import portal.portal  # noqa: F401  (declares every page)
    from portal.components.frame import PAGES

    patterns = [re.compile("^" + re.sub(r"\[[a-z_]+\]", r"[^/]+", spec.route) + "$") for spec in PAGES]
    for kind in kinds.kinds_for(role):
        link = kinds.link(kind, role, PARAMS)
        assert any(pattern.match(link) for pattern in patterns), (role, kind, link)
        assert may_enter(_principal(role), link), (role, kind, link)


def test_every_kind_is_told_to_some_role_and_has_an_icon():
    told = {kind for role in Role for kind in kinds.kinds_for(role)}
    assert told == set(NotificationKind) and set(kinds.ICONS) == set(NotificationKind)


@pytest.mark.parametrize(
    ("zone", "now", "last", "due"),
    [
        # 07:00 in Shanghai is 23:00 UTC the day before.
        ("Asia/Shanghai", datetime(2026, 3, 1, 22, 59, tzinfo=UTC), None, False),
        ("Asia/Shanghai", datetime(2026, 3, 1, 23, 0, tzinfo=UTC), None, True),
        (
            "Asia/Shanghai",
            datetime(2026, 3, 2, 5, 0, tzinfo=UTC),
            datetime(2026, 3, 1, 23, 1, tzinfo=UTC),
            False,
        ),
        (
            "Asia/Shanghai",
            datetime(2026, 3, 2, 23, 5, tzinfo=UTC),
            datetime(2026, 3, 1, 23, 1, tzinfo=UTC),
            True,
        ),
        # Berlin moves to summer time on 29 March 2026: 07:00 local is 06:00 then 05:00 UTC.
        ("Europe/Berlin", datetime(2026, 3, 28, 6, 0, tzinfo=UTC), None, True),
        (
            "Europe/Berlin",
            datetime(2026, 3, 29, 5, 0, tzinfo=UTC),
            datetime(2026, 3, 28, 6, 0, tzinfo=UTC),
            True,
        ),
        (
            "Europe/Berlin",
            datetime(2026, 3, 29, 4, 59, tzinfo=UTC),
            datetime(2026, 3, 28, 6, 0, tzinfo=UTC),
            False,
        ),
    ],
)
def test_a_digest_is_due_once_a_day_from_the_digest_hour_of_the_readers_zone(zone, now, last, due):
    user = _manager(time_zone=zone)
    assert digest_due(user, last, now, hour=7) is due


def _entry(kind: str, **params) -> Notification:
    return Notification(
        id=1,
        user_id=1,
        kind=kind,
        params=params,
        link="/manager/purchase-orders/7",
        dedupe_key="k",
        created_at=datetime(2026, 3, 2, 2, 0, tzinfo=UTC),
    )


def test_an_immediate_mail_is_the_entry_in_the_readers_language_with_its_absolute_link():
    user = _manager(email="li@example.test", language="zh", time_zone="Asia/Shanghai")
    entry = _entry(
        "purchase_order.acknowledged", purchase_order_id=7, number="PO-000007", supplier="ACME", count=2
    )
    mail = compose([entry], user, get_settings(), digest=False)
    assert mail.to == "li@example.test" and mail.language == "zh"
    assert mail.subject.endswith("ACME 已确认 PO-000007 的 2 行")
    assert f"{get_settings().public_base_url}/manager/purchase-orders/7" in mail.text
    assert "2026年3月2日" in mail.text  # 10:00 in Shanghai, in Chinese
    assert mail.sender == get_settings().notification_sender


def test_a_digest_lists_every_entry_and_counts_them():
    user = _manager(email="a@example.test", language="en", time_zone="UTC")
    entries = [
        _entry("purchase_order.proposed", purchase_order_id=7, number="PO-000007", supplier="ACME", count=1),
        _entry("shipment.late", shipment_id=5, tracking_number="JD014600"),
    ]
    mail = compose(entries, user, get_settings(), digest=True)
    assert "Your daily digest: 2 notifications" in mail.subject
    assert "ACME proposed a change to 1 line of PO-000007" in mail.text
    assert "Shipment JD014600 may miss the date promised to the customer" in mail.text
    assert mail.html.count("<li>") == 2


def test_a_name_stored_with_its_chinese_form_reads_in_the_readers_language():
    params = {"number": "PO-1", "buyer": "Qingyun Automobile", "buyer_zh": "青云汽车", "count": 1}
    assert kinds.text_params(params, "zh") == {"number": "PO-1", "buyer": "青云汽车", "count": 1}
    assert kinds.text_params(params, "en") == {"number": "PO-1", "buyer": "Qingyun Automobile", "count": 1}
    assert kinds.text_params({"buyer": "X", "buyer_zh": None}, "zh") == {"buyer": "X"}
