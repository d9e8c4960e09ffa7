"""The ingest, tried hard, on both databases: duplicates, out-of-order events, malformed payloads
and unknown statuses. Nothing lost, nothing doubled, dead letters kept."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from models import DeadLetter, OutboxMessage, Shipment, ShipmentEvent, ShipmentLeg
from models.db import get_engine
from services.logistics.ingest import (
    SHIPMENT_CHANGED,
    ingest_payload,
    replay_dead_letter,
    unknown_status_report,
)
from services.platform.errors import PermissionDenied
from tests.logistics_world import build_world, dhl_document, dhl_event


@pytest.fixture
def world(any_db_url):
    with Session(get_engine()) as session:
        return build_world(session)


@pytest.fixture
def session(world):
    with Session(get_engine(), expire_on_commit=False) as session:
        yield session


def _events(session, shipment_id) -> list[ShipmentEvent]:
    return list(
        session.exec(
            select(ShipmentEvent)
            .where(ShipmentEvent.shipment_id == shipment_id)
            .order_by(ShipmentEvent.occurred_at)
        ).all()
    )


def _count(session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def test_the_same_events_twice_are_stored_once(world, session):
    tracked = world.shipments["dealer_a"]
    document = dhl_document(
        tracked.leg_numbers[0],
        dhl_event("2026-03-01T08:00:00Z", "pre-transit", "Received"),
        dhl_event("2026-03-01T12:00:00+01:00", "transit", "Departed"),
    )
    first = ingest_payload(session, carrier="dhl", payload=json.dumps(document), source="carrier_poll")
    again = ingest_payload(session, carrier="dhl", payload=json.dumps(document), source="webhook")
    assert (first.stored, first.duplicates) == (2, 0)
    assert (again.stored, again.duplicates) == (0, 2)
    assert len(_events(session, tracked.id)) == 2
    # only the ingest that stored something told the ETA and the live pages
    topics = session.exec(select(OutboxMessage.topic).where(OutboxMessage.topic == SHIPMENT_CHANGED)).all()
    assert len(topics) == 1


def test_events_out_of_order_sort_by_their_own_time_and_delivered_never_goes_back(world, session):
    tracked = world.shipments["dealer_a"]
    late_noise = dhl_event("2026-03-05T09:00:00Z", "transit", "Departed hub")
    delivered = dhl_event("2026-03-04T10:00:00.123456789Z", "delivered", "Delivered")
    ingest_payload(session, carrier="dhl", payload=dhl_document(tracked.leg_numbers[1], delivered))
    ingest_payload(
        session,
        carrier="dhl",
        payload=dhl_document(tracked.leg_numbers[0], dhl_event("2026-03-01T08:00:00Z")),
    )
    ingest_payload(session, carrier="dhl", payload=dhl_document(tracked.leg_numbers[1], late_noise))
    shipment = session.get(Shipment, tracked.id)
    session.refresh(shipment)
    assert shipment.tracking_status == "delivered"
    statuses = [event.status for event in _events(session, tracked.id)]
    assert statuses == ["in_transit", "delivered", "in_transit"]
    legs = session.exec(
        select(ShipmentLeg).where(ShipmentLeg.shipment_id == tracked.id).order_by(ShipmentLeg.sequence)
    ).all()
    assert legs[0].arrived_at is not None
    assert legs[1].arrived_at.isoformat().startswith("2026-03-04T10:00:00.123456")


def test_offsets_and_nanoseconds_name_the_same_instant(world, session):
    tracked = world.shipments["dealer_b"]
    ingest_payload(
        session,
        carrier="railcargo",
        payload=dhl_document(tracked.leg_numbers[0], dhl_event("2026-03-01T09:30:00.000000001+01:30")),
    )
    [event] = _events(session, tracked.id)
    assert event.occurred_at.isoformat() == "2026-03-01T08:00:00+00:00"


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda event: event.update(timestamp="01/03/2026 08:00"), "shipments[0].events[0].timestamp"),
        (lambda event: event.update(timestamp="2026-03-01T08:00:00"), "shipments[0].events[0].timestamp"),
        (lambda event: event.pop("statusCode"), "shipments[0].events[0].statusCode"),
        (lambda event: event.update(statusCode=7), "shipments[0].events[0].statusCode"),
        (lambda event: event.update(location=["Hamburg"]), "shipments[0].events[0].location"),
        (
            lambda event: event["location"]["address"].update(countryCode="Germany"),
            "shipments[0].events[0].location.address.countryCode",
        ),
    ],
)
def test_a_malformed_event_is_kept_as_a_dead_letter_and_nothing_of_it_stored(world, session, mutate, field):
    tracked = world.shipments["dealer_a"]
    good = dhl_event("2026-03-01T08:00:00Z")
    bad = dhl_event("2026-03-01T09:00:00Z")
    mutate(bad)
    document = {
        "shipments": [
            {"id": tracked.leg_numbers[0], "events": [bad, good]},
            {"id": world.shipments["customer_1"].leg_numbers[0], "events": [good]},
        ]
    }
    result = ingest_payload(session, carrier="dhl", payload=json.dumps(document))
    assert result.field == field
    assert _events(session, tracked.id) == []  # the broken shipment's part: nothing half-stored
    assert len(_events(session, world.shipments["customer_1"].id)) == 1  # its readable neighbour: stored
    [letter] = session.exec(select(DeadLetter)).all()
    assert letter.field == field and json.loads(letter.payload)["id"] == tracked.leg_numbers[0]


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"{not json", "not JSON"),
        (b'"just a string"', "must be an object"),
        (b'{"shipments": []}', "must be a non-empty list"),
        (b'{"shipments": [{"events": []}]}', "field missing"),
        (
            json.dumps(dhl_document("SIM-NOBODY", dhl_event("2026-03-01T08:00:00Z"))).encode(),
            "unknown tracking number",
        ),
    ],
)
def test_an_unreadable_payload_is_kept_whole_with_its_reason(world, session, body, reason):
    result = ingest_payload(session, carrier="dhl", payload=body)
    assert result.stored == 0 and result.error == reason
    [letter] = session.exec(select(DeadLetter)).all()
    assert letter.error == reason and letter.replayed_at is None


def test_a_5_mb_payload_is_refused_and_its_start_kept(world, session):
    body = json.dumps(
        dhl_document(
            world.shipments["dealer_a"].leg_numbers[0],
            *[dhl_event(f"2026-03-01T08:{i % 60:02d}:00Z", status="x" * 500) for i in range(9000)],
        )
    ).encode()
    assert len(body) > 5_000_000
    result = ingest_payload(session, carrier="dhl", payload=body)
    assert result.field == "body" and "too large" in result.error
    assert _count(session, ShipmentEvent) == 0
    [letter] = session.exec(select(DeadLetter)).all()
    assert body.decode().startswith(letter.payload) and len(letter.payload) == 64 * 1024


def test_an_unknown_status_code_is_stored_as_unknown_and_reported(world, session):
    tracked = world.shipments["dealer_a"]
    ingest_payload(
        session,
        carrier="dhl",
        payload=dhl_document(
            tracked.leg_numbers[0],
            dhl_event("2026-03-01T08:00:00Z"),
            dhl_event("2026-03-01T10:00:00Z", "teleported", "Beamed up"),
        ),
    )
    events = _events(session, tracked.id)
    assert [(event.status, event.raw_code) for event in events] == [
        ("in_transit", "transit"),
        ("unknown", "teleported"),
    ]
    shipment = session.get(Shipment, tracked.id)
    assert shipment.tracking_status == "in_transit"  # an unknown status moves nothing
    assert unknown_status_report(session)[0]["raw_code"] == "teleported"


def test_an_admin_replays_a_dead_letter_once_it_can_be_read(world, session):
    tracked = world.shipments["dealer_a"]
    unknown_number = dhl_document("SIM-LATER", dhl_event("2026-03-01T08:00:00Z"))
    result = ingest_payload(session, carrier="dhl", payload=json.dumps(unknown_number))
    [letter_id] = result.dead_letter_ids
    with pytest.raises(PermissionDenied):
        replay_dead_letter(session, world.principals["manager"], letter_id)
    failed = replay_dead_letter(session, world.principals["admin"], letter_id)  # still unknown
    assert failed.error == "unknown tracking number" and _count(session, DeadLetter) == 1
    leg = session.exec(select(ShipmentLeg).where(ShipmentLeg.tracking_number == tracked.leg_numbers[0])).one()
    leg.tracking_number = "SIM-LATER"  # the operator fixed the leg's number
    session.add(leg)
    session.commit()
    replayed = replay_dead_letter(session, world.principals["admin"], letter_id)
    assert replayed.stored == 1 and len(_events(session, tracked.id)) == 1
    letter = session.get(DeadLetter, letter_id)
    session.refresh(letter)
    assert letter.replayed_at is not None and letter.replay_error is None
