"""The notification centre end to end on the real parts: PostgreSQL, Redis as broker, a real Celery
worker process and the real local SMTP server. A supplier who chose "e-mail at once" gets one
message per new purchase order however often the outbox is relayed; a manager on the daily digest
gets one message listing everything; a customer's paid and allocated order reaches their inbox
through the worker (the payment path itself writes no entry)."""

from __future__ import annotations

import email
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from email import policy
from pathlib import Path

import pytest
from celery import Celery
from sqlmodel import Session, select

from models import Notification
from models.db import get_engine
from models.settings import PROJECT_ROOT, Settings, get_settings
from models.types import utcnow
from services.catalog.lists import Page
from services.i18n import translate
from services.notifications import inbox
from services.ordering import placement
from services.supply import purchasing
from tests import ordering_world, supply_world
from tests.conftest import REDIS_TEST_URL, configure
from tests.integration.worker_helpers import CeleryProcess, run_task, running, start_worker, wait_for
from tests.ports import free_port
from workers import tasks
from workers.celery_app import make_celery

SMTP_PORT = free_port()


@pytest.fixture(scope="module")
def mail_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    directory = tmp_path_factory.mktemp("mail")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "services.platform.mail_server",
            "--port",
            str(SMTP_PORT),
            "--dir",
            str(directory),
        ],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert "mail server listening on" in server.stdout.readline()
        yield directory
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="module")
def mail_worker(
    _pg_database: str, mail_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[CeleryProcess]:
    """A worker on the PostgreSQL test database and Redis, sending through the module's SMTP server;
    every digest is due at once (digest hour 00:00)."""
    var_dir = tmp_path_factory.mktemp("notification-worker")
    settings = Settings(
        database_url=_pg_database,
        redis_url=REDIS_TEST_URL,
        broker_url=REDIS_TEST_URL,
        result_backend=REDIS_TEST_URL,
        var_dir=var_dir,
        smtp_port=SMTP_PORT,
        mail_dir=mail_dir,
        notification_digest_hour=0,
    )
    with running(settings, var_dir, start_worker) as (worker,):
        yield worker


@pytest.fixture
def celery(
    mail_worker: CeleryProcess, pg_url: str, redis_url: str, mail_dir: Path, monkeypatch
) -> Iterator[Celery]:
    configure(monkeypatch, smtp_port=str(SMTP_PORT), mail_dir=str(mail_dir))
    for old in mail_dir.glob("*.eml"):
        old.unlink()
    with make_celery(get_settings()) as client:
        yield client


def _messages(directory: Path) -> list[email.message.EmailMessage]:
    return [
        email.message_from_bytes(path.read_bytes(), policy=policy.default)
        for path in sorted(directory.glob("*.eml"))
    ]


def _relay_until(client: Celery, predicate, timeout: float = 60):
    """Relay the outbox through the worker until `predicate()` holds (each relay may start tasks
    whose own messages the next relay sends)."""

    def step():
        run_task(client, tasks.relay_outbox)
        return predicate()

    return wait_for(step, timeout=timeout, interval=0.3)


def test_an_e_mail_at_once_goes_out_exactly_once_for_a_new_purchase_order(celery, mail_dir):
    with Session(get_engine(), expire_on_commit=False) as session:
        world = supply_world.build_world(session)
        inbox.set_preference(session, world.first.principal, "purchase_order.issued", "email")
        # Now (not the world's fixed date): an entry older than two days is no longer mailed at once.
        now = utcnow()
        order = supply_world.issue(session, world, [100], now=now, requested=now.date() + timedelta(days=14))
    supplier_user = world.first.principal.user_id

    (message,) = _relay_until(celery, lambda: _messages(mail_dir))
    assert message["Subject"].endswith(f"New purchase order {order['number']} from {world.oem.name}: 1 line")
    assert message["To"] == world.first.principal.email
    assert "Portal Notifications" in message["From"]
    body = message.get_body(("plain",)).get_content()
    assert f"/supplier/purchase-orders/{order['id']}" in body

    # The outbox relayed again and the mail task run again: still one message.
    run_task(celery, tasks.relay_outbox)
    assert run_task(celery, tasks.send_notification_mails) == {"sent": 0}
    assert len(_messages(mail_dir)) == 1
    with Session(get_engine()) as session:
        entry = session.exec(select(Notification).where(Notification.user_id == supplier_user)).one()
        assert (entry.delivery, entry.mail_status, entry.mailed_at is not None) == ("email", "sent", True)


def test_the_daily_digest_lists_every_waiting_entry_in_one_message_once(celery, mail_dir):
    with Session(get_engine(), expire_on_commit=False) as session:
        world = supply_world.build_world(session)
        for kind in ("purchase_order.acknowledged", "purchase_order.proposed"):
            inbox.set_preference(session, world.manager, kind, "digest")
        order = supply_world.issue(session, world, [100, 50])
        first, second = order["lines"]
        purchasing.respond_to_order(
            session,
            world.first.principal,
            order["id"],
            [
                {"line_id": first["id"], "action": "acknowledge", "promised_date": "2026-03-12"},
                {"line_id": second["id"], "action": "propose", "quantity": 40},
            ],
            now=supply_world.NOW,
        )
    assert _messages(mail_dir) == []  # a digest waits for its hour

    assert run_task(celery, tasks.send_notification_digests) == {"sent": 1}
    assert run_task(celery, tasks.send_notification_digests) == {"sent": 0}
    (digest,) = _messages(mail_dir)
    assert digest["To"] == world.manager.email and "Your daily digest: 2 notifications" in digest["Subject"]
    text = digest.get_body(("plain",)).get_content()
    supplier = world.first.organisation.name
    assert f"{supplier} acknowledged 1 line of {order['number']}" in text
    assert f"{supplier} proposed a change to 1 line of {order['number']}" in text


def test_a_customers_order_paid_and_allocated_by_the_worker_reaches_their_inbox(celery):
    with Session(get_engine(), expire_on_commit=False) as session:
        world = ordering_world.build_world(session)
        order = placement.place_order(
            session,
            world.customer,
            lines=[{"item_kind": "trim", "item_id": world.trim.id, "quantity": 1}],
            buyer_location_id=world.store.id,
            idempotency_key=ordering_world.new_key(),
        ).order

    def customer_texts() -> list[str]:
        with Session(get_engine()) as session:
            entries, _ = inbox.list_entries(session, world.customer, page=Page(1, 10))
        return [translate(entry["text_key"], "en", **entry["params"]) for entry in entries]

    # The worker captures and allocates in one transaction: one entry says both.
    texts = _relay_until(celery, customer_texts, timeout=90)
    assert texts == [f"Deposit paid for order {order.number}: your car is being prepared"]
