"""The exceptions queue's rules on SQLite and PostgreSQL: a lane's usual gap learnt from known
events, silent shipments measured against it, late against the promise, exceptions with their
reason, who must act, the order by urgency, and the acknowledgement with its note."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from models import AuditLog, Shipment, ShipmentAcknowledgement, ShipmentEvent, ShipmentLeg
from models.db import get_engine
from models.types import utcnow
from services.logistics import exceptions
from services.platform.errors import PermissionDenied, ValidationFailed
from tests.logistics_world import build_world, make_shipment

_counter = iter(range(1, 10_000))


@pytest.fixture
def world(any_db_url):
    with Session(get_engine(), expire_on_commit=False) as session:
        return build_world(session)


@pytest.fixture
def session(world):
    with Session(get_engine(), expire_on_commit=False) as session:
        yield session


def _on_lane(session, world, lane: str, **shipment) -> tuple[int, int]:
    """A shipment of dealer A whose first leg runs on `lane`; returns (shipment id, leg id)."""
    tracked = make_shipment(
        session,
        buyer=world.principals["dealer_a"],
        source=world.warehouse,
        destination=world.stores["dealer_a"],
        legs=1,
        **shipment,
    )
    leg = session.exec(select(ShipmentLeg).where(ShipmentLeg.shipment_id == tracked.id)).one()
    leg.lane = lane
    session.add(leg)
    session.commit()
    return tracked.id, leg.id


def _events(session, shipment_id: int, leg_id: int, times, status: str = "in_transit") -> None:
    for when in times:
        session.add(
            ShipmentEvent(
                shipment_id=shipment_id,
                leg_id=leg_id,
                status=status,
                carrier="dhl",
                raw_code="transit",
                occurred_at=when,
                source="webhook",
                dedupe_key=f"k{next(_counter)}",
            )
        )
    shipment = session.get(Shipment, shipment_id)
    shipment.tracking_status, shipment.last_event_at = status, max(times)
    session.add(shipment)
    session.commit()


def _history(session, world, lane: str, gaps_hours: list[float]) -> None:
    """A delivered shipment on `lane` whose consecutive events lie `gaps_hours` apart."""
    shipment_id, leg_id = _on_lane(session, world, lane)
    start = utcnow() - timedelta(days=20)
    times, at = [start], start
    for gap in gaps_hours:
        at += timedelta(hours=gap)
        times.append(at)
    _events(session, shipment_id, leg_id, times)
    shipment = session.get(Shipment, shipment_id)
    shipment.tracking_status = "delivered"
    session.add(shipment)
    session.commit()


def _entry(queue, shipment_id):
    return next((entry for entry in queue if entry.shipment_id == shipment_id), None)


def test_a_lanes_usual_gap_is_the_p90_of_its_observed_gaps_with_a_floor(session, world):
    _history(session, world, "CN-SHA>DE-HAM/sea", [10] * 9 + [30])
    _history(session, world, "DE-HAM>DE-MUC/truck", [1, 2, 1, 2, 1, 2])
    _history(session, world, "DE-HAM>DE-BER/rail", [5, 5])  # too little history
    gaps = exceptions.usual_gaps(session)
    assert gaps["CN-SHA>DE-HAM/sea"] == timedelta(hours=10)
    assert gaps["DE-HAM>DE-MUC/truck"] == exceptions.GAP_FLOOR
    assert "DE-HAM>DE-BER/rail" not in gaps


def test_a_shipment_silent_longer_than_its_lanes_usual_gap_is_queued_for_its_carrier(session, world):
    lane = "CN-SHA>DE-HAM/sea"
    _history(session, world, lane, [10] * 9 + [30])
    now = utcnow()
    silent, silent_leg = _on_lane(session, world, lane, promised_in_days=30)
    _events(session, silent, silent_leg, [now - timedelta(hours=11)])  # one event each: no new gaps
    quiet, quiet_leg = _on_lane(session, world, lane, promised_in_days=30)
    _events(session, quiet, quiet_leg, [now - timedelta(hours=9)])

    queue = exceptions.exceptions_queue(session, world.principals["manager"], now=now)
    entry = _entry(queue, silent)
    assert entry is not None and entry.kind == "silent"
    assert entry.actor == "carrier" and entry.lane == lane
    assert entry.usual_gap_hours == 10.0
    assert entry.since == (now - timedelta(hours=11)) + timedelta(hours=10)
    assert _entry(queue, quiet) is None


def test_late_against_the_promise_and_exceptions_with_their_reason_and_who_acts(session, world):
    now = utcnow()
    past_promise, leg = _on_lane(session, world, "A>B/truck", promised_in_days=-1)
    _events(session, past_promise, leg, [now - timedelta(hours=1)])
    eta_after, _ = _on_lane(session, world, "A>B/truck", promised_in_days=3)
    shipment = session.get(Shipment, eta_after)
    shipment.eta, shipment.last_event_at, shipment.tracking_status = (
        now + timedelta(days=4),
        now - timedelta(hours=1),
        "in_transit",
    )
    session.add(shipment)
    held, held_leg = _on_lane(session, world, "A>B/truck", promised_in_days=10)
    _events(session, held, held_leg, [now - timedelta(hours=2)], status="exception")
    shipment = session.get(Shipment, held)
    shipment.exception_reason = "customs_hold"
    session.add(shipment)
    done, done_leg = _on_lane(session, world, "A>B/truck", promised_in_days=-2)
    _events(session, done, done_leg, [now - timedelta(hours=3)], status="delivered")
    not_moving, _ = _on_lane(session, world, "A>B/truck", promised_in_days=-1)
    session.commit()

    queue = exceptions.exceptions_queue(session, world.principals["manager"], now=now)
    late = _entry(queue, past_promise)
    assert late.kind == "late" and late.actor == "carrier"
    assert late.since == session.get(Shipment, past_promise).promised_at
    assert _entry(queue, eta_after).kind == "late"
    exception = _entry(queue, held)
    assert (exception.kind, exception.reason, exception.actor) == (
        "exception",
        "customs_hold",
        "customs_broker",
    )
    assert _entry(queue, not_moving).actor == "plant"
    assert _entry(queue, done) is None
    kinds = [entry.kind for entry in queue]
    assert kinds == sorted(kinds, key=exceptions.KINDS.index)
    assert queue[0].shipment_id == held


def test_a_manager_acknowledges_with_a_note_and_the_queue_shows_who_is_on_it(session, world):
    late, _ = _on_lane(session, world, "A>B/truck", promised_in_days=-1)
    manager = world.principals["manager"]
    with pytest.raises(ValidationFailed) as empty:
        exceptions.acknowledge(session, manager, late, "   ")
    assert empty.value.field == "note"
    with pytest.raises(ValidationFailed) as long:
        exceptions.acknowledge(session, manager, late, "x" * 501)
    assert long.value.field == "note"
    assert long.value.params == {"max": exceptions.MAX_NOTE_LENGTH}  # the message names the limit
    assert session.exec(select(ShipmentAcknowledgement)).all() == []

    exceptions.acknowledge(session, manager, late, "Called DHL: truck broke down, new ETA Friday")
    entry = _entry(exceptions.exceptions_queue(session, manager), late)
    assert entry.acknowledged_note == "Called DHL: truck broke down, new ETA Friday"
    assert entry.acknowledged_by and entry.acknowledged_by.startswith("manager")
    audit = session.exec(select(AuditLog).where(AuditLog.action == "shipment.acknowledged")).one()
    assert audit.entity_id == str(late) and audit.actor_user_id == manager.user_id


@pytest.mark.parametrize("who", ["dealer_a", "customer_1", "supplier"])
def test_only_managers_see_or_acknowledge_the_queue(session, world, who):
    with pytest.raises(PermissionDenied):
        exceptions.exceptions_queue(session, world.principals[who])
    with pytest.raises(PermissionDenied):
        exceptions.acknowledge(session, world.principals[who], world.shipments["dealer_a"].id, "mine")
