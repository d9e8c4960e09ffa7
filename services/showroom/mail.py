"""The visitor's test-drive e-mails: the confirmation, a reschedule, a cancel and the reminder a day
before, each in the drive's language with its calendar invite (services/showroom/invites.py) and,
while there is something to manage, the private manage link.

`send_drive_mail` sends one (drive, kind, version) at most once, whoever asks how often: it claims
the ledger row (`test_drive_mail`, unique per drive, kind and version) in a transaction of its
own before it talks to the SMTP server, and marks it sent afterwards. A second caller (an outbox
message relayed again, the same task twice, a second reminder sweep) finds the row and does
nothing. A failed conversation marks the row FAILED with the error, and the next try (the task's
retry) claims it again.

The crash window: a worker that dies after claiming and before marking leaves the row SENDING.
It is never claimed again (at most once: the server may have accepted the message), so a
person sees it in the ledger rather than the visitor getting the message twice.

A booked or rescheduled message for a version the drive has left behind is not sent (SUPERSEDED):
the newer version's message says what holds now (the outbox hands them over in order, and a
relay that falls behind should not send a confirmation of a time that was already changed).
"""

from __future__ import annotations

import html
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from models import Location, Trim
from models.settings import Settings, get_settings
from models.showroom import TestDrive, TestDriveStatus
from models.showroom_mail import MailKind, MailStatus, TestDriveMail
from models.types import column_length, utcnow
from services.i18n import translate
from services.platform import mail as platform_mail
from services.platform.formatting import locale_for
from services.platform.mail import Attachment, Mail, MailNotSent
from services.showroom import invites, manage_links
from services.showroom.stores import store_rules

# What send_drive_mail did.
SENT = "sent"
DUPLICATE = "duplicate"  # already sent, or being sent, by someone else
SUPERSEDED = "superseded"  # the drive moved on (a newer version, cancelled, already started)
GONE = "gone"  # the drive no longer exists

REMINDER_AHEAD = timedelta(hours=24)
_WHEN = {"en": "EEE d MMM y, HH:mm", "zh": "y年M月d日 EEE HH:mm"}
_ERROR_LENGTH = column_length(TestDriveMail, "error")


def message_id(drive_id: int, kind: str, version: int, settings: Settings | None = None) -> str:
    """The Message-ID of one (drive, kind, version): the same on every try of it."""
    return f"<test-drive-{drive_id}-{kind}-{version}@{platform_mail.sender_domain(settings)}>"


def _when(moment: datetime, zone: ZoneInfo, language: str) -> str:
    local = format_datetime(
        moment, _WHEN.get(language, _WHEN["en"]), tzinfo=zone, locale=locale_for(language)
    )
    return f"{local} ({zone.key})"


def compose(session: Session, drive: TestDrive, kind: str, settings: Settings | None = None) -> Mail:
    """The message of `kind` for `drive` as it is now: subject, text and HTML in the drive's
    language, the manage link (not for a cancelled drive), the invite attached."""
    settings = settings or get_settings()
    kind = MailKind(kind)
    language = drive.language
    rules = store_rules(session, drive.location_id)
    store = session.get(Location, drive.location_id)
    trim = session.get(Trim, drive.trim_id)
    cancelled = kind == MailKind.CANCELLED
    manage = (
        ""
        if cancelled
        else manage_links.manage_url(manage_links.manage_token(drive.id, drive.version, drive.starts_at))
    )
    details = invites.details_for(session, drive, manage_url=manage)
    when = _when(drive.starts_at, rules.zone, language)
    names = {"trim": trim.name, "store": store.name, "when": when}

    def t(key: str, **params: object) -> str:
        return translate(key, language, **params)

    paragraphs = [t(f"drive_mail.{kind}.body", **names)]
    if not cancelled:
        paragraphs.append(t("drive_mail.where", store=store.name, address=details.store_address))
        paragraphs.append(t("drive_mail.bring_licence"))
    paragraphs.append(t("drive_mail.add_to_calendar"))
    until = _when(drive.starts_at - timedelta(hours=rules.cutoff_hours), rules.zone, language)
    greeting, signature = (
        t("drive_mail.greeting", name=drive.visitor_name),
        t("drive_mail.signature", store=store.name),
    )
    text_parts = [greeting, *paragraphs]
    html_parts = [f"<p>{html.escape(part)}</p>" for part in (greeting, *paragraphs)]
    if manage:
        text_parts.append(f"{t('drive_mail.manage', until=until)}\n{manage}")
        html_parts.append(
            f"<p>{html.escape(t('drive_mail.manage', until=until))}<br>"
            f'<a href="{html.escape(manage)}">{html.escape(t("drive_mail.manage_link"))}</a></p>'
        )
    text_parts.append(signature)
    html_parts.append(f"<p>{html.escape(signature)}</p>")
    return Mail(
        to=drive.visitor_email,
        subject=t(f"drive_mail.{kind}.subject", **names),
        text="\n\n".join(text_parts) + "\n",
        html=f'<!DOCTYPE html><html lang="{language}"><body>{"".join(html_parts)}</body></html>',
        language=language,
        message_id=message_id(drive.id, kind, drive.version, settings),
        attachments=(
            Attachment("invite.ics", invites.content_type(details), invites.invite_bytes(details, settings)),
        ),
    )


