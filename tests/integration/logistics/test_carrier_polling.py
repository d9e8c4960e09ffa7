"""Polling a real DHL-shaped carrier server (its own process on a free port) that answers 429,
500 and times out in turn while a poll runs: polling backs off, resumes, and every event is
stored exactly once."""

from __future__ import annotations

import json
from datetime import timedelta

import httpx
from sqlalchemy import func
from sqlmodel import Session, select

from models import CarrierPollState, Shipment, ShipmentEvent
from models.db import get_engine
from models.settings import get_settings
from models.types import utcnow
from services.logistics.carriers import adapter_for
from services.logistics.polling import poll_carrier
from tests.conftest import configure
from tests.integration.logistics.conftest import KEY
from tests.logistics_world import build_world, dhl_event


def test_polling_backs_off_on_429_500_and_timeouts_and_misses_nothing(carrier_server, pg_url, monkeypatch):
    configure(
        monkeypatch,
        carriers=json.dumps({"dhl": {"base_url": carrier_server, "timeout_seconds": 1}}),
        carrier_backoff_first_seconds="5",
    )
    with Session(get_engine()) as session:
        world = build_world(session)
    tracked = world.shipments["dealer_a"]
    first_leg = [
        dhl_event("2026-03-01T08:00:00Z", "pre-transit", "Received"),
        dhl_event("2026-03-01T10:00:00+02:00", "transit", "Picked up"),
        dhl_event("2026-03-02T08:00:00.5Z", "transit", "Arrived at port terminal"),
    ]
    second_leg = [
        dhl_event("2026-03-03T08:00:00Z", "transit", "Loaded on vessel"),
        dhl_event("2026-03-20T08:00:00Z", "delivered", "Delivered"),
    ]
    for number, events in zip(tracked.leg_numbers, (first_leg, second_leg), strict=True):
        httpx.post(
            f"{carrier_server}/_sim/journeys",
            headers=KEY,
            json={"trackingNumber": number, "events": events, "pace": 0},
        ).raise_for_status()
    # Round 1: the first leg answers, the second meets a 429. Round 2: the first again (nothing new),
    # then a 500. Round 3: a timeout at once. Then the carrier is well again.
    httpx.post(
        f"{carrier_server}/_sim/faults",
        headers=KEY,
        json={
            "faults": ["ok", "429", "ok", "500", "timeout"],
            "retry_after": 30,
            "hang_seconds": 2.5,
        },
    ).raise_for_status()
    settings = get_settings()
    adapter = adapter_for(settings, "dhl")
    start = utcnow()
    # The second round comes at once (still held off); each later one after any backoff is over.
    times = [start, start] + [start + timedelta(hours=hours) for hours in range(1, 5)]
    try:
        with Session(get_engine(), expire_on_commit=False) as session:
            rounds = [poll_carrier(session, settings, "dhl", adapter, now=at) for at in times]
    finally:
        adapter.close()
    outcomes = [(r.outcome, r.stored) for r in rounds]
    assert outcomes == [
        ("rate_limited", 3),
        ("held_off", 0),
        ("failed", 0),
        ("failed", 0),
        ("done", 2),
        ("done", 0),
    ]
    assert rounds[0].retry_at is not None
    with Session(get_engine()) as session:
        events = session.exec(
            select(func.count()).select_from(ShipmentEvent).where(ShipmentEvent.shipment_id == tracked.id)
        ).one()
        assert events == 5  # every event once, none missed, none doubled
        assert session.get(Shipment, tracked.id).tracking_status == "delivered"
        state = session.get(CarrierPollState, "dhl")
        assert state.failures == 0 and state.next_poll_at is None
    served = httpx.get(f"{carrier_server}/_sim/stats", headers=KEY).json()
    assert served["served_faults"] == ["429", "500", "timeout"] and served["pending_faults"] == []


def test_the_carrier_server_speaks_the_dhl_shape(carrier_server):
    unsigned = httpx.get(f"{carrier_server}/track/shipments", params={"trackingNumber": "SIM1"})
    assert unsigned.status_code == 401
    unknown = httpx.get(f"{carrier_server}/track/shipments", params={"trackingNumber": "NOPE"}, headers=KEY)
    assert unknown.status_code == 404
    answer = httpx.get(
        f"{carrier_server}/track/shipments",
        headers=KEY,
        params={"trackingNumber": "SIM42", "service": "freight", "language": "en"},
    ).json()
    [shipment] = answer["shipments"]
    assert shipment["id"] == "SIM42" and {"statusCode", "status", "timestamp"} <= set(shipment["status"])
    event = shipment["events"][0]
    assert set(event["location"]["address"]) == {"countryCode", "postalCode", "addressLocality"}
