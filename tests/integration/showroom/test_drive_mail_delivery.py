"""The visitor's test-drive e-mails end to end: a real Celery worker relays the outbox and sends
through a real SMTP server process (services/platform/mail_server.py, writing each message as an
.eml), on SQLite (embedded) and on PostgreSQL with Redis (services).

Each change arrives once with its invite (same UID, rising SEQUENCE); an outbox message relayed
again, the same task run twice and a second reminder sweep send nothing twice; with the SMTP server
down the message is FAILED in the ledger and arrives once the server is back."""

from __future__ import annotations

import email
import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from email import policy
from email.message import EmailMessage
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import redis
from celery import Celery
from icalendar import Calendar
from sqlalchemy import update
from sqlmodel import Session, select

from models import OutboxMessage
from models.db import get_engine
from models.settings import PROJECT_ROOT, get_settings
from models.showroom import TestDrive
from models.showroom_mail import MailStatus, TestDriveMail
from models.types import utcnow
from services.platform import live, outbox
from services.showroom import booking, dealer_desk
from tests.conftest import REDIS_TEST_URL, configure
from tests.integration.worker_helpers import CeleryProcess, run_task, running, start_worker, wait_for
from tests.ports import free_port
from tests.showroom_world import make_world, visitor
from workers.celery_app import make_celery
from workers.tasks import relay_outbox, send_test_drive_mail, send_test_drive_reminders

BERLIN = ZoneInfo("Europe/Berlin")


@dataclass
class MailWorld:
    client: Celery
    worker: CeleryProcess
    port: int
    directory: Path
    server: subprocess.Popen | None = None

    def start_server(self) -> None:
        self.server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "services.platform.mail_server",
                "--port",
                str(self.port),
                "--dir",
                str(self.directory),
            ],
            cwd=PROJECT_ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert "mail server listening on" in self.server.stdout.readline()

    def stop_server(self) -> None:
        if self.server is not None:
            self.server.terminate()
            self.server.wait(timeout=10)
            self.server = None

    def received(self) -> list[EmailMessage]:
        """Every message the SMTP server got, oldest first."""
        return [
            email.message_from_bytes(path.read_bytes(), policy=policy.default)
            for path in sorted(self.directory.glob("*.eml"))
        ]

    def wait_for_messages(self, count: int) -> list[EmailMessage]:
        def enough() -> list[EmailMessage] | None:
            messages = self.received()
            return messages if len(messages) >= count else None

        return wait_for(enough, timeout=60)

    def settle(self) -> None:
        """Wait until the worker (one pool process: first in, first done) has run every task sent
        before this one."""
        run_task(self.client, send_test_drive_mail, 10**9, "booked", 1)  # a drive that does not exist


