"""The notification centre: one row per entry in one user's inbox, and each user's choice of how
each kind reaches them (services/notifications/ explains who gets what).

An entry holds a message key and its arguments, never a sentence: the bell and the inbox render it
in the reader's language when they show it. `dedupe_key` names the event an entry is about, so an
event delivered twice (an outbox message relayed again) is one entry (`uq_notification_event`).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, Index, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime, utcnow


class NotificationKind(StrEnum):
    PURCHASE_ORDER_ISSUED = "purchase_order.issued"  # a supplier's new purchase order
    INCIDENT_OPENED = "incident.opened"  # a quality incident against a supplier
    PURCHASE_ORDER_ACKNOWLEDGED = "purchase_order.acknowledged"  # the supplier confirmed lines
    PURCHASE_ORDER_PROPOSED = "purchase_order.proposed"  # the supplier counter-proposed a line
    INCIDENT_ANSWERED = "incident.answered"  # the supplier acknowledged, analysed or resolved
    SHIPMENT_LATE = "shipment.late"  # a shipment's promise to the customer is at risk
    ORDER_PAID = "order.paid"  # a dealer's or customer's order is paid
    ORDER_ALLOCATED = "order.allocated"  # ... and allocated: stock committed, shipment created


class Delivery(StrEnum):
    IN_APP = "in_app"  # the bell and the inbox only
    EMAIL = "email"  # also an e-mail at once
    DIGEST = "digest"  # also in the daily e-mail digest


class NotificationMail(StrEnum):
    """Where an entry's e-mail is (the ledger of services/notifications/mail.py)."""

    SENDING = "sending"  # claimed; the SMTP conversation is under way (or died in it)
    SENT = "sent"
    FAILED = "failed"  # the server refused or could not be reached: the next try claims it again


def _in(column: str, values: type[StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


class Notification(SQLModel, table=True):
    __tablename__ = "notification"
    __table_args__ = (
        UniqueConstraint("user_id", "dedupe_key", name="uq_notification_event"),
        CheckConstraint(_in("kind", NotificationKind), name="ck_notification_kind"),
        CheckConstraint(_in("delivery", Delivery), name="ck_notification_delivery"),
        CheckConstraint(
            f"mail_status IS NULL OR {_in('mail_status', NotificationMail)}", name="ck_notification_mail"
        ),
        # The bell: a user's newest entries and their unread count.
        Index("ix_notification_user_id", "user_id", "id"),
        Index("ix_notification_user_unread", "user_id", "read_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(
        sa_column=Column(Integer, ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False)
    )
    kind: str = Field(max_length=40)
    params: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    link: str = Field(default="", max_length=300)
    dedupe_key: str = Field(max_length=160)
    # The recipient's choice for this kind when the entry was made.
    delivery: str = Field(default=Delivery.IN_APP, max_length=10)
    mail_status: str | None = Field(default=None, max_length=10)
    mailed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    read_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class NotificationPreference(SQLModel, table=True):
    """How one kind reaches one user; a kind without a row is in-app only."""

    __tablename__ = "notification_preference"
    __table_args__ = (CheckConstraint(_in("delivery", Delivery), name="ck_notification_preference_delivery"),)

    user_id: int = Field(
        sa_column=Column(Integer, ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    )
    kind: str = Field(primary_key=True, max_length=40)
    delivery: str = Field(default=Delivery.IN_APP, max_length=10)


class NotificationDigest(SQLModel, table=True):
    """When each user's last daily digest went out (one a day, in the user's time zone)."""

    __tablename__ = "notification_digest"

    user_id: int = Field(
        sa_column=Column(Integer, ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    )
    sent_at: datetime = Field(sa_type=UTCDateTime)
