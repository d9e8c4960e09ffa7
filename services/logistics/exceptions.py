"""The managers' exceptions queue: the shipments someone must act on, with who and since when.

A shipment is in the queue (one entry, its most urgent kind) when it is not delivered, handed
over or returned and:
- it is in `exception` (damage, customs hold, delay, address problem) or `delivery_failed`;
- it is late: past its promise and not delivered, or its ETA is after the promise;
- it went silent: no event for longer than its lane's usual gap, the 90th percentile of the
  gaps between consecutive events observed on legs of that lane (at least `GAP_FLOOR`; a lane
  with too little history gets `DEFAULT_GAP`).

Who must act follows from why: a customs hold the customs broker, an address problem or a
failed delivery the dealer, a shipment not yet moving the plant, anything else in transit the
carrier of its current leg. A manager acknowledges an entry with a note (`acknowledge`: a kept
row and an audit entry); the queue shows the latest acknowledgement beside it.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select
from sqlmodel import Session

from models import (
    SalesOrder,
    Shipment,
    ShipmentAcknowledgement,
    ShipmentEvent,
    ShipmentLeg,
    TrackingStatus,
    User,
)
from models.types import utcnow
from services.identity.access import require_role
from services.identity.auth import Principal
from services.platform import audit
from services.platform.errors import NotFound, ValidationFailed

GAP_FLOOR = timedelta(hours=6)
DEFAULT_GAP = timedelta(hours=48)
GAP_PERCENTILE = 0.9
MIN_GAPS = 5  # fewer observed gaps than this: the lane has no usual gap yet
HISTORY = timedelta(days=120)
MAX_NOTE_LENGTH = 500
MAX_QUEUE = 500

CLOSED = (TrackingStatus.DELIVERED, TrackingStatus.HANDED_OVER, TrackingStatus.RETURNED)
KINDS = ("exception", "late", "silent")  # most urgent first
_SHIPMENTS, _ORDERS, _LEGS, _EVENTS = (
    Shipment.__table__,
    SalesOrder.__table__,
    ShipmentLeg.__table__,
    ShipmentEvent.__table__,
)
_ACKS, _USERS = ShipmentAcknowledgement.__table__, User.__table__
_ACTOR_BY_REASON = {
    "customs_hold": "customs_broker",
    "address_problem": "dealer",
    "damage": "carrier",
    "delay": "carrier",
}


@dataclass(frozen=True)
class QueueEntry:
    shipment_id: int
    order_number: str | None
    tracking_number: str | None
    carrier: str | None
    lane: str | None
    status: str
    kind: str  # exception, late, silent
    reason: str | None  # the exception reason (exception), or None
    actor: str  # carrier, plant, dealer, customs_broker
    since: datetime
    last_event_at: datetime | None
    promised_at: datetime | None
    eta: datetime | None
    usual_gap_hours: float | None
    acknowledged_by: str | None
    acknowledged_at: datetime | None
    acknowledged_note: str | None


def percentile(values: list[float], fraction: float) -> float:
    """The `fraction` percentile of `values` (nearest rank, so an observed value)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def usual_gaps(session: Session, *, now: datetime | None = None) -> dict[str, timedelta]:
    """Per lane: the usual gap between consecutive events on one leg (p90 of the gaps observed in
    the last `HISTORY`, at least `GAP_FLOOR`). Lanes with fewer than `MIN_GAPS` gaps are absent."""
    since = (now or utcnow()) - HISTORY
    rows = session.execute(
        select(_LEGS.c.lane, _EVENTS.c.leg_id, _EVENTS.c.occurred_at)
        .join(_LEGS, _LEGS.c.id == _EVENTS.c.leg_id)
        .where(_EVENTS.c.occurred_at >= since)
        .order_by(_EVENTS.c.leg_id, _EVENTS.c.occurred_at)
    ).all()
    gaps: dict[str, list[float]] = defaultdict(list)
    previous: tuple[int, datetime] | None = None
    for lane, leg_id, occurred_at in rows:
        if previous is not None and previous[0] == leg_id:
            gaps[lane].append((occurred_at - previous[1]).total_seconds())
        previous = (leg_id, occurred_at)
    return {
        lane: max(GAP_FLOOR, timedelta(seconds=percentile(values, GAP_PERCENTILE)))
        for lane, values in gaps.items()
        if len(values) >= MIN_GAPS
    }