@pytest.fixture(params=["embedded", "services"])
def mail_world(request, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[MailWorld]:
    """A worker (one pool process) sending to a local SMTP server process on a free port."""
    port, directory = free_port(), tmp_path / "mail"
    configure(monkeypatch, smtp_port=str(port), mail_dir=str(directory))
    if request.param == "services":
        request.getfixturevalue("pg_url")
        request.getfixturevalue("redis_url")
        configure(monkeypatch, broker_url=REDIS_TEST_URL, result_backend=REDIS_TEST_URL)
    else:
        request.getfixturevalue("sqlite_url")
    world = None
    try:
        with (
            running(get_settings(), tmp_path, start_worker) as (worker,),
            make_celery(get_settings()) as client,
        ):
            world = MailWorld(client, worker, port, directory)
            world.start_server()
            yield world
    finally:
        if world is not None:
            world.stop_server()


def _next_start(days_ahead: int = 3, hour: int = 10) -> datetime:
    """10:00 in Munich on a weekday at least `days_ahead` days from now (the test store is open)."""
    day = datetime.now(BERLIN).date() + timedelta(days=days_ahead)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime.combine(day, time(hour), tzinfo=BERLIN)


def _relay(world: MailWorld) -> None:
    run_task(world.client, relay_outbox)


def _invite(message: EmailMessage):
    (attachment,) = list(message.iter_attachments())
    calendar = Calendar.from_ical(attachment.get_content())
    (event,) = calendar.walk("VEVENT")
    return str(calendar["method"]), str(event["uid"]), int(event["sequence"])


def _ledger() -> list[tuple[str, int, str, int]]:
    with Session(get_engine()) as session:
        rows = session.exec(select(TestDriveMail).order_by(TestDriveMail.id)).all()
        return [(row.kind, row.version, row.status, row.attempts) for row in rows]


def test_booking_reschedule_and_cancel_each_arrive_once_and_nothing_is_sent_twice(mail_world):
    with Session(get_engine()) as session:
        world = make_world(session, cars=2)
        booked = booking.book(
            session,
            idempotency_key="mail-1",
            visitor=visitor(1) | {"language": "zh"},
            trim=world.trim_code,
            dealer=world.store_id,
            starts_at=_next_start().isoformat(),
        )
    _relay(mail_world)
    (confirmation,) = mail_world.wait_for_messages(1)
    assert confirmation["To"] == "visitor1@example.com" and confirmation["Subject"].startswith("您的 Aura")

    with Session(get_engine()) as session:
        moved = booking.reschedule(
            session, token=booked.manage_token, starts_at=_next_start(hour=14).isoformat()
        )
    _relay(mail_world)
    rescheduled = mail_world.wait_for_messages(2)[1]
    assert "已改期至" in rescheduled["Subject"]
    assert moved.manage_token in rescheduled.get_body(("plain",)).get_content()

    with Session(get_engine()) as session:
        booking.cancel(session, token=moved.manage_token)
    _relay(mail_world)
    cancelled = mail_world.wait_for_messages(3)[2]
    assert "已取消" in cancelled["Subject"]

    invites = [_invite(message) for message in (confirmation, rescheduled, cancelled)]
    uid = f"test-drive-{booked.drive.id}@portal.example"
    assert invites == [("REQUEST", uid, 1), ("REQUEST", uid, 2), ("CANCEL", uid, 3)]

    # The outbox hands every message over again (a relay that crashed before it marked them), and
    # the same task runs once more: nothing new reaches the server.
    with Session(get_engine()) as session:
        session.execute(update(OutboxMessage).values(dispatched_at=None))
        session.commit()
    _relay(mail_world)
    again = run_task(mail_world.client, send_test_drive_mail, booked.drive.id, "cancelled", 3)
    assert again["outcome"] == "duplicate"
    mail_world.settle()
    assert len(mail_world.received()) == 3
    assert _ledger() == [
        ("booked", 1, MailStatus.SENT, 1),
        ("rescheduled", 2, MailStatus.SENT, 1),
        ("cancelled", 3, MailStatus.SENT, 1),
    ]


def test_the_reminder_arrives_once_however_often_the_sweep_runs(mail_world):
    with Session(get_engine()) as session:
        world = make_world(session)
        booked = booking.book(
            session,
            idempotency_key="mail-2",
            visitor=visitor(2),
            trim=world.trim_code,
            dealer=world.store_id,
            starts_at=_next_start().isoformat(),
        )
        _relay(mail_world)
        mail_world.wait_for_messages(1)  # the confirmation
        # Time passes: the drive, booked days ago, now starts in 23 hours.
        now = utcnow()
        starts = now + timedelta(hours=23)
        session.execute(
            update(TestDrive)
            .where(TestDrive.id == booked.drive.id)
            .values(
                starts_at=starts,
                drive_ends_at=starts + timedelta(hours=1),
                ends_at=starts + timedelta(hours=1, minutes=30),
                created_at=now - timedelta(days=3),
                updated_at=now - timedelta(days=3),
            )
        )
        session.commit()
    first = run_task(mail_world.client, send_test_drive_reminders)
    second = run_task(mail_world.client, send_test_drive_reminders)  # perhaps before the first's task ran
    assert first == {"due": 1} and second["due"] in (0, 1)
    reminder = mail_world.wait_for_messages(2)[1]
    mail_world.settle()
    assert len(mail_world.received()) == 2
    assert reminder["To"] == "visitor2@example.com" and reminder["Subject"].startswith(
        "Reminder: your test drive"
    )
    assert run_task(mail_world.client, send_test_drive_reminders) == {"due": 0}
    assert _ledger() == [("booked", 1, MailStatus.SENT, 1), ("reminder", 1, MailStatus.SENT, 1)]


def test_with_the_smtp_server_down_the_mail_fails_and_arrives_once_it_is_back(mail_world):
    mail_world.stop_server()
    with Session(get_engine()) as session:
        world = make_world(session)
        booking.book(
            session,
            idempotency_key="mail-3",
            visitor=visitor(3),
            trim=world.trim_code,
            dealer=world.store_id,
            starts_at=_next_start().isoformat(),
        )
    _relay(mail_world)
    wait_for(lambda: _ledger() and _ledger()[0][2] == MailStatus.FAILED)
    with Session(get_engine()) as session:
        failed = session.exec(select(TestDriveMail)).one()
        assert f"127.0.0.1:{mail_world.port}" in failed.error and failed.sent_at is None
    mail_world.start_server()
    (message,) = mail_world.wait_for_messages(1)
    assert message["To"] == "visitor3@example.com"
    wait_for(lambda: _ledger()[0][2] == MailStatus.SENT)
    ((kind, version, status, attempts),) = _ledger()
    assert (kind, version, status) == ("booked", 1, MailStatus.SENT) and attempts >= 2
    mail_world.settle()
    assert len(mail_world.received()) == 1


@pytest.mark.parametrize("mail_world", ["services"], indirect=True)
def test_services_mode_the_relay_tells_the_live_desks_of_each_drive_change(mail_world):
    """Redis mode: the worker's relay publishes every test-drive topic on the live channel (the
    desk pages reload from it), the visitor's changes and the desk's own."""
    subscriber = redis.Redis.from_url(REDIS_TEST_URL).pubsub()
    subscriber.subscribe(live.channel(get_settings().key_prefix))
    try:
        with Session(get_engine()) as session:
            world = make_world(session)
            booked = booking.book(
                session,
                idempotency_key="mail-4",
                visitor=visitor(4),
                trim=world.trim_code,
                dealer=world.store_id,
                starts_at=_next_start().isoformat(),
            )
            # What the desk's move commits (services/showroom/dealer_desk.py).
            outbox.enqueue(session, dealer_desk.MOVED, {"test_drive_id": booked.drive.id, "version": 1})
            session.commit()
        _relay(mail_world)
        heard: list[dict] = []

        def both_heard() -> bool:
            while (
                message := subscriber.get_message(ignore_subscribe_messages=True, timeout=0.1)
            ) is not None:
                heard.append(json.loads(message["data"]))
            return {event.get("topic") for event in heard} >= {booking.BOOKED, dealer_desk.MOVED}

        wait_for(both_heard, timeout=30)
        assert all(event["test_drive_id"] == booked.drive.id for event in heard)
    finally:
        subscriber.close()
