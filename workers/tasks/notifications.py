"""The notification centre's tasks: telling a buyer that its order moved (from the order's outbox
notice, off the payment path), and the e-mails, at once and in the daily digest. Thin, idempotent
wrappers of services/notifications; their names are in workers/schedule.py."""

from __future__ import annotations

from models.db import session_scope
from models.types import utcnow
from services.notifications import mail as notification_mail
from services.notifications import tell
from workers.celery_app import app
from workers.schedule import SEND_NOTIFICATION_DIGESTS, SEND_NOTIFICATION_MAILS, TELL_ORDER_MOVED
from workers.tasks.showroom import MAIL_RETRY


@app.task(name=TELL_ORDER_MOVED)
def tell_order_moved(order_id: int, status: str) -> dict:
    """The buyer of `order_id` hears that it became `status` (paid, allocated); once per order and
    status, however often this runs. Returns {"order_id", "status", "told": [user ids]}."""
    with session_scope() as session:
        told = tell.order_moved(session, int(order_id), str(status), now=utcnow())
        session.commit()
    return {"order_id": order_id, "status": status, "told": told}


@app.task(name=SEND_NOTIFICATION_MAILS, **MAIL_RETRY)
def send_notification_mails() -> dict:
    """Send every entry waiting for its e-mail at once (each at most once). Returns {"sent": n}."""
    with session_scope() as session:
        return {"sent": notification_mail.send_immediate(session)}


@app.task(name=SEND_NOTIFICATION_DIGESTS, **MAIL_RETRY)
def send_notification_digests() -> dict:
    """Beat: the daily digest of every user whose digest hour has come. Returns {"sent": n}."""
    with session_scope() as session:
        return {"sent": notification_mail.send_digests(session)}
