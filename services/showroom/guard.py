"""The database's guarantee against double booking, seen from the services (models/showroom.py).

On PostgreSQL the exclusion constraints need nothing from us but to recognise their violation.
On SQLite every drive and hold owns one `test_drive_slot` row per car and per salesperson per slot
it touches (the grid of the store's `slot_minutes`, counted from the Unix epoch), so two
overlapping ranges share a row and the second insert fails on the unique key.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, insert
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session

from models.showroom import SlotResource, TestDrive, TestDriveHold, TestDriveSlot

SLOT = TestDriveSlot.__table__
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# The constraints whose violation means "that car or salesperson is taken then".
TAKEN_CONSTRAINTS = (
    "ex_test_drive_car",
    "ex_test_drive_salesperson",
    "ex_test_drive_hold_car",
    "ex_test_drive_hold_salesperson",
    "uq_test_drive_slot",
)
_SQLITE_SLOT_MESSAGE = "test_drive_slot.resource"


def uses_slot_rows(session: Session) -> bool:
    return session.get_bind().dialect.name != "postgresql"


def slot_starts(starts_at: datetime, ends_at: datetime, slot_minutes: int) -> list[datetime]:
    """The grid slots [starts_at, ends_at) touches."""
    step = timedelta(minutes=slot_minutes)
    first = _EPOCH + ((starts_at - _EPOCH) // step) * step
    slots = []
    while first < ends_at:
        slots.append(first)
        first += step
    return slots


def occupy(
    session: Session,
    *,
    car_id: int,
    salesperson_id: int,
    starts_at: datetime,
    ends_at: datetime,
    slot_minutes: int,
    test_drive_id: int | None = None,
    hold_id: int | None = None,
) -> None:
    """On SQLite: write the slot rows of a drive or hold (raises IntegrityError when taken)."""
    if not uses_slot_rows(session):
        return
    rows = [
        {
            "resource": resource,
            "resource_id": resource_id,
            "slot_start": slot,
            "test_drive_id": test_drive_id,
            "hold_id": hold_id,
        }
        for resource, resource_id in (
            (SlotResource.CAR.value, car_id),
            (SlotResource.SALESPERSON.value, salesperson_id),
        )
        for slot in slot_starts(starts_at, ends_at, slot_minutes)
    ]
    session.connection().execute(insert(SLOT), rows)


def release(session: Session, *, test_drive_id: int) -> None:
    """On SQLite: free a drive's slot rows (it was cancelled, completed, moved or rescheduled)."""
    if uses_slot_rows(session):
        session.connection().execute(delete(SLOT).where(SLOT.c.test_drive_id == test_drive_id))


def is_taken(error: IntegrityError) -> bool:
    """Whether `error` is one of the double-booking guarantees saying no."""
    diag = getattr(error.orig, "diag", None)
    name = getattr(diag, "constraint_name", None)
    if name is not None:
        return name in TAKEN_CONSTRAINTS
    return _SQLITE_SLOT_MESSAGE in str(error.orig)


CAR = "car"
SALESPERSON = "salesperson"
_RESOURCE_OF = {
    "ex_test_drive_car": CAR,
    "ex_test_drive_hold_car": CAR,
    "ex_test_drive_salesperson": SALESPERSON,
    "ex_test_drive_hold_salesperson": SALESPERSON,
}


def taken_resource(error: Exception) -> str | None:
    """Which resource a refusal says is taken (CAR, SALESPERSON), None when it does not say."""
    name = getattr(getattr(getattr(error, "orig", None), "diag", None), "constraint_name", None)
    return _RESOURCE_OF.get(name)


# PostgreSQL's "deadlock detected": two claims checking each other's rows under the car's and the
# salesperson's exclusion constraints in opposite order. One of them wins; the other's slot is taken.
_DEADLOCK = "40P01"


def _lost_a_race(error: OperationalError) -> bool:
    return getattr(getattr(error.orig, "diag", None), "sqlstate", None) == _DEADLOCK


def claim(
    session: Session,
    row: TestDrive | TestDriveHold,
    *,
    slot_minutes: int,
    changes: dict | None = None,
    refused: list[str | None] | None = None,
) -> bool:
    """Write `row` (a new drive or hold, or a drive with `changes` to its attributes) and, on
    SQLite, its slot rows, in a savepoint (the changes are made inside it: `begin_nested` flushes
    what is pending first, outside the savepoint). False when the guarantee refused it (the
    savepoint is rolled back, the row's changes expired), also when PostgreSQL broke a deadlock
    between two overlapping claims by failing this one; any other error propagates. On a refusal,
    `refused` (when given) gets which resource was taken: CAR, SALESPERSON or None (not known:
    a deadlock, or SQLite's shared slot key)."""
    is_hold = isinstance(row, TestDriveHold)
    try:
        with session.begin_nested():
            for name, value in (changes or {}).items():
                setattr(row, name, value)
            if not is_hold and row.id is not None:
                release(session, test_drive_id=row.id)
            session.add(row)
            session.flush()
            occupy(
                session,
                car_id=row.car_id,
                salesperson_id=row.salesperson_id,
                starts_at=row.starts_at,
                ends_at=row.ends_at,
                slot_minutes=slot_minutes,
                **({"hold_id": row.id} if is_hold else {"test_drive_id": row.id}),
            )
    except (IntegrityError, OperationalError) as error:
        if row in session and row.id is not None:
            session.expire(row)
        said_no = is_taken(error) if isinstance(error, IntegrityError) else _lost_a_race(error)
        if not said_no:
            raise
        if refused is not None:
            refused.append(taken_resource(error))
        return False
    return True
