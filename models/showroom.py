"""The O2O showroom's test drives: store settings, demo cars, salespeople, holds and bookings.

A dealer store is a `location` row of kind "store" (coordinates, time zone and weekly opening hours
live there); `showroom_store` adds what test drives need. No two active drives may share a car or
a salesperson at overlapping times, buffers included, and no two holds may: the database
guarantees it, not the application.

- PostgreSQL: exclusion constraints (`btree_gist`) over `tstzrange(starts_at, ends_at)` per car and
  per salesperson, on `test_drive` for the active statuses and on `test_drive_hold` (migration
  0008_showroom; SQLModel cannot declare them, so they exist only through the migration).
- SQLite: one `test_drive_slot` row per car and per salesperson per slot (the store's
  `slot_minutes`) that a drive or a hold covers, unique per (resource, resource id, slot start).
  There a hold and a drive also exclude each other; on PostgreSQL the booking service checks live
  holds before it books.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, Index, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime, utcnow


class TestDriveStatus(StrEnum):
    """Where a drive is; the legal moves are in services/showroom/states.py."""

    __test__ = False  # not a pytest class

    BOOKED = "booked"
    CHECKED_IN = "checked_in"
    COMPLETED = "completed"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"


# The statuses that occupy a car and a salesperson (the exclusion constraints' WHERE).
ACTIVE_STATUSES = (TestDriveStatus.BOOKED, TestDriveStatus.CHECKED_IN)


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


def _fk(target: str, ondelete: str, *, nullable: bool = False, index: bool = True) -> Column:
    return Column(Integer, ForeignKey(target, ondelete=ondelete), nullable=nullable, index=index)


class ShowroomStore(SQLModel, table=True):
    """A dealer store's test-drive settings; opening hours, zone and coordinates are its location's."""

    __tablename__ = "showroom_store"
    __table_args__ = (
        CheckConstraint("slot_minutes IN (5, 10, 15, 20, 30, 60)", name="ck_showroom_store_slot"),
        CheckConstraint("drive_minutes > 0 AND buffer_minutes >= 0", name="ck_showroom_store_minutes"),
        CheckConstraint("min_energy_percent BETWEEN 0 AND 100", name="ck_showroom_store_energy"),
        CheckConstraint("cutoff_hours >= 0", name="ck_showroom_store_cutoff"),
    )

    location_id: int = Field(
        sa_column=Column(Integer, ForeignKey("location.id", ondelete="CASCADE"), primary_key=True)
    )
    slot_minutes: int = 30
    drive_minutes: int = Field(default=60, description="when the trim has no length of its own")
    drive_minutes_by_trim: dict = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False), description='{"<trim code>": minutes}'
    )
    buffer_minutes: int = Field(default=30, description="cleaning and charging after each drive")
    min_energy_percent: int = Field(default=40, description="charge or fuel a car needs to be offered")
    cutoff_hours: int = Field(default=2, description="the visitor may reschedule or cancel until then")
    closures: list = Field(
        default_factory=list,
        sa_column=Column(JSON, nullable=False),
        description='holidays and closures: [{"date": "2026-12-25", "reason": "..."}]',
    )


class DemoCar(SQLModel, table=True):
    """A car of the store's fleet that visitors may drive."""

    __tablename__ = "demo_car"
    __table_args__ = (
        CheckConstraint("odometer_km >= 0", name="ck_demo_car_odometer"),
        CheckConstraint("energy_percent BETWEEN 0 AND 100", name="ck_demo_car_energy"),
    )

    id: int | None = Field(default=None, primary_key=True)
    location_id: int = Field(sa_column=_fk("location.id", "CASCADE"))
    trim_id: int = Field(sa_column=_fk("trim.id", "RESTRICT"))
    vin: str = Field(max_length=17, unique=True)
    plate: str = Field(max_length=20)
    plate_valid_until: date
    insurance_valid_until: date
    odometer_km: int = 0
    energy_percent: int = Field(default=100, description="charge (electric) or fuel level, percent")
    active: bool = True


class Salesperson(SQLModel, table=True):
    __tablename__ = "salesperson"

    id: int | None = Field(default=None, primary_key=True)
    location_id: int = Field(sa_column=_fk("location.id", "CASCADE"))
    full_name: str = Field(max_length=200)
    working_hours: dict = Field(
        default_factory=dict,
        sa_column=Column(JSON, nullable=False),
        description='as opening hours: {"mon": ["09:00", "18:00"], ...}',
    )
    active: bool = True


