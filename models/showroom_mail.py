"""The sent-mail ledger of test drives: one row per (drive, kind, version) ever sent or being sent.

The unique constraint is what makes a redelivered outbox message or a second reminder sweep send
nothing twice: the sender claims the row (INSERT) in its own transaction before it talks to the
SMTP server and marks it sent afterwards (services/showroom/mail.py explains the crash window).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Column, ForeignKey, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime, utcnow


class MailKind(StrEnum):
    BOOKED = "booked"
    RESCHEDULED = "rescheduled"
    CANCELLED = "cancelled"
    REMINDER = "reminder"


class MailStatus(StrEnum):
    SENDING = "sending"  # claimed; the SMTP conversation is under way (or died in it)
    SENT = "sent"
    FAILED = "failed"  # the SMTP server refused or could not be reached: a retry claims it again
    SUPERSEDED = "superseded"  # a newer version of the drive exists; its own message says it


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


class TestDriveMail(SQLModel, table=True):
    __test__ = False
    __tablename__ = "test_drive_mail"
    __table_args__ = (
        UniqueConstraint("test_drive_id", "kind", "version", name="uq_test_drive_mail"),
        CheckConstraint(_in("kind", MailKind), name="ck_test_drive_mail_kind"),
        CheckConstraint(_in("status", MailStatus), name="ck_test_drive_mail_status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    test_drive_id: int = Field(
        sa_column=Column(Integer, ForeignKey("test_drive.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    kind: str = Field(max_length=20)
    version: int
    status: str = Field(default=MailStatus.SENDING, max_length=20)
    recipient: str = Field(default="", max_length=254)
    message_id: str = Field(default="", max_length=200)
    attempts: int = 1
    error: str = Field(default="", max_length=1000)
    claimed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
