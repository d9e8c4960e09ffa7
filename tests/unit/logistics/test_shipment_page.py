"""What the shipment page relies on below the browser: where an event is on the map (its own
coordinates, else the offline gazetteer, else nowhere), the ETA notice refresh_eta writes only
when the ETA moved, the notices' routes, and the live push reaching exactly the connected tabs
that show the changed shipment."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from models import OutboxMessage
from models.db import get_engine
from portal import live_updates
from services.logistics import eta, page_view
from services.logistics.eta import ETA_CHANGED
from services.logistics.ingest import SHIPMENT_CHANGED, ingest_payload
from services.logistics.views import TimelineEvent
from state.logistics.shipment_watchers import ShipmentWatchers
from tests.logistics_world import build_world, dhl_document, dhl_event


def _event(**where) -> TimelineEvent:
    fields = dict(country=None, postcode=None, locality=None, latitude=None, longitude=None) | where
    return TimelineEvent(
        occurred_at=datetime(2026, 3, 1, tzinfo=UTC),
        status="in_transit",
        exception_reason=None,
        carrier="dhl",
        raw_code="transit",
        raw_text="Departed",
        source="webhook",
        leg_sequence=1,
        **fields,
    )


def test_an_event_is_placed_by_its_coordinates_then_postcode_then_city():
    assert page_view.event_position(_event(latitude=1.5, longitude=2.5, postcode="200000")) == (1.5, 2.5)
    assert page_view.event_position(_event(country="CN", postcode="200000")) == (31.2304, 121.4737)
    assert page_view.event_position(_event(country="DE", locality="München")) == (48.1374, 11.5755)


def test_an_unknown_or_contradictory_place_is_left_off_the_map():
    assert page_view.event_position(_event(country="DE", locality="Nowhere-on-Sea")) is None
    assert page_view.event_position(_event()) is None
    assert page_view.event_position(_event(country="DE", postcode="200000")) is None  # a Shanghai code


@pytest.fixture
def world(sqlite_url):
    with Session(get_engine()) as session:
        return build_world(session)


@pytest.fixture
def session(world):
    with Session(get_engine(), expire_on_commit=False) as session:
        yield session


def _notices(session, topic) -> int:
    return session.exec(
        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.topic == topic)
    ).one()


def test_refresh_eta_writes_a_notice_only_when_the_eta_moved(world, session):
    tracked = world.shipments["customer_1"]
    now = datetime.now(UTC)
    assert eta.refresh_eta(session, tracked.id, now=now).eta is not None
    assert _notices(session, ETA_CHANGED) == 1
    eta.refresh_eta(session, tracked.id, now=now)  # the same answer: no notice
    assert _notices(session, ETA_CHANGED) == 1
    ingest_payload(
        session,
        carrier="dhl",
        payload=dhl_document(tracked.leg_numbers[0], dhl_event((now - timedelta(hours=1)).isoformat())),
    )
    assert _notices(session, SHIPMENT_CHANGED) == 1
    moved = eta.refresh_eta(session, tracked.id, now=now)
    assert _notices(session, ETA_CHANGED) == 2
    payload = session.exec(
        select(OutboxMessage.payload)
        .where(OutboxMessage.topic == ETA_CHANGED)
        .order_by(OutboxMessage.id.desc())
    ).first()
    assert payload == {"shipment_id": tracked.id, "eta": moved.eta.isoformat(), "promise_at_risk": False}


def test_the_shipment_notices_reach_the_shipment_pages_and_redis(monkeypatch):
    from workers import tasks

    published, refreshed = [], []
    monkeypatch.setattr(tasks.live, "publish", lambda payload, topic=None: published.append(topic))
    monkeypatch.setattr(tasks.refresh_eta, "delay", lambda shipment_id: refreshed.append(shipment_id))
    tasks.ROUTES[SHIPMENT_CHANGED].deliver({"shipment_id": 4})
    tasks.ROUTES[ETA_CHANGED].deliver({"shipment_id": 4})
    assert published == [SHIPMENT_CHANGED, ETA_CHANGED] and refreshed == [4]
    assert (
        live_updates.PUSHES[SHIPMENT_CHANGED]
        is live_updates.PUSHES[ETA_CHANGED]
        is live_updates.push_shipment
    )


class FakePage:
    def __init__(self, shipment_id: int, visible: bool = True) -> None:
        self.shipment_id = shipment_id
        self.visible = visible
        self.reloads = 0

    def reload(self) -> bool:
        self.reloads += 1
        return self.visible


class FakeApp:
    def __init__(self, pages: dict[str, FakePage], connected: set[str]) -> None:
        self.pages = pages
        tokens = type("Tokens", (), {"is_token_connected": lambda _self, token: _connected(token, connected)})
        self.event_namespace = type("Namespace", (), {"_token_manager": tokens()})()

    @contextlib.asynccontextmanager
    async def modify_state(self, token):
        page = self.pages[token.ident]

        class Root:
            async def get_state(self, _cls):
                return page

        yield Root()


async def _connected(token: str, connected: set[str]) -> bool:
    return token in connected


def test_a_shipment_change_reloads_the_connected_tabs_showing_it_only():
    pages = {
        "showing": FakePage(7),
        "gone": FakePage(7),
        "moved-on": FakePage(8),
        "no-longer-allowed": FakePage(7, visible=False),
        "other": FakePage(8),
    }
    watchers = ShipmentWatchers()
    for token in ("showing", "gone", "moved-on", "no-longer-allowed"):
        watchers.watch(token, 7)
    watchers.watch("other", 8)
    app = FakeApp(pages, connected={"showing", "moved-on", "no-longer-allowed", "other"})
    assert asyncio.run(live_updates.push_shipment(app, {"shipment_id": 7}, watchers)) == 1
    assert pages["showing"].reloads == 1 and pages["other"].reloads == 0 and pages["moved-on"].reloads == 0
    assert watchers.tokens_for(7) == ["showing"] and watchers.tokens_for(8) == ["other"]
    assert asyncio.run(live_updates.push_shipment(app, {"shipment_id": "7"}, watchers)) == 0