class TestDriveHold(SQLModel, table=True):
    """A slot held for one visitor while the form is filled; dead once `expires_at` has passed
    (the next hold or booking on that car or salesperson deletes it)."""

    __test__ = False
    __tablename__ = "test_drive_hold"

    id: int | None = Field(default=None, primary_key=True)
    location_id: int = Field(sa_column=_fk("location.id", "CASCADE"))
    trim_id: int = Field(sa_column=_fk("trim.id", "RESTRICT", index=False))
    car_id: int = Field(sa_column=_fk("demo_car.id", "CASCADE"))
    salesperson_id: int = Field(sa_column=_fk("salesperson.id", "CASCADE"))
    starts_at: datetime = Field(sa_type=UTCDateTime)
    ends_at: datetime = Field(sa_type=UTCDateTime, description="drive end plus the buffer")
    visitor_token_hash: str = Field(max_length=64, index=True)
    expires_at: datetime = Field(sa_type=UTCDateTime, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class TestDrive(SQLModel, table=True):
    """A booked drive: a car, a salesperson and a time range (`ends_at` includes the buffer)."""

    __test__ = False
    __tablename__ = "test_drive"
    __table_args__ = (
        CheckConstraint(_in("status", TestDriveStatus), name="ck_test_drive_status"),
        CheckConstraint("starts_at < drive_ends_at AND drive_ends_at <= ends_at", name="ck_test_drive_times"),
        CheckConstraint("version >= 1", name="ck_test_drive_version"),
        UniqueConstraint("idempotency_key", name="uq_test_drive_idempotency_key"),
        Index("ix_test_drive_location_starts", "location_id", "starts_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    location_id: int = Field(sa_column=_fk("location.id", "RESTRICT", index=False))
    trim_id: int = Field(sa_column=_fk("trim.id", "RESTRICT"))
    car_id: int = Field(sa_column=_fk("demo_car.id", "RESTRICT"))
    salesperson_id: int = Field(sa_column=_fk("salesperson.id", "RESTRICT"))
    starts_at: datetime = Field(sa_type=UTCDateTime)
    drive_ends_at: datetime = Field(sa_type=UTCDateTime)
    ends_at: datetime = Field(sa_type=UTCDateTime, description="drive end plus the buffer")
    status: str = Field(default=TestDriveStatus.BOOKED, max_length=20, index=True)
    version: int = Field(
        default=1, description="raised by every reschedule and cancel: older manage links stop working"
    )
    walk_in: bool = False
    visitor_name: str = Field(max_length=200)
    visitor_phone: str = Field(max_length=40)
    visitor_email: str = Field(max_length=254, index=True)
    language: str = Field(default="en", max_length=5, description="the visitor's: their e-mails are in it")
    licence_number: str = Field(max_length=40)
    licence_expires_on: date
    idempotency_key: str | None = Field(default=None, max_length=100)
    request_fingerprint: str | None = Field(default=None, max_length=64)
    licence_seen: bool = False
    checked_in_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    odometer_out_km: int | None = None
    energy_out_percent: int | None = None
    checked_out_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    odometer_in_km: int | None = None
    energy_in_percent: int | None = None
    notes: str = Field(default="", max_length=2000)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class SlotResource(StrEnum):
    CAR = "car"
    SALESPERSON = "salesperson"


class TestDriveSlot(SQLModel, table=True):
    """SQLite's guarantee (see the module's doc): one row per resource and slot a drive or hold covers."""

    __test__ = False
    __tablename__ = "test_drive_slot"
    __table_args__ = (
        UniqueConstraint("resource", "resource_id", "slot_start", name="uq_test_drive_slot"),
        CheckConstraint("(test_drive_id IS NULL) <> (hold_id IS NULL)", name="ck_test_drive_slot_owner"),
        CheckConstraint(_in("resource", SlotResource), name="ck_test_drive_slot_resource"),
    )

    id: int | None = Field(default=None, primary_key=True)
    resource: str = Field(max_length=12)
    resource_id: int
    slot_start: datetime = Field(sa_type=UTCDateTime)
    test_drive_id: int | None = Field(default=None, sa_column=_fk("test_drive.id", "CASCADE", nullable=True))
    hold_id: int | None = Field(default=None, sa_column=_fk("test_drive_hold.id", "CASCADE", nullable=True))


class TrimViewCount(SQLModel, table=True):
    """Trim page views per store, trim and day (the store's local day): a bare counter, no
    personal data. `location_id` 0 is "no dealer chosen" (a plain 0 row, not NULL, so the primary key
    and the upsert's conflict target stay simple on both databases); hence no foreign key."""

    __tablename__ = "trim_view_count"

    location_id: int = Field(primary_key=True, description="0: no dealer chosen")
    trim_id: int = Field(
        sa_column=Column(Integer, ForeignKey("trim.id", ondelete="CASCADE"), primary_key=True)
    )
    day: date = Field(primary_key=True)
    views: int = Field(default=0)
