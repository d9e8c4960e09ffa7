"""The visitor's test-drive e-mails as they read them: subject and body in their language, the store's
local time, the manage link while there is something to manage, the invite attached."""

from __future__ import annotations

import email
from datetime import UTC, datetime, timedelta
from email import policy

import pytest
from sqlmodel import Session

from models.db import get_engine
from models.settings import get_settings
from services.platform.mail import build_message
from services.showroom import booking
from services.showroom import mail as drive_mail
from tests.showroom_world import make_world, visitor

NOW = datetime(2026, 3, 20, 8, 0, tzinfo=UTC)
START = datetime(2026, 3, 23, 9, 0, tzinfo=UTC)  # Monday 10:00 in Munich (CET)
LATER = datetime(2026, 3, 24, 12, 0, tzinfo=UTC)  # Tuesday 13:00


def _book(session, language="en"):
    world = make_world(session)
    return booking.book(
        session,
        idempotency_key="k",
        visitor=visitor() | {"language": language, "visitor_name": "Anna Berg"},
        trim=world.trim_code,
        dealer=world.store_id,
        starts_at=START.isoformat(),
        now=NOW,
    )


def _received(session, drive, kind):
    """The message as the visitor's mail client parses it."""
    raw = build_message(drive_mail.compose(session, drive, kind)).as_bytes()
    return email.message_from_bytes(raw, policy=policy.default)


def _parts(message):
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    (invite,) = list(message.iter_attachments())
    return text, html, invite


def test_the_confirmation_in_english_has_the_local_time_the_manage_link_and_the_invite(sqlite_url):
    with Session(get_engine()) as session:
        booked = _book(session)
        message = _received(session, booked.drive, "booked")
    manage = f"{get_settings().public_base_url}/test-drive/manage?token={booked.manage_token}"
    assert message["To"] == "visitor0@example.com"
    assert message["Subject"] == (
        "Your test drive of the Aura Long Range on Mon 23 Mar 2026, 10:00 (Europe/Berlin) is booked"
    )
    assert message["Message-ID"] == f"<test-drive-{booked.drive.id}-booked-1@portal.example>"
    text, html, invite = _parts(message)
    assert text.startswith("Hello Anna Berg,\n\nyour test drive of the Aura Long Range at Test Store München")
    assert "Where: Test Store München, Landsberger Straße 290, Munich" in text
    assert "Reschedule or cancel until Mon 23 Mar 2026, 08:00 (Europe/Berlin):" in text  # 2 h cutoff
    assert manage in text and f'href="{manage}"' in html.replace("&amp;", "&")
    assert invite.get_filename() == "invite.ics" and invite.get_param("method") == "REQUEST"
    assert "SEQUENCE:1" in invite.get_content()


def test_the_messages_in_chinese(sqlite_url):
    with Session(get_engine()) as session:
        booked = _book(session, language="zh")
        message = _received(session, booked.drive, "booked")
        reminder = _received(session, booked.drive, "reminder")
    assert message["Subject"] == "您的 Aura Long Range 试驾已预约：2026年3月23日 周一 10:00 (Europe/Berlin)"
    assert message["Content-Language"] == "zh-CN"
    text, html, _ = _parts(message)
    assert text.startswith("Anna Berg，您好：") and "请携带您的驾驶证。" in text
    assert "可在 2026年3月23日 周一 08:00 (Europe/Berlin) 前改期或取消：" in text
    assert '<html lang="zh">' in html and "管理您的试驾" in html
    assert reminder["Subject"].startswith("提醒：您的 Aura Long Range 试驾在 2026年3月23日")


def test_a_reschedule_names_the_new_time_and_its_invite_updates_the_entry(sqlite_url):
    with Session(get_engine()) as session:
        booked = _book(session)
        moved = booking.reschedule(session, token=booked.manage_token, starts_at=LATER.isoformat(), now=NOW)
        message = _received(session, moved.drive, "rescheduled")
    assert message["Subject"] == (
        "Your test drive of the Aura Long Range is moved to Tue 24 Mar 2026, 13:00 (Europe/Berlin)"
    )
    text, _, invite = _parts(message)
    assert moved.manage_token in text and booked.manage_token not in text  # the new link only
    assert "SEQUENCE:2" in invite.get_content() and invite.get_param("method") == "REQUEST"


def test_a_cancel_has_no_manage_link_and_a_cancelling_invite(sqlite_url):
    with Session(get_engine()) as session:
        booked = _book(session)
        cancelled = booking.cancel(session, token=booked.manage_token, now=NOW)
        message = _received(session, cancelled.drive, "cancelled")
    assert message["Subject"] == (
        "Your test drive of the Aura Long Range on Mon 23 Mar 2026, 10:00 (Europe/Berlin) is cancelled"
    )
    text, html, invite = _parts(message)
    assert "is cancelled" in text and "manage" not in text and "href" not in html
    assert invite.get_param("method") == "CANCEL" and "STATUS:CANCELLED" in invite.get_content()


def test_the_reminder_is_due_once_within_24_hours_and_not_for_a_drive_booked_inside_them(sqlite_url):
    with Session(get_engine()) as session:
        booked = _book(session)
        drive_id = booked.drive.id
        assert drive_mail.due_reminders(session, START - timedelta(hours=24, minutes=1)) == []
        assert drive_mail.due_reminders(session, START - timedelta(hours=23)) == [(drive_id, 1)]
        assert drive_mail.due_reminders(session, START) == []  # started: too late
        # Moved when the new time is already less than a day away: the reschedule message is enough.
        new_start = START + timedelta(hours=2)
        moved = booking.reschedule(
            session,
            token=booked.manage_token,
            starts_at=new_start.isoformat(),
            now=START - timedelta(hours=21),
        )
        assert drive_mail.due_reminders(session, START - timedelta(hours=8)) == []
        assert moved.drive.version == 2


def test_an_unknown_kind_is_refused(sqlite_url):
    with Session(get_engine()) as session:
        booked = _book(session)
        with pytest.raises(ValueError):
            drive_mail.compose(session, booked.drive, "spam")
