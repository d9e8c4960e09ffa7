"""`kill -9` the real worker in the middle of a polling round (the ingest path that runs in the
worker); after a new worker and beat are up, every carrier event is stored exactly once.

The carrier server answers the first legs at once and holds the next request (a "timeout" fault
longer than nothing the test waits for: the client's timeout is longer still), so the kill lands
after some legs' events are committed and before the others are fetched, every time. The broker
does not give the killed worker's message back in time (Redis: after its visibility timeout; the
SQLite transport: never); polling needs no such help: beat sends a round every
`carrier_poll_seconds`, each round walks every open leg from the first again and the ingest's
dedupe key stores each event once. So nothing is lost and nothing doubled. Tried in services mode
(PostgreSQL + Redis) and embedded mode (SQLite, SQLite broker).
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from models import CarrierPollState, ShipmentEvent
from models.db import get_engine
from models.settings import get_settings
from tests.conftest import configure
from tests.integration.logistics.conftest import KEY
from tests.integration.ordering.order_api_helpers import kill_hard
from tests.integration.worker_helpers import running, start_beat, start_worker, wait_for
from tests.logistics_world import build_world, dhl_event, make_shipment
from workers.celery_app import make_celery
from workers.schedule import POLL_CARRIERS

EXTRA_SHIPMENTS = 6  # beside build_world's two DHL shipments: 8 shipments, 16 legs
EVENTS_PER_LEG = 3
ANSWERED_BEFORE_THE_KILL = 5  # legs
HOLD_SECONDS = 50  # the held request: far longer than the test waits for the kill
TIMEOUT = 60  # seconds; bounds, not figures


@pytest.fixture(
    params=[
        pytest.param("services", marks=[pytest.mark.postgres, pytest.mark.redis]),
        "embedded",
    ]
)
def mode(request: pytest.FixtureRequest) -> str:
    if request.param == "services":
        request.getfixturevalue("pg_url")
        request.getfixturevalue("redis_url")
    else:
        request.getfixturevalue("sqlite_url")
    return request.param


def _journeys(carrier_server: str) -> dict[str, list[dict]]:
    """The DHL legs of a world with more shipments, each with its own journey registered at the
    carrier server: {tracking number: events}."""
    with Session(get_engine(), expire_on_commit=False) as session:
        world = build_world(session)
        legs = world.shipments["dealer_a"].leg_numbers + world.shipments["customer_1"].leg_numbers
        for index in range(EXTRA_SHIPMENTS):
            name = "dealer_a" if index % 2 else "dealer_b"
            made = make_shipment(
                session, buyer=world.principals[name], source=world.warehouse, destination=world.stores[name]
            )
            legs += made.leg_numbers
        session.commit()
    journeys = {}
    for leg_index, number in enumerate(legs):
        journeys[number] = [
            dhl_event(f"2026-03-{1 + leg_index:02d}T{8 + step:02d}:00:00Z", "transit", f"Step {step}")
            for step in range(EVENTS_PER_LEG)
        ]
        httpx.post(
            f"{carrier_server}/_sim/journeys",
            headers=KEY,
            json={"trackingNumber": number, "events": journeys[number], "pace": 0},
        ).raise_for_status()
    return journeys


def _stored() -> list[tuple]:
    """Each stored DHL event by what the carrier said (tracking leg, code, text, time) with how
    often it is stored."""
    with Session(get_engine()) as session:
        return session.exec(
            select(
                ShipmentEvent.shipment_id,
                ShipmentEvent.leg_id,
                ShipmentEvent.raw_code,
                ShipmentEvent.raw_text,
                ShipmentEvent.occurred_at,
                func.count(),
            )
            .where(ShipmentEvent.carrier == "dhl")
            .group_by(
                ShipmentEvent.shipment_id,
                ShipmentEvent.leg_id,
                ShipmentEvent.raw_code,
                ShipmentEvent.raw_text,
                ShipmentEvent.occurred_at,
            )
        ).all()


def _stats(carrier_server: str) -> dict:
    return httpx.get(f"{carrier_server}/_sim/stats", headers=KEY).json()


def test_a_worker_killed_mid_round_loses_no_event_and_doubles_none(
    mode, carrier_server, tmp_path: Path, monkeypatch
):
    configure(
        monkeypatch,
        carriers=json.dumps({"dhl": {"base_url": carrier_server, "timeout_seconds": 60}}),
        carrier_poll_seconds="1",
    )
    journeys = _journeys(carrier_server)
    total = sum(len(events) for events in journeys.values())
    httpx.post(
        f"{carrier_server}/_sim/faults",
        headers=KEY,
        json={"faults": ["ok"] * ANSWERED_BEFORE_THE_KILL + ["timeout"], "hang_seconds": HOLD_SECONDS},
    ).raise_for_status()
    settings = get_settings()

    with running(settings, tmp_path / "first", start_worker) as (first,), make_celery(settings) as client:
        client.signature(POLL_CARRIERS, kwargs={"carriers": ["dhl"]}).delay()
        # The worker is inside the held request: the legs before it are answered and committed.
        wait_for(
            lambda: (
                _stats(carrier_server)["requests"] == ANSWERED_BEFORE_THE_KILL + 1
                and len(_stored()) == ANSWERED_BEFORE_THE_KILL * EVENTS_PER_LEG
            ),
            timeout=TIMEOUT,
            interval=0.05,
        )
        kill_hard(first)

    before = _stored()
    assert len(before) == ANSWERED_BEFORE_THE_KILL * EVENTS_PER_LEG < total  # killed mid-way
    with Session(get_engine()) as session:
        assert session.get(CarrierPollState, "dhl") is None  # the round never finished

    with running(settings, tmp_path / "second", start_worker, start_beat) as (second, beat):
        wait_for(lambda: len(_stored()) == total, timeout=TIMEOUT, interval=0.2)
        # One more whole round after that: polling again stores nothing again.
        finished = _stats(carrier_server)["requests"]
        wait_for(lambda: _stats(carrier_server)["requests"] >= finished + len(journeys), timeout=TIMEOUT)
        kill_hard(second, beat)  # done; a warm shutdown on the SQLite broker takes seconds

    after = _stored()
    assert len(after) == total and all(row[-1] == 1 for row in after)  # every event, each once
    with Session(get_engine()) as session:
        assert session.exec(select(func.count()).select_from(ShipmentEvent)).one() == total
        state = session.get(CarrierPollState, "dhl")
        assert state is not None and state.failures == 0 and state.last_success_at is not None
    said = sorted(
        (event["statusCode"], f"{event['status']} - {event['description']}", event["timestamp"])
        for events in journeys.values()
        for event in events
    )
    kept = sorted(
        (code, text, occurred_at.isoformat().replace("+00:00", "Z"))
        for _, _, code, text, occurred_at, _ in after
    )
    assert kept == said  # what the carrier said, nothing else
