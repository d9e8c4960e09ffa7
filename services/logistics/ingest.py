"""Carrier events in: one function for every way they arrive (poll, webhook, replay).

The payload is DHL-shaped (the Shipment Tracking - Unified API's answer): `{"shipments": [{"id":
tracking number, "events": [{"timestamp", "statusCode", "status", "description", "location":
{"address": {"countryCode", "postalCode", "addressLocality"}}}]}]}`, or one such shipment object.

Guarantees of `ingest_payload`:
- the same event twice (polled again, polled and pushed) is stored once (a unique dedupe key);
- events are ordered by their own timestamps, so arriving out of order changes nothing; a
  delivered or handed-over shipment never goes back (statuses.py `may_follow`);
- a payload that cannot be read (not JSON, too large, a missing field, a wrong type, a bad
  timestamp, an unknown tracking number) is kept whole in `dead_letter` with the reason and
  the field, and nothing of it is stored; a readable shipment beside it is;
- an unknown status code is stored as `unknown` (with its raw code) and logged, not dropped;
- every shipment that got a new event gets a "shipment.changed" outbox message in the same
  transaction (the ETA refresh and the live push read it).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select, text, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from models import (
    DeadLetter,
    EventSource,
    Shipment,
    ShipmentEvent,
    ShipmentLeg,
    TrackingStatus,
)
from models.types import utcnow
from services.identity.access import require_role
from services.identity.auth import Principal
from services.logistics.statuses import may_follow, normalise_dhl
from services.logistics.timestamps import TimestampInvalid, parse_timestamp
from services.platform import outbox
from services.platform.errors import NotFound, ValidationFailed

log = logging.getLogger(__name__)

SHIPMENT_CHANGED = "shipment.changed"
MAX_PAYLOAD_BYTES = 1024 * 1024
MAX_EVENTS_PER_SHIPMENT = 1000
NOT_JSON = "not JSON"
KEPT_PAYLOAD_BYTES = 64 * 1024  # of a payload too large to read, this much is kept
_TEXT_LIMITS = {"raw_code": 80, "raw_text": 500, "country": 2, "postcode": 20, "locality": 100}
_MOVING = frozenset(
    set(TrackingStatus) - {TrackingStatus.PENDING, TrackingStatus.INFO_RECEIVED, TrackingStatus.UNKNOWN}
)


class PayloadInvalid(ValueError):
    def __init__(self, reason: str, field: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.field = field


@dataclass(frozen=True)
class CarrierEvent:
    """One event as the carrier told it, before it is matched to a shipment."""

    tracking_number: str
    occurred_at: datetime
    raw_code: str
    raw_text: str
    status: str
    exception_reason: str | None
    country: str | None
    postcode: str | None
    locality: str | None
    latitude: float | None = None
    longitude: float | None = None


@dataclass
class IngestResult:
    stored: int = 0
    duplicates: int = 0
    unknown_statuses: int = 0
    shipment_ids: list[int] = field(default_factory=list)
    dead_letter_ids: list[int] = field(default_factory=list)
    error: str | None = None
    field: str | None = None


def _text(value: object, where: str, *, required: bool = True) -> str | None:
    if value is None or value == "":
        if required:
            raise PayloadInvalid("field missing", where)
        return None
    if not isinstance(value, str):
        raise PayloadInvalid("must be text", where)
    return value.strip()


def _number(value: object, where: str, low: float, high: float) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise PayloadInvalid(f"must be a number from {low} to {high}", where)
    return float(value)


def parse_shipments(document: object) -> list[tuple[str, list[CarrierEvent] | PayloadInvalid, object]]:
    """Each shipment of a DHL-shaped document: (where, its events or why they cannot be read,
    the shipment's own part of the document). Raises PayloadInvalid when the document itself
    has no shipments to read."""
    if isinstance(document, dict) and "shipments" in document:
        shipments = document["shipments"]
        if not isinstance(shipments, list) or not shipments:
            raise PayloadInvalid("must be a non-empty list", "shipments")
        entries = [(f"shipments[{index}]", entry) for index, entry in enumerate(shipments)]
    elif isinstance(document, dict):
        entries = [("", document)]
    else:
        raise PayloadInvalid("must be an object", "body")
    parsed = []
    for where, entry in entries:
        try:
            parsed.append((where, _events_of(entry, where), entry))
        except PayloadInvalid as problem:
            parsed.append((where, problem, entry))
    return parsed


def _events_of(entry: object, where: str) -> list[CarrierEvent]:
    prefix = f"{where}." if where else ""
    if not isinstance(entry, dict):
        raise PayloadInvalid("must be an object", where or "body")
    number = _text(entry.get("id", entry.get("trackingNumber")), f"{prefix}id")
    if len(number) > 80:
        raise PayloadInvalid("too long (80 at most)", f"{prefix}id")
    events = entry.get("events")
    if not isinstance(events, list):
        raise PayloadInvalid("must be a list" if events is not None else "field missing", f"{prefix}events")
    if len(events) > MAX_EVENTS_PER_SHIPMENT:
        raise PayloadInvalid(f"too many events ({MAX_EVENTS_PER_SHIPMENT} at most)", f"{prefix}events")
    parsed = []
    for index, event in enumerate(events):
        at = f"{prefix}events[{index}]"
        if not isinstance(event, dict):
            raise PayloadInvalid("must be an object", at)
        try:
            occurred_at = parse_timestamp(event.get("timestamp"))
        except TimestampInvalid as error:
            raise PayloadInvalid(str(error), f"{at}.timestamp") from None
        code = _text(event.get("statusCode"), f"{at}.statusCode")
        status_text = _text(event.get("status"), f"{at}.status", required=False) or ""
        description = _text(event.get("description"), f"{at}.description", required=False) or ""
        location = event.get("location") or {}
        if not isinstance(location, dict):
            raise PayloadInvalid("must be an object", f"{at}.location")
        address = location.get("address") or {}
        if not isinstance(address, dict):
            raise PayloadInvalid("must be an object", f"{at}.location.address")
        country = _text(address.get("countryCode"), f"{at}.location.address.countryCode", required=False)
        if country is not None and (len(country) != 2 or not country.isalpha()):
            raise PayloadInvalid("must be a two-letter country code", f"{at}.location.address.countryCode")
        postcode = _text(address.get("postalCode"), f"{at}.location.address.postalCode", required=False)
        locality = _text(
            address.get("addressLocality"), f"{at}.location.address.addressLocality", required=False
        )
        geo = location.get("geo") or {}
        if not isinstance(geo, dict):
            raise PayloadInvalid("must be an object", f"{at}.location.geo")
        status, reason = normalise_dhl(code, f"{status_text} {description}")
        raw_text = " - ".join(part for part in (status_text, description) if part)
        parsed.append(
            CarrierEvent(
                tracking_number=number,
                occurred_at=occurred_at,
                raw_code=code[:80],
                raw_text=raw_text[:500],
                status=status,
                exception_reason=reason,
                country=country and country.upper(),
                postcode=postcode and postcode[:20],
                locality=locality and locality[:100],
                latitude=_number(geo.get("latitude"), f"{at}.location.geo.latitude", -90, 90),
                longitude=_number(geo.get("longitude"), f"{at}.location.geo.longitude", -180, 180),
            )
        )
    return parsed


def dedupe_key(shipment_id: int, carrier: str, event: CarrierEvent) -> str:
    """The same happening, however it arrived (poll or webhook), has the same key."""
    parts = (
        str(shipment_id),
        carrier,
        event.raw_code,
        event.raw_text,
        event.occurred_at.isoformat(),
        event.country or "",
        event.postcode or "",
        event.locality or "",
    )
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def ingest_payload(
    session: Session, *, carrier: str, payload: bytes | str | dict | list, source: str = EventSource.WEBHOOK
) -> IngestResult:
    """Store the events of one carrier payload (see the module's doc for the guarantees); commits.

    Returns what happened: events stored and duplicates skipped, unknown statuses, the shipments
    that changed, and the dead letters written (with the first reason and field).
    """
    result = _ingest(session, carrier, payload, source, keep_letters=True)
    session.commit()
    return result


def _ingest(
    session: Session, carrier: str, payload: bytes | str | dict | list, source: str, *, keep_letters: bool
) -> IngestResult:
    """The ingest in the caller's transaction. Without `keep_letters`, a part that cannot be read
    writes no dead letter; `result.error` and `field` still say why."""
    result = IngestResult()

    def refuse(kept: bytes | str, problem: PayloadInvalid) -> None:
        if result.error is None:
            result.error, result.field = problem.reason, problem.field
        if keep_letters:
            _dead_letter(session, result, carrier, source, kept, problem)

    raw = payload if isinstance(payload, bytes | str) else None
    if raw is not None and len(raw) > MAX_PAYLOAD_BYTES:
        refuse(
            raw[:KEPT_PAYLOAD_BYTES],
            PayloadInvalid(f"payload too large ({MAX_PAYLOAD_BYTES} bytes at most)", "body"),
        )
        return result
    try:
        document = json.loads(raw) if raw is not None else payload
        shipments = parse_shipments(document)
    except (ValueError, RecursionError) as error:
        problem = error if isinstance(error, PayloadInvalid) else PayloadInvalid(NOT_JSON, "body")
        refuse(raw if raw is not None else json.dumps(payload, default=str), problem)
        return result
    readable = [part for part in shipments if isinstance(part[1], PayloadInvalid) or part[1]]
    if (
        len(readable) == 1
        and not isinstance(readable[0][1], PayloadInvalid)
        and session.connection().dialect.name == "postgresql"
    ):
        where, events, entry = readable[0]
        return _ingest_one(session, result, carrier, source, events, refuse, entry, where)
    changed: dict[int, int] = {}
    for where, events, entry in shipments:
        if isinstance(events, PayloadInvalid):
            refuse(json.dumps(entry, default=str), events)
            continue
        if not events:
            continue
        target = _find_target(session, carrier, events[0].tracking_number)
        if target is None:
            refuse(json.dumps(entry, default=str), _unknown_number(where))
            continue
        shipment_id, leg_id = target
        stored = _store_events(session, shipment_id, leg_id, carrier, source, events)
        _count(result, carrier, events, stored)
        if stored:
            changed[shipment_id] = changed.get(shipment_id, 0) + stored
    for shipment_id in sorted(changed):  # one lock order for every ingest: no deadlocks
        recompute_shipment(session, shipment_id, notice=_notice(shipment_id, changed[shipment_id]))
    result.shipment_ids = sorted(changed)
    return result


def _unknown_number(where: str) -> PayloadInvalid:
    return PayloadInvalid("unknown tracking number", f"{where}.id" if where else "id")


def _notice(shipment_id: int, count: int) -> Callable[[str], dict]:
    """The "shipment.changed" payload of a shipment's new events, given its status."""
    return lambda status: {"shipment_id": shipment_id, "tracking_status": status, "events": count}


def _ingest_one(
    session: Session,
    result: IngestResult,
    carrier: str,
    source: str,
    events: list[CarrierEvent],
    refuse: Callable[[bytes | str, PayloadInvalid], None],
    entry: object,
    where: str,
) -> IngestResult:
    """PostgreSQL, a payload of one shipment's events (what a carrier's push usually is), in three
    or four round trips: find and lock the shipment with its legs; store the events and read all of
    them back (one statement); update the shipment and write its outbox message (one statement);
    the legs whose times changed. With one shipment there is one lock, so no lock order to keep."""
    connection = session.connection()
    number = events[0].tracking_number
    rows = connection.execute(_LOCK_BY_NUMBER, {"carrier": carrier, "number": number}).all()
    if not rows:
        refuse(json.dumps(entry, default=str), _unknown_number(where))
        return result
    shipment_id, leg_id, current = rows[0].shipment_id, rows[0].target_leg, rows[0].tracking_status
    legs = [(row.id, row.departed_at, row.arrived_at) for row in rows if row.id is not None]
    rows = _event_json(_event_rows(shipment_id, leg_id, carrier, source, events))
    every = connection.execute(_PG_INSERT_AND_READ_EVENTS, {"rows": rows, "shipment_id_": shipment_id}).all()
    stored = sum(1 for event in every if event.new)
    _count(result, carrier, events, stored)
    if stored:
        _settle(session, shipment_id, current, legs, every, _notice(shipment_id, stored))
        result.shipment_ids = [shipment_id]
    return result


def _count(result: IngestResult, carrier: str, events: Sequence[CarrierEvent], stored: int) -> None:
    """Add one shipment's events to `result` (stored, duplicates, unknown statuses, reported)."""
    result.stored += stored
    result.duplicates += len(events) - stored
    unknown = [event.raw_code for event in events if event.status == TrackingStatus.UNKNOWN]
    if unknown:
        result.unknown_statuses += len(unknown)
        log.warning(
            "carrier %s: unknown status codes %s for %s (stored as unknown)",
            carrier,
            sorted(set(unknown)),
            events[0].tracking_number,
        )


def _dead_letter(
    session: Session,
    result: IngestResult,
    carrier: str,
    source: str,
    payload: bytes | str,
    problem: PayloadInvalid,
) -> None:
    text = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else payload
    letter = DeadLetter(
        carrier=carrier[:40],
        source=source,
        payload=text.replace("\x00", "\ufffd"),
        error=problem.reason[:500],
        field=(problem.field or "")[:200] or None,
    )
    session.add(letter)
    session.flush()
    result.dead_letter_ids.append(letter.id)
    log.warning(
        "carrier %s: payload kept as dead letter %s: %s (%s)",
        carrier,
        letter.id,
        problem.reason,
        problem.field,
    )


_LEGS, _SHIPMENTS, _EVENTS = ShipmentLeg.__table__, Shipment.__table__, ShipmentEvent.__table__


def _find_target(session: Session, carrier: str, tracking_number: str) -> tuple[int, int | None] | None:
    """(shipment id, leg id) for a carrier's tracking number: a leg's, else the shipment's own."""
    leg = session.execute(
        select(_LEGS.c.shipment_id, _LEGS.c.id)
        .where(_LEGS.c.carrier == carrier, _LEGS.c.tracking_number == tracking_number)
        .order_by(_LEGS.c.id)
        .limit(1)
    ).first()
    if leg is not None:
        return leg[0], leg[1]
    shipment_id = session.execute(
        select(_SHIPMENTS.c.id).where(_SHIPMENTS.c.tracking_number == tracking_number)
    ).scalar()
    return None if shipment_id is None else (shipment_id, None)


def _event_rows(
    shipment_id: int, leg_id: int | None, carrier: str, source: str, events: Sequence[CarrierEvent]
) -> dict[str, dict]:
    """The event rows to insert, by dedupe key (the same event twice in a payload is one row)."""
    now = utcnow()
    rows = {}
    for event in events:
        key = dedupe_key(shipment_id, carrier, event)
        rows[key] = {
            "shipment_id": shipment_id,
            "leg_id": leg_id,
            "status": event.status,
            "exception_reason": event.exception_reason,
            "carrier": carrier[:40],
            "raw_code": event.raw_code,
            "raw_text": event.raw_text,
            "occurred_at": event.occurred_at,
            "received_at": now,
            "country": event.country,
            "postcode": event.postcode,
            "locality": event.locality,
            "latitude": event.latitude,
            "longitude": event.longitude,
            "source": source,
            "dedupe_key": key,
        }
    return rows


def _event_json(rows: dict[str, dict]) -> str:
    """`_event_rows` as one JSON array of objects (PostgreSQL's `json_to_recordset` inserts): one
    text parameter, made by the C JSON encoder, instead of an array per column that the driver
    would adapt element by element in Python."""
    return json.dumps(
        [
            {
                **row,
                "occurred_at": row["occurred_at"].isoformat(),
                "received_at": row["received_at"].isoformat(),
            }
            for row in rows.values()
        ]
    )


def _store_events(
    session: Session,
    shipment_id: int,
    leg_id: int | None,
    carrier: str,
    source: str,
    events: Sequence[CarrierEvent],
) -> int:
    rows = _event_rows(shipment_id, leg_id, carrier, source, events)
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        # One short statement whatever the batch's size: the rows travel as one JSON text
        # (`json_to_recordset`), so psycopg prepares it once per connection instead of parsing a new
        # multi-row INSERT's text (hundreds of placeholders) on every request.
        return len(connection.execute(_PG_INSERT_EVENTS, {"rows": _event_json(rows)}).all())
    # SQLite: one execute for all the rows; SQLAlchemy's "insertmanyvalues" sends them as multi-row
    # INSERTs, and RETURNING names only the new ones.
    statement = (
        sqlite_insert(_EVENTS).on_conflict_do_nothing(index_elements=["dedupe_key"]).returning(_EVENTS.c.id)
    )
    return len(connection.execute(statement, list(rows.values())).all())


_EVENT_COLUMNS = {
    "shipment_id": "int8",
    "leg_id": "int8",
    "status": "text",
    "exception_reason": "text",
    "carrier": "text",
    "raw_code": "text",
    "raw_text": "text",
    "occurred_at": "timestamptz",
    "received_at": "timestamptz",
    "country": "text",
    "postcode": "text",
    "locality": "text",
    "latitude": "float8",
    "longitude": "float8",
    "source": "text",
    "dedupe_key": "text",
}
_RECORDSET = (
    "json_to_recordset(CAST(:rows AS json)) AS r("
    + ", ".join(f"{name} {kind}" for name, kind in _EVENT_COLUMNS.items())
    + ")"
)
_SELECT_ROWS = f"SELECT {', '.join(_EVENT_COLUMNS)} FROM {_RECORDSET}"
_PG_INSERT_EVENTS = text(
    f"INSERT INTO shipment_event ({', '.join(_EVENT_COLUMNS)}) {_SELECT_ROWS} "
    "ON CONFLICT (dedupe_key) DO NOTHING RETURNING id"
)
# The new events and every stored one of the shipment in one statement: the CTE's rows are not
# visible to the outer query (one snapshot), so the two halves never overlap.
_EVENT_READ = "status, occurred_at, leg_id, exception_reason, id"
_PG_INSERT_AND_READ_EVENTS = text(
    f"WITH new AS (INSERT INTO shipment_event ({', '.join(_EVENT_COLUMNS)}) {_SELECT_ROWS} "
    f"ON CONFLICT (dedupe_key) DO NOTHING RETURNING {_EVENT_READ}) "
    f"SELECT {_EVENT_READ}, true AS new FROM new "
    f"UNION ALL SELECT {_EVENT_READ}, false AS new FROM shipment_event WHERE shipment_id = :shipment_id_ "
    "ORDER BY occurred_at, id"
)
# A carrier's tracking number's shipment (a leg's, else the shipment's own number), locked, with
# the leg the number names and every leg's times as stored.
_LOCK_BY_NUMBER = text(
    "WITH leg AS (SELECT shipment_id, id FROM shipment_leg WHERE carrier = :carrier "
    "AND tracking_number = :number ORDER BY id LIMIT 1), "
    "target AS (SELECT coalesce((SELECT shipment_id FROM leg), "
    "(SELECT id FROM shipment WHERE tracking_number = :number ORDER BY id LIMIT 1)) AS shipment_id, "
    "(SELECT id FROM leg) AS leg_id) "
    "SELECT s.id AS shipment_id, target.leg_id AS target_leg, s.tracking_status, "
    "l.id, l.departed_at, l.arrived_at "
    "FROM target JOIN shipment s ON s.id = target.shipment_id "
    "LEFT JOIN shipment_leg l ON l.shipment_id = s.id ORDER BY l.sequence FOR UPDATE OF s"
)


def fold_status(events: Sequence[tuple[str, datetime]]) -> str:
    """The shipment's status after `events` (status, occurred_at), applied in time order: an
    unknown or pending event moves nothing, and a delivered shipment never goes back."""
    status = TrackingStatus.PENDING
    for event_status, _ in sorted(events, key=lambda event: event[1]):
        if event_status in (TrackingStatus.UNKNOWN, TrackingStatus.PENDING):
            continue
        if may_follow(status, event_status):
            status = event_status
    return status


def recompute_shipment(
    session: Session, shipment_id: int, *, notice: Callable[[str], dict] | None = None
) -> str:
    """Derive the shipment's status, last event time and its legs' departures and arrivals from
    every stored event (so the result does not depend on the order they came in), under the
    shipment's row lock. Returns the status. `notice(status)`, when given, is the payload of the
    "shipment.changed" outbox message written with the update (on PostgreSQL in its statement)."""
    connection = session.connection()
    # The shipment's row lock and its legs (with what they say now) in one round trip.
    rows = connection.execute(
        select(_SHIPMENTS.c.tracking_status, _LEGS.c.id, _LEGS.c.departed_at, _LEGS.c.arrived_at)
        .select_from(_SHIPMENTS.outerjoin(_LEGS, _LEGS.c.shipment_id == _SHIPMENTS.c.id))
        .where(_SHIPMENTS.c.id == shipment_id)
        .order_by(_LEGS.c.sequence)
        .with_for_update(of=_SHIPMENTS)
    ).all()
    if not rows:
        raise NotFound("shipment.not_found", field="shipment_id")
    current = rows[0].tracking_status
    legs = [(row.id, row.departed_at, row.arrived_at) for row in rows if row.id is not None]
    events = connection.execute(
        select(_EVENTS.c.status, _EVENTS.c.occurred_at, _EVENTS.c.leg_id, _EVENTS.c.exception_reason)
        .where(_EVENTS.c.shipment_id == shipment_id)
        .order_by(_EVENTS.c.occurred_at, _EVENTS.c.id)
    ).all()
    return _settle(session, shipment_id, current, legs, events, notice)


def _settle(
    session: Session,
    shipment_id: int,
    current: str,
    legs: list[tuple[int, datetime | None, datetime | None]],
    events,
    notice: Callable[[str], dict] | None,
) -> str:
    """Write what every stored event of the (locked) shipment says: its status, exception reason
    and last event time, the legs' times, and `notice`'s outbox message. Returns the status."""
    connection = session.connection()
    status = fold_status([(event.status, event.occurred_at) for event in events])
    if not may_follow(current, status):  # an OEM/dealer step already past what carriers say
        status = current
    reason = next((event.exception_reason for event in reversed(events) if event.status == status), None)
    exception_reason = reason if status == TrackingStatus.EXCEPTION else None
    last_event_at = max((event.occurred_at for event in events), default=None)
    moved = _recompute_legs(legs, events)
    if notice is not None and connection.dialect.name == "postgresql":
        # The shipment, its legs whose times moved and the outbox message in one round trip: one
        # fixed statement (prepared once per connection) with the legs as a JSON parameter.
        connection.execute(
            _PG_SETTLE,
            {
                "shipment_id": shipment_id,
                "status": status,
                "reason": exception_reason,
                "last_event_at": last_event_at,
                "legs": json.dumps(
                    [
                        {"id": leg, "departed_at": _iso(departed), "arrived_at": _iso(arrived)}
                        for leg, departed, arrived in moved
                    ]
                ),
                "topic": SHIPMENT_CHANGED,
                "payload": json.dumps(notice(status)),
                "created_at": utcnow(),
            },
        )
        return status
    connection.execute(
        update(_SHIPMENTS)
        .where(_SHIPMENTS.c.id == shipment_id)
        .values(tracking_status=status, exception_reason=exception_reason, last_event_at=last_event_at)
    )
    if notice is not None:
        outbox.enqueue(session, SHIPMENT_CHANGED, notice(status))
    for leg, departed, arrived in moved:
        connection.execute(
            update(_LEGS).where(_LEGS.c.id == leg).values(departed_at=departed, arrived_at=arrived)
        )
    return status


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


# What `_settle` writes on PostgreSQL, in one statement (data-modifying CTEs all run, referenced or not).
_PG_SETTLE = text(
    "WITH shipment_update AS (UPDATE shipment SET tracking_status = :status, exception_reason = :reason, "
    "last_event_at = :last_event_at WHERE id = :shipment_id), "
    "legs_update AS (UPDATE shipment_leg SET departed_at = moved.departed_at, arrived_at = moved.arrived_at "
    "FROM json_to_recordset(CAST(:legs AS json)) AS moved(id int8, departed_at timestamptz, "
    "arrived_at timestamptz) WHERE shipment_leg.id = moved.id) "
    "INSERT INTO outbox_message (topic, payload, created_at) "
    "VALUES (:topic, CAST(:payload AS json), :created_at)"
)


def _recompute_legs(
    current: list[tuple[int, datetime | None, datetime | None]], events
) -> list[tuple[int, datetime | None, datetime | None]]:
    """Each leg's departure and arrival from the events; `current`: (leg id, departed_at, arrived_at)
    in sequence order, as stored. Returns the legs whose times change (the others need no write)."""
    legs = [leg for leg, _, _ in current]
    moved: list[tuple[int, datetime | None, datetime | None]] = []
    stored = {leg: (departed, arrived) for leg, departed, arrived in current}
    by_leg: dict[int, list] = {leg: [] for leg in legs}
    for event in events:
        if event.leg_id in by_leg:
            by_leg[event.leg_id].append(event)
    delivered_at = next(
        (
            event.occurred_at
            for event in events
            if event.status in (TrackingStatus.DELIVERED, TrackingStatus.HANDED_OVER)
        ),
        None,
    )
    for index, leg in enumerate(legs):
        own = by_leg[leg]
        moving = [event.occurred_at for event in own if event.status in _MOVING]
        departed = min(moving, default=None)
        later = [event for following in legs[index + 1 :] for event in by_leg[following]]
        if index == len(legs) - 1:
            arrived = delivered_at
        else:
            arrived = max((event.occurred_at for event in own), default=None) if later else None
        if arrived is not None and departed is not None and arrived < departed:
            arrived = departed
        if stored[leg] != (departed, arrived):
            moved.append((leg, departed, arrived))
    return moved


def unknown_status_report(session: Session) -> list[dict]:
    """Every (carrier, raw code) stored as `unknown`, with how often and when last: for operators
    to extend the mapping."""
    rows = session.execute(
        select(_EVENTS.c.carrier, _EVENTS.c.raw_code, func.count(), func.max(_EVENTS.c.occurred_at))
        .where(_EVENTS.c.status == TrackingStatus.UNKNOWN)
        .group_by(_EVENTS.c.carrier, _EVENTS.c.raw_code)
        .order_by(func.count().desc())
    ).all()
    return [
        {"carrier": carrier, "raw_code": code, "count": count, "last_at": last}
        for carrier, code, count, last in rows
    ]


def replay_dead_letter(session: Session, principal: Principal, dead_letter_id: int) -> IngestResult:
    """An admin runs a kept payload through the ingest again (after the mapping or the shipment
    was fixed). On success the letter is marked replayed; on failure it stays open with the new
    reason in `replay_error` (and no second dead letter is written). Replaying twice stores
    nothing twice. Raises PermissionDenied (not an admin), NotFound, ValidationFailed (already
    replayed)."""
    require_role(principal, "admin")
    letter = session.get(DeadLetter, dead_letter_id)
    if letter is None:
        raise NotFound("dead_letter.not_found", field="dead_letter_id")
    if letter.replayed_at is not None:
        raise ValidationFailed("dead_letter.already_replayed", field="dead_letter_id")
    result = _ingest(session, letter.carrier, letter.payload, letter.source, keep_letters=False)
    if result.error is not None:
        letter.replay_error = result.error[:500]
    else:
        letter.replayed_at = utcnow()
        letter.replay_error = None
    session.add(letter)
    session.commit()
    return result