def _actor(kind: str, status: str, reason: str | None) -> str:
    if kind == "exception":
        if status == TrackingStatus.DELIVERY_FAILED:
            return "dealer"
        return _ACTOR_BY_REASON.get(reason or "", "carrier")
    if status in (TrackingStatus.PENDING, TrackingStatus.INFO_RECEIVED):
        return "plant"
    return "carrier"


def exceptions_queue(
    session: Session, principal: Principal, *, now: datetime | None = None
) -> list[QueueEntry]:
    """The queue (see the module's doc), most urgent first: exceptions, then late, then silent;
    within a kind, the longest waiting first. Managers and admins only (PermissionDenied)."""
    require_role(principal, "manager", "admin")
    now = now or utcnow()
    gaps = usual_gaps(session, now=now)
    floor = min([GAP_FLOOR, *gaps.values()])
    quiet_since = now - floor
    candidates = session.execute(
        select(
            _SHIPMENTS.c.id,
            _ORDERS.c.number,
            _SHIPMENTS.c.tracking_number,
            _SHIPMENTS.c.carrier,
            _SHIPMENTS.c.tracking_status,
            _SHIPMENTS.c.exception_reason,
            _SHIPMENTS.c.last_event_at,
            _SHIPMENTS.c.created_at,
            _SHIPMENTS.c.promised_at,
            _SHIPMENTS.c.eta,
        )
        .join(_ORDERS, _ORDERS.c.id == _SHIPMENTS.c.order_id)
        .where(
            _SHIPMENTS.c.tracking_number.is_not(None),
            _SHIPMENTS.c.tracking_status.not_in(CLOSED),
            or_(
                _SHIPMENTS.c.tracking_status.in_((TrackingStatus.EXCEPTION, TrackingStatus.DELIVERY_FAILED)),
                and_(
                    _SHIPMENTS.c.promised_at.is_not(None),
                    or_(_SHIPMENTS.c.promised_at < now, _SHIPMENTS.c.eta > _SHIPMENTS.c.promised_at),
                ),
                _SHIPMENTS.c.last_event_at < quiet_since,
                and_(_SHIPMENTS.c.last_event_at.is_(None), _SHIPMENTS.c.created_at < quiet_since),
            ),
        )
    ).all()
    # Exceptions and late ones need no lane to be classified; only the rest (maybe silent) do.
    # Lanes for display and acknowledgements are then read for the queue's first MAX_QUEUE only.
    classified: list[tuple[str, datetime, object, timedelta | None]] = []
    maybe_silent = []
    for row in candidates:
        if row.tracking_status in (TrackingStatus.EXCEPTION, TrackingStatus.DELIVERY_FAILED):
            classified.append(("exception", row.last_event_at or row.created_at, row, None))
        elif row.promised_at is not None and (
            row.promised_at < now or (row.eta is not None and row.eta > row.promised_at)
        ):
            since = row.promised_at if row.promised_at < now else (row.last_event_at or row.created_at)
            classified.append(("late", since, row, None))
        else:
            maybe_silent.append(row)
    lanes = _current_lanes(session, [row.id for row in maybe_silent])
    for row in maybe_silent:
        lane = lanes.get(row.id)
        gap = gaps.get(lane, DEFAULT_GAP) if lane else DEFAULT_GAP
        quiet_from = row.last_event_at or row.created_at
        if now - quiet_from > gap:
            classified.append(("silent", quiet_from + gap, row, gap))
    classified.sort(key=lambda item: (KINDS.index(item[0]), item[1], item[2].id))
    shown = classified[:MAX_QUEUE]
    ids = [item[2].id for item in shown]
    lanes.update(_current_lanes(session, [i for i in ids if i not in lanes]))
    acks = _latest_acknowledgements(session, ids)
    entries = []
    for kind, since, row, gap in shown:
        ack = acks.get(row.id)
        entries.append(
            QueueEntry(
                shipment_id=row.id,
                order_number=row.number,
                tracking_number=row.tracking_number,
                carrier=row.carrier,
                lane=lanes.get(row.id),
                status=row.tracking_status,
                kind=kind,
                reason=row.exception_reason if kind == "exception" else None,
                actor=_actor(kind, row.tracking_status, row.exception_reason),
                since=since,
                last_event_at=row.last_event_at,
                promised_at=row.promised_at,
                eta=row.eta,
                usual_gap_hours=round(gap.total_seconds() / 3600, 1) if gap is not None else None,
                acknowledged_by=ack[0] if ack else None,
                acknowledged_at=ack[1] if ack else None,
                acknowledged_note=ack[2] if ack else None,
            )
        )
    return entries


