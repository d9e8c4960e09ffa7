"""The notification centre's e-mails: an entry whose reader chose "e-mail at once" is sent as soon
as it exists; the entries of "daily digest" kinds go out together once a day, from the digest hour
of the reader's time zone (settings.notification_digest_hour).

Each entry is mailed at most once: the sender claims it (mail_status NULL or FAILED -> SENDING) in a
transaction of its own before it talks to the SMTP server and marks it SENT afterwards; a second
sender (the outbox message relayed again, the same task twice, two digest sweeps) finds nothing to
claim. A conversation that fails marks the claimed entries FAILED, and the next run claims them
again. A worker that dies between claim and mark leaves them SENDING: never sent twice (the server
may have taken the message), visible in the table instead.
"""

from __future__ import annotations

import html
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_, update
from sqlmodel import Session, select

from models import Delivery, Notification, NotificationDigest, NotificationMail, User
from models.settings import Settings, get_settings
from models.types import utcnow
from services.i18n import translate
from services.notifications import kinds
from services.platform import mail as platform_mail
from services.platform.formatting import format_datetime
from services.platform.mail import Mail, MailNotSent

# An entry older than this is no longer mailed at once (a stalled mail server does not flood a
# reader with last week's news when it comes back); the inbox still has it.
SEND_WITHIN = timedelta(days=2)


def _claim(session: Session, statement_where) -> list[int]:
    table = Notification.__table__
    claimed = session.execute(
        update(table)
        .where(
            *statement_where,
            or_(table.c.mail_status.is_(None), table.c.mail_status == NotificationMail.FAILED),
        )
        .values(mail_status=NotificationMail.SENDING)
        .returning(table.c.id)
    ).all()
    session.commit()
    return sorted(row[0] for row in claimed)


def _mark(session: Session, ids: list[int], status: str, now: datetime) -> None:
    session.execute(
        update(Notification.__table__)
        .where(Notification.__table__.c.id.in_(ids))
        .values(mail_status=status, mailed_at=now if status == NotificationMail.SENT else None)
    )
    session.commit()


def _line(entry: Notification, user: User, settings: Settings) -> tuple[str, str]:
    """One entry as a text line and an HTML item, with its absolute link."""
    params = kinds.text_params(entry.params, user.language)
    text = translate(kinds.text_key(entry.kind, user.role, entry.params), user.language, **params)
    when = format_datetime(entry.created_at, user.time_zone or "UTC", user.language)
    url = f"{settings.public_base_url}{entry.link}" if entry.link else ""
    plain = f"- {text} ({when})" + (f"\n  {url}" if url else "")
    item = f"<li>{html.escape(text)} <small>({html.escape(when)})</small>"
    if url:
        label = html.escape(translate("notification.open", user.language))
        item += f' <a href="{html.escape(url, quote=True)}">{label}</a>'
    return plain, item + "</li>"


def compose(entries: list[Notification], user: User, settings: Settings, *, digest: bool) -> Mail:
    """The message telling `user` of `entries`, in the user's language."""
    language = user.language

    def t(key: str, **params: object) -> str:
        return translate(key, language, **params)

    lines = [_line(entry, user, settings) for entry in entries]
    inbox = f"{settings.public_base_url}/notifications"
    if digest:
        subject = t("notification.mail.digest_subject", count=len(entries))
        intro = t("notification.mail.digest_intro", count=len(entries))
    else:
        first = entries[0]
        params = kinds.text_params(first.params, language)
        subject = translate(kinds.text_key(first.kind, user.role, first.params), language, **params)
        intro = t("notification.mail.intro")
    footer = t("notification.mail.footer")
    text = "\n\n".join([intro, "\n".join(plain for plain, _ in lines), f"{footer}\n{inbox}"])
    body = "".join(item for _, item in lines)
    inbox_link = f'<a href="{html.escape(inbox, quote=True)}">{html.escape(inbox)}</a>'
    closing = f"<p><small>{html.escape(footer)} {inbox_link}</small></p>"
    page = f"<p>{html.escape(intro)}</p><ul>{body}</ul>{closing}"
    return Mail(
        to=user.email,
        subject=f"[{t('app.name')}] {subject}",
        text=text,
        html=page,
        language=language,
        sender=settings.notification_sender,
    )


def _deliver(
    session: Session, ids: list[int], user: User, settings: Settings, *, digest: bool, now: datetime
) -> None:
    entries = list(
        session.exec(select(Notification).where(Notification.id.in_(ids)).order_by(Notification.id))
    )
    try:
        platform_mail.send(
            platform_mail.build_message(compose(entries, user, settings, digest=digest), settings), settings
        )
    except MailNotSent:
        _mark(session, ids, NotificationMail.FAILED, now)
        raise
    _mark(session, ids, NotificationMail.SENT, now)


def send_immediate(session: Session, *, now: datetime | None = None, settings: Settings | None = None) -> int:
    """Send every entry waiting for an e-mail at once (one message per entry); returns how many
    were sent. Raises MailNotSent after marking the entry that failed (the others stay waiting)."""
    settings = settings or get_settings()
    now = now or utcnow()
    table = Notification.__table__
    waiting = session.exec(
        select(Notification.id)
        .where(
            Notification.delivery == Delivery.EMAIL,
            or_(Notification.mail_status.is_(None), Notification.mail_status == NotificationMail.FAILED),
            Notification.created_at >= now - SEND_WITHIN,
        )
        .order_by(Notification.id)
    ).all()
    sent = 0
    for entry_id in waiting:
        if not _claim(session, [table.c.id == entry_id]):
            continue  # another sender took it
        entry = session.get(Notification, entry_id)
        user = session.get(User, entry.user_id)
        if user is None or not user.is_active:
            _mark(session, [entry_id], NotificationMail.SENT, now)
            continue
        _deliver(session, [entry_id], user, settings, digest=False, now=now)
        sent += 1
    return sent


def digest_due(user: User, last_sent: datetime | None, now: datetime, hour: int) -> bool:
    """True when today's digest of `user` is due: it is past the digest hour in the user's zone and
    the last digest went out before today's digest hour."""
    zone = ZoneInfo(user.time_zone or "UTC")
    local = now.astimezone(zone)
    today_at = local.replace(hour=hour, minute=0, second=0, microsecond=0)
    if local < today_at:
        return False
    return last_sent is None or last_sent.astimezone(zone) < today_at


def send_digests(session: Session, *, now: datetime | None = None, settings: Settings | None = None) -> int:
    """Send each user whose digest is due one message with their waiting digest entries; returns
    how many digests were sent. A user with nothing waiting gets no message."""
    settings = settings or get_settings()
    now = now or utcnow()
    table = Notification.__table__
    user_ids = session.exec(
        select(Notification.user_id)
        .where(
            Notification.delivery == Delivery.DIGEST,
            or_(Notification.mail_status.is_(None), Notification.mail_status == NotificationMail.FAILED),
        )
        .distinct()
        .order_by(Notification.user_id)
    ).all()
    sent = 0
    for user_id in user_ids:
        user = session.get(User, user_id)
        if user is None or not user.is_active:
            continue
        record = session.get(NotificationDigest, user_id)
        if not digest_due(user, record.sent_at if record else None, now, settings.notification_digest_hour):
            continue
        ids = _claim(session, [table.c.user_id == user_id, table.c.delivery == Delivery.DIGEST])
        if not ids:
            continue
        _deliver(session, ids, user, settings, digest=True, now=now)
        record = session.get(NotificationDigest, user_id) or NotificationDigest(user_id=user_id, sent_at=now)
        record.sent_at = now
        session.add(record)
        session.commit()
        sent += 1
    return sent