def _superseded(drive: TestDrive, kind: MailKind, version: int, now: datetime) -> bool:
    if drive.version != version:
        return True
    if kind == MailKind.CANCELLED:
        return drive.status != TestDriveStatus.CANCELLED
    if kind == MailKind.REMINDER:
        return drive.status != TestDriveStatus.BOOKED or drive.starts_at <= now
    return drive.status == TestDriveStatus.CANCELLED


def _insert(session: Session, row: TestDriveMail) -> bool:
    """Insert the ledger row in a savepoint; False when (drive, kind, version) already has one."""
    try:
        with session.begin_nested():
            session.add(row)
        return True
    except IntegrityError:
        return False


def _claim(
    session: Session, drive: TestDrive, kind: MailKind, version: int, now: datetime, settings: Settings
):
    """The id of the ledger row this caller may send, or None when another caller has (or had) it."""
    row = TestDriveMail(
        test_drive_id=drive.id,
        kind=kind,
        version=version,
        status=MailStatus.SENDING,
        recipient=drive.visitor_email,
        message_id=message_id(drive.id, kind, version, settings),
        claimed_at=now,
    )
    if _insert(session, row):
        return row.id
    table = TestDriveMail.__table__
    claimed = (
        session.connection()
        .execute(
            update(table)
            .where(
                table.c.test_drive_id == drive.id,
                table.c.kind == kind,
                table.c.version == version,
                table.c.status == MailStatus.FAILED,
            )
            .values(status=MailStatus.SENDING, attempts=table.c.attempts + 1, claimed_at=now, error="")
            .returning(table.c.id)
        )
        .first()
    )
    return claimed[0] if claimed else None


def _mark(session: Session, row_id: int, **values: object) -> None:
    table = TestDriveMail.__table__
    session.connection().execute(update(table).where(table.c.id == row_id).values(**values))
    session.commit()


def send_drive_mail(
    session: Session,
    drive_id: int,
    kind: str,
    version: int,
    *,
    settings: Settings | None = None,
    now: datetime | None = None,
) -> str:
    """Send the `kind` message of drive `drive_id` at `version` unless it was sent (or is being
    sent) already. Returns SENT, DUPLICATE, SUPERSEDED or GONE; raises MailNotSent (the row is
    FAILED, so a retry may claim it) when the SMTP server could not take it. Commits."""
    settings = settings or get_settings()
    now = now or utcnow()
    kind = MailKind(kind)
    try:
        drive = session.get(TestDrive, drive_id)
        if drive is None:
            session.commit()
            return GONE
        if _superseded(drive, kind, version, now):
            _insert(
                session,
                TestDriveMail(
                    test_drive_id=drive.id,
                    kind=kind,
                    version=version,
                    status=MailStatus.SUPERSEDED,
                    recipient=drive.visitor_email,
                    claimed_at=now,
                ),
            )
            session.commit()
            return SUPERSEDED
        row_id = _claim(session, drive, kind, version, now, settings)
        if row_id is None:
            session.commit()
            return DUPLICATE
        message = platform_mail.build_message(compose(session, drive, kind, settings), settings)
        session.commit()  # the claim is visible to every other caller before the SMTP conversation
    except BaseException:
        session.rollback()
        raise
    try:
        platform_mail.send(message, settings)
    except MailNotSent as error:
        _mark(session, row_id, status=MailStatus.FAILED, error=str(error)[:_ERROR_LENGTH])
        raise
    _mark(session, row_id, status=MailStatus.SENT, sent_at=utcnow())
    return SENT


def due_reminders(session: Session, now: datetime | None = None) -> list[tuple[int, int]]:
    """(drive id, version) of every booked drive starting within the next 24 hours that has no
    reminder at its version yet. A drive booked (or moved) when it was already less than 24 hours
    away gets none: its confirmation has just said it all."""
    now = now or utcnow()
    reminded = select(TestDriveMail.id).where(
        TestDriveMail.test_drive_id == TestDrive.id,
        TestDriveMail.kind == MailKind.REMINDER,
        TestDriveMail.version == TestDrive.version,
    )
    rows = session.exec(
        select(TestDrive.id, TestDrive.version, TestDrive.starts_at, TestDrive.updated_at)
        .where(
            TestDrive.status == TestDriveStatus.BOOKED,
            TestDrive.starts_at > now,
            TestDrive.starts_at <= now + REMINDER_AHEAD,
            ~reminded.exists(),
        )
        .order_by(TestDrive.starts_at, TestDrive.id)
    ).all()
    session.commit()
    return [
        (drive_id, version)
        for drive_id, version, starts_at, updated_at in rows
        if updated_at <= starts_at - REMINDER_AHEAD
    ]
