"""The showroom's tasks: the visitor's test-drive e-mails (one per drive, kind and version) and
beat's reminder sweep. Thin, idempotent wrappers of `services.showroom.mail`; their names are in
workers/schedule.py."""

from __future__ import annotations

import logging

from sqlalchemy.exc import OperationalError

from models.db import session_scope
from services.platform.mail import MailNotSent
from services.showroom import mail as drive_mail
from workers.celery_app import app
from workers.schedule import SEND_TEST_DRIVE_MAIL, SEND_TEST_DRIVE_REMINDERS

log = logging.getLogger(__name__)

# An SMTP server that is down or refuses for now, or a briefly unreachable database: try again
# with backoff (1 s, 2 s, 4 s ... at most 10 min) for about a day. The ledger row says FAILED
# meanwhile, with the error; each try claims it again.
MAIL_RETRY = {
    "autoretry_for": (MailNotSent, OperationalError),
    "retry_backoff": 1,
    "retry_backoff_max": 600,
    "max_retries": 150,
}


@app.task(name=SEND_TEST_DRIVE_MAIL, **MAIL_RETRY)
def send_test_drive_mail(test_drive_id: int, kind: str, version: int) -> dict:
    """Send one test-drive e-mail ("booked", "rescheduled", "cancelled", "reminder") unless it was
    sent already. Returns {"test_drive_id", "kind", "version", "outcome"} (services/showroom/mail.py:
    sent, duplicate, superseded, gone)."""
    with session_scope() as session:
        outcome = drive_mail.send_drive_mail(session, int(test_drive_id), kind, int(version))
    log.info("test drive %s %s v%s: %s", test_drive_id, kind, version, outcome)
    return {"test_drive_id": test_drive_id, "kind": kind, "version": version, "outcome": outcome}


@app.task(name=SEND_TEST_DRIVE_REMINDERS)
def send_test_drive_reminders() -> dict:
    """Beat: one reminder task per booked drive starting within 24 hours that has none yet (a
    second sweep before the first one's tasks ran sends nothing twice: the ledger). Returns
    {"due": n}."""
    with session_scope() as session:
        due = drive_mail.due_reminders(session)
    for drive_id, version in due:
        send_test_drive_mail.delay(drive_id, "reminder", version)
    return {"due": len(due)}
