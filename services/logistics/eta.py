"""When a shipment will arrive: from its leg plan and how long past legs on the same lane took.

For each leg not yet arrived, the lane's observed durations (departure to arrival of the last
`LANE_SAMPLE` legs that arrived) give a median and a spread (the 10th and 90th percentiles);
a lane with fewer than `MIN_OBSERVATIONS` has only its plan, with a spread of -10 % / +50 %.
A leg under way counts from its departure, and never ends before now. The ETA is the median
path; its range the sum of the low and high ends. A promise is at risk when the range's end
is after the promised date (or, delivered, when delivery came after it).
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlmodel import Session

from models import Shipment, ShipmentLeg, TrackingStatus
from models.types import utcnow
from services.notifications import tell
from services.platform import outbox

# Written by refresh_eta when a shipment's ETA, range or at-risk flag changed: the open pages reload.
ETA_CHANGED = "shipment.eta_changed"
LANE_SAMPLE = 200
MIN_OBSERVATIONS = 3
PLAN_LOW, PLAN_HIGH = 0.9, 1.5
_LEGS, _SHIPMENTS = ShipmentLeg.__table__, Shipment.__table__
DONE = frozenset({TrackingStatus.DELIVERED, TrackingStatus.HANDED_OVER})


@dataclass(frozen=True)
class LaneStats:
    """Observed hours of one lane: median, 10th and 90th percentile, how many legs."""

    median: float
    low: float
    high: float
    observations: int


@dataclass(frozen=True)
class LegPlan:
    lane: str
    planned_hours: float
    departed_at: datetime | None
    arrived_at: datetime | None


@dataclass(frozen=True)
class Estimate:
    eta: datetime | None
    earliest: datetime | None
    latest: datetime | None
    promise_at_risk: bool


def lane_stats(hours: Sequence[float]) -> LaneStats | None:
    """Median and 10th-90th percentile of observed leg durations; None below MIN_OBSERVATIONS."""
    if len(hours) < MIN_OBSERVATIONS:
        return None
    deciles = statistics.quantiles(sorted(hours), n=10, method="inclusive")
    return LaneStats(statistics.median(hours), deciles[0], deciles[-1], len(hours))


def estimate(
    legs: Sequence[LegPlan],
    stats: dict[str, LaneStats | None],
    *,
    now: datetime,
    start: datetime,
    promised_at: datetime | None,
    delivered_at: datetime | None,
) -> Estimate:
    """The ETA of a shipment whose legs (in order) are `legs`, starting no earlier than `start`."""
    if delivered_at is not None:
        late = promised_at is not None and delivered_at > promised_at
        return Estimate(delivered_at, delivered_at, delivered_at, late)
    if not legs:
        return Estimate(None, None, None, False)
    middle = low = high = start
    for leg in legs:
        if leg.arrived_at is not None:
            middle = low = high = leg.arrived_at
            continue
        lane = stats.get(leg.lane)
        hours = (
            (lane.median, lane.low, lane.high)
            if lane is not None
            else (leg.planned_hours, leg.planned_hours * PLAN_LOW, leg.planned_hours * PLAN_HIGH)
        )
        if leg.departed_at is not None:
            middle = low = high = leg.departed_at
        # A leg late against its lane's figures ends "now" at the earliest: the next one starts then.
        middle = max(middle + timedelta(hours=hours[0]), now)
        low = max(low + timedelta(hours=hours[1]), now)
        high = max(high + timedelta(hours=hours[2]), now)
    low, high = min(low, middle), max(high, middle)
    at_risk = promised_at is not None and high > promised_at
    return Estimate(middle, low, high, at_risk)


def observed_lane_stats(session: Session, lanes: Sequence[str]) -> dict[str, LaneStats | None]:
    """Each lane's statistics from its last LANE_SAMPLE arrived legs."""
    result: dict[str, LaneStats | None] = {}
    for lane in set(lanes):
        rows = session.execute(
            select(_LEGS.c.departed_at, _LEGS.c.arrived_at)
            .where(_LEGS.c.lane == lane, _LEGS.c.arrived_at.is_not(None), _LEGS.c.departed_at.is_not(None))
            .order_by(_LEGS.c.arrived_at.desc())
            .limit(LANE_SAMPLE)
        ).all()
        result[lane] = lane_stats([(arrived - departed).total_seconds() / 3600 for departed, arrived in rows])
    return result


def refresh_eta(session: Session, shipment_id: int, *, now: datetime | None = None) -> Estimate | None:
    """Recompute and store one shipment's ETA, range and promise-at-risk flag; commits.
    Idempotent (the same events give the same answer). None when the shipment does not exist.
    When the answer differs from the stored one, an ETA_CHANGED outbox notice goes with it."""
    now = now or utcnow()
    shipment = session.execute(
        select(
            _SHIPMENTS.c.created_at,
            _SHIPMENTS.c.promised_at,
            _SHIPMENTS.c.tracking_status,
            _SHIPMENTS.c.last_event_at,
            _SHIPMENTS.c.eta,
            _SHIPMENTS.c.eta_earliest,
            _SHIPMENTS.c.eta_latest,
            _SHIPMENTS.c.promise_at_risk,
            _SHIPMENTS.c.tracking_number,
        ).where(_SHIPMENTS.c.id == shipment_id)
    ).first()
    if shipment is None:
        return None
    legs = [
        LegPlan(row.lane, row.planned_hours, row.departed_at, row.arrived_at)
        for row in session.execute(
            select(_LEGS.c.lane, _LEGS.c.planned_hours, _LEGS.c.departed_at, _LEGS.c.arrived_at)
            .where(_LEGS.c.shipment_id == shipment_id)
            .order_by(_LEGS.c.sequence)
        ).all()
    ]
    delivered_at = None
    if shipment.tracking_status in DONE:
        delivered_at = next(
            (leg.arrived_at for leg in reversed(legs) if leg.arrived_at), shipment.last_event_at
        )
    result = estimate(
        legs,
        observed_lane_stats(session, [leg.lane for leg in legs]),
        now=now,
        start=shipment.created_at,
        promised_at=shipment.promised_at,
        delivered_at=delivered_at,
    )
    session.execute(
        update(_SHIPMENTS)
        .where(_SHIPMENTS.c.id == shipment_id)
        .values(
            eta=result.eta,
            eta_earliest=result.earliest,
            eta_latest=result.latest,
            promise_at_risk=result.promise_at_risk,
        )
    )
    before = (shipment.eta, shipment.eta_earliest, shipment.eta_latest, bool(shipment.promise_at_risk))
    if before != (result.eta, result.earliest, result.latest, result.promise_at_risk):
        outbox.enqueue(
            session,
            ETA_CHANGED,
            {
                "shipment_id": shipment_id,
                "eta": result.eta and result.eta.isoformat(),
                "promise_at_risk": result.promise_at_risk,
            },
        )
    if result.promise_at_risk and not shipment.promise_at_risk:
        tell.shipment_late(
            session, shipment_id=shipment_id, tracking_number=shipment.tracking_number or "", now=now
        )
    session.commit()
    return result