def _current_lanes(session: Session, shipment_ids: list[int]) -> dict[int, str]:
    """Per shipment: the lane of its first leg not yet arrived (else its last leg)."""
    lanes: dict[int, str] = {}
    for start in range(0, len(shipment_ids), 500):
        rows = session.execute(
            select(_LEGS.c.shipment_id, _LEGS.c.lane, _LEGS.c.arrived_at)
            .where(_LEGS.c.shipment_id.in_(shipment_ids[start : start + 500]))
            .order_by(_LEGS.c.shipment_id, _LEGS.c.sequence)
        ).all()
        settled: set[int] = set()
        for shipment_id, lane, arrived_at in rows:
            if shipment_id in settled:
                continue
            lanes[shipment_id] = lane
            if arrived_at is None:
                settled.add(shipment_id)
    return lanes


def _latest_acknowledgements(
    session: Session, shipment_ids: list[int]
) -> dict[int, tuple[str, datetime, str]]:
    found: dict[int, tuple[str, datetime, str]] = {}
    for start in range(0, len(shipment_ids), 500):
        rows = session.execute(
            select(_ACKS.c.shipment_id, _USERS.c.full_name, _ACKS.c.created_at, _ACKS.c.note)
            .join(_USERS, _USERS.c.id == _ACKS.c.user_id)
            .where(_ACKS.c.shipment_id.in_(shipment_ids[start : start + 500]))
            .order_by(_ACKS.c.shipment_id, _ACKS.c.created_at, _ACKS.c.id)
        ).all()
        for shipment_id, name, created_at, note in rows:
            found[shipment_id] = (name, created_at, note)
    return found


def acknowledge(
    session: Session, principal: Principal, shipment_id: int, note: str
) -> ShipmentAcknowledgement:
    """A manager takes on a queued shipment: the note is kept with who and when, and audited.
    Commits. Raises PermissionDenied (not a manager), ValidationFailed (field "note": empty or
    longer than 500 characters), NotFound (no such shipment)."""
    require_role(principal, "manager", "admin")
    text = (note or "").strip()
    if not text:
        raise ValidationFailed("exceptions.note_required", field="note")
    if len(text) > MAX_NOTE_LENGTH:
        raise ValidationFailed("exceptions.note_too_long", field="note", max=MAX_NOTE_LENGTH)
    if session.get(Shipment, shipment_id) is None:
        raise NotFound("shipment.not_found", field="shipment_id")
    row = ShipmentAcknowledgement(shipment_id=shipment_id, user_id=principal.user_id, note=text)
    session.add(row)
    audit.record(
        session,
        action="shipment.acknowledged",
        entity="shipment",
        entity_id=shipment_id,
        actor_user_id=principal.user_id,
        organisation_id=principal.organisation_id,
        after={"note": text},
    )
    session.commit()
    session.refresh(row)
    return row
