"""Logistics: the legs of a shipment's journey, the events seen on them, and the carrier payloads
that could not be read (the dead letters). The shipment itself is `models.orders.Shipment`.

Statuses are one normalised set, finer than DHL's five (pre-transit, transit, delivered, failure,
unknown) and close to karrio's and AfterShip's; every event keeps the carrier's raw code and text
beside its normalised status.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime, utcnow


class TrackingStatus(StrEnum):
    PENDING = "pending"
    INFO_RECEIVED = "info_received"
    IN_TRANSIT = "in_transit"
    AT_HUB = "at_hub"
    OUT_FOR_DELIVERY = "out_for_delivery"
    DELIVERY_FAILED = "delivery_failed"
    EXCEPTION = "exception"
    DELIVERED = "delivered"
    HANDED_OVER = "handed_over"
    RETURNED = "returned"
    UNKNOWN = "unknown"


class ExceptionReason(StrEnum):
    DAMAGE = "damage"
    CUSTOMS_HOLD = "customs_hold"
    DELAY = "delay"
    ADDRESS_PROBLEM = "address_problem"


class LegMode(StrEnum):
    TRUCK = "truck"
    RAIL = "rail"
    SEA = "sea"


class EventSource(StrEnum):
    CARRIER_POLL = "carrier_poll"
    WEBHOOK = "webhook"
    OEM = "oem"
    DEALER = "dealer"


def _in(column: str, values: type[StrEnum], *, nullable: bool = False) -> str:
    check = f"{column} IN ({', '.join(repr(v.value) for v in values)})"
    return f"({column} IS NULL OR {check})" if nullable else check


def _fk(target: str, ondelete: str, *, nullable: bool = False, index: bool = False) -> Column:
    return Column(Integer, ForeignKey(target, ondelete=ondelete), nullable=nullable, index=index)


class ShipmentLeg(SQLModel, table=True):
    """One leg of the journey (truck to the port, sea, rail, truck to the store), in order.

    `lane` ("CN-SHA>DE-HAM/sea") groups legs whose observed durations teach the ETA
    (services/logistics/eta.py); `planned_hours` is the plan when a lane has no history.
    """

    __tablename__ = "shipment_leg"
    __table_args__ = (
        UniqueConstraint("shipment_id", "sequence", name="uq_shipment_leg_sequence"),
        CheckConstraint(_in("mode", LegMode), name="ck_shipment_leg_mode"),
        CheckConstraint("planned_hours > 0", name="ck_shipment_leg_planned"),
        CheckConstraint("sequence >= 1", name="ck_shipment_leg_sequence"),
        Index("ix_shipment_leg_lane_arrived", "lane", "arrived_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    shipment_id: int = Field(sa_column=_fk("shipment.id", "CASCADE", index=True))
    sequence: int
    mode: str = Field(max_length=10)
    carrier: str = Field(max_length=40)
    tracking_number: str = Field(max_length=80, index=True)
    origin: str = Field(max_length=80, description="e.g. CN-SHA (country and place code)")
    destination: str = Field(max_length=80)
    lane: str = Field(max_length=200)
    planned_hours: float
    departed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    arrived_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ShipmentEvent(SQLModel, table=True):
    """One thing seen happening to a shipment, from a carrier, the OEM or the dealer.

    `dedupe_key` is a hash of (shipment, source family, raw code, occurred_at, location): the
    same event polled twice, or polled and pushed, is stored once.
    """

    __tablename__ = "shipment_event"
    __table_args__ = (
        UniqueConstraint("dedupe_key", name="uq_shipment_event_dedupe"),
        CheckConstraint(_in("status", TrackingStatus), name="ck_shipment_event_status"),
        CheckConstraint(
            _in("exception_reason", ExceptionReason, nullable=True), name="ck_shipment_event_reason"
        ),
        CheckConstraint(_in("source", EventSource), name="ck_shipment_event_source"),
        CheckConstraint("latitude IS NULL OR (latitude BETWEEN -90 AND 90)", name="ck_shipment_event_lat"),
        CheckConstraint(
            "longitude IS NULL OR (longitude BETWEEN -180 AND 180)", name="ck_shipment_event_lon"
        ),
        Index("ix_shipment_event_timeline", "shipment_id", "occurred_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    shipment_id: int = Field(sa_column=_fk("shipment.id", "CASCADE"))
    leg_id: int | None = Field(default=None, sa_column=_fk("shipment_leg.id", "SET NULL", nullable=True))
    status: str = Field(max_length=20)
    exception_reason: str | None = Field(default=None, max_length=20)
    carrier: str = Field(max_length=40)
    raw_code: str = Field(max_length=80)
    raw_text: str = Field(default="", max_length=500)
    occurred_at: datetime = Field(sa_type=UTCDateTime)
    received_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    country: str | None = Field(default=None, max_length=2)
    postcode: str | None = Field(default=None, max_length=20)
    locality: str | None = Field(default=None, max_length=100)
    latitude: float | None = None
    longitude: float | None = None
    source: str = Field(max_length=20)
    dedupe_key: str = Field(max_length=64)


class DeadLetter(SQLModel, table=True):
    """A carrier payload the ingest could not read, kept whole with the reason, until an admin
    replays it (`replayed_at` set when the replay stored it)."""

    __tablename__ = "dead_letter"
    __table_args__ = (Index("ix_dead_letter_open", "replayed_at", "received_at"),)

    id: int | None = Field(default=None, primary_key=True)
    carrier: str = Field(max_length=40)
    source: str = Field(max_length=20)
    payload: str = Field(sa_column=Column(Text, nullable=False), description="as received (JSON text)")
    error: str = Field(max_length=500)
    field: str | None = Field(default=None, max_length=200)
    received_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    replayed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    replay_error: str | None = Field(default=None, max_length=500)


class CarrierPollState(SQLModel, table=True):
    """Per carrier: when it may next be polled, and how many polls failed in a row (the backoff)."""

    __tablename__ = "carrier_poll_state"

    carrier: str = Field(primary_key=True, max_length=40)
    next_poll_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    failures: int = 0
    last_error: str | None = Field(default=None, max_length=500)
    last_success_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ShipmentAcknowledgement(SQLModel, table=True):
    """A manager taking on a shipment of the exceptions queue, with a note (kept, never edited:
    the queue shows the latest, the rows are the trail)."""

    __tablename__ = "shipment_acknowledgement"
    __table_args__ = (Index("ix_shipment_acknowledgement_shipment", "shipment_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    shipment_id: int = Field(sa_column=_fk("shipment.id", "CASCADE"))
    user_id: int = Field(sa_column=_fk("user_account.id", "CASCADE"))
    note: str = Field(max_length=500)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
