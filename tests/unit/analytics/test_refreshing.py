"""While a facts refresh runs the dashboard says so and keeps the figures it has; open dashboards
are reloaded when a refresh begins and when its facts land (the live push)."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import reflex as rx
from sqlmodel import Session

from models.db import get_engine
from models.types import utcnow
from portal import live_updates
from services.analytics import facts
from services.analytics.filters import parse_filter
from services.analytics.tiles import dashboard
from state.analytics.dashboard import KpiState
from state.analytics.watchers import DASHBOARDS, KpiWatchers
from tests.analytics_world import build_world

MARCH = "period=month&day=2026-03-10"


def _view(principal) -> dict:
    with Session(get_engine()) as session:
        result = dashboard(session, principal, parse_filter(MARCH, today=date(2026, 3, 10)))
        session.commit()
    return result


def test_a_running_refresh_shows_as_refreshing_with_the_previous_figures_until_it_lands(any_db_url):
    with Session(get_engine(), expire_on_commit=False) as session:
        world = build_world(session)
        facts.rebuild(session)
        session.commit()
    before = _view(world.manager)
    assert before["refreshing"] is False

    with Session(get_engine()) as session:
        facts.mark_running(session)
        session.commit()
    during = _view(world.manager)
    assert during["refreshing"] is True
    assert [tile["value"] for tile in during["tiles"]] == [tile["value"] for tile in before["tiles"]]

    with Session(get_engine()) as session:
        facts.refresh_changed(session)
        session.commit()
    assert _view(world.manager)["refreshing"] is False


def test_a_refresh_that_died_with_its_worker_stops_showing_after_a_while(any_db_url):
    with Session(get_engine()) as session:
        facts.mark_running(session)
        session.commit()
        assert facts.refresh_state(session)["refreshing"] is True
        later = utcnow() + facts.RUNNING_STALE + timedelta(seconds=1)
        assert facts.refresh_state(session, now=later)["refreshing"] is False


def test_a_request_older_than_the_latest_refresh_is_already_served(any_db_url):
    with Session(get_engine()) as session:
        asked = utcnow()
        assert facts.already_served(session, asked) is False  # never refreshed
        facts.rebuild(session)
        session.commit()
        assert facts.already_served(session, asked) is True
        assert facts.already_served(session, utcnow() + timedelta(seconds=1)) is False


@dataclass
class FakeDashboard:
    shows: bool = True
    reloads: int = 0

    def refresh(self) -> bool:
        self.reloads += 1
        return self.shows


class FakeApp:
    def __init__(self, pages: dict[str, FakeDashboard], connected: set[str]) -> None:
        self.pages = pages

        async def is_connected(_self, token: str) -> bool:
            return token in connected

        tokens = type("Tokens", (), {"is_token_connected": is_connected})
        self.event_namespace = type("Namespace", (), {"_token_manager": tokens()})()
        self.classes: dict[str, type] = {}

    @contextlib.asynccontextmanager
    async def modify_state(self, token):
        self.classes[token.ident] = token.cls
        page = self.pages[token.ident]

        class Root:
            async def get_state(self, _cls):
                return page

        yield Root()


def test_a_facts_notice_reloads_every_open_dashboard_and_forgets_closed_ones() -> None:
    watchers = KpiWatchers()
    for token in ("manager", "dealer", "closed", "signed-out"):
        watchers.watch(token, DASHBOARDS)
    pages = {token: FakeDashboard() for token in ("manager", "dealer", "closed", "signed-out")}
    pages["signed-out"].shows = False
    app = FakeApp(pages, connected={"manager", "dealer", "signed-out"})
    event = {"topic": facts.FACTS_CHANGED, "version": 7}

    assert asyncio.run(live_updates.push_kpis(app, event, watchers)) == 2
    assert (pages["manager"].reloads, pages["dealer"].reloads, pages["closed"].reloads) == (1, 1, 0)
    assert app.classes["manager"] is KpiState
    assert sorted(watchers.tokens_for(DASHBOARDS)) == ["dealer", "manager"]
    assert live_updates.PUSHES[facts.FACTS_CHANGED] is live_updates.push_kpis


def test_an_open_dashboard_reloads_itself_with_the_new_figures(any_db_url, monkeypatch) -> None:
    with Session(get_engine(), expire_on_commit=False) as session:
        world = build_world(session)
        facts.rebuild(session)
        session.commit()
    monkeypatch.setattr(KpiState, "_principal", lambda self, *roles: world.manager)
    root = rx.State(_reflex_internal_init=True)
    page = root.get_substate(KpiState.get_full_name().split(".")[1:])
    page.query = {"period": "month", "day": "2026-03-10"}
    assert page.refresh() is False  # nothing shown yet: nothing to reload
    page._fetch()
    before = {tile["key"]: tile["value"] for tile in page._result["tiles"]}

    from tests.analytics_world import add_order, local

    with Session(get_engine(), expire_on_commit=False) as session:
        add_order(
            session,
            world,
            dealer="a",
            created_at=local(2026, 3, 20, 10),
            status="paid",
            lines=[(world.stock_brake, 1, "100.00")],
            paid_after=timedelta(minutes=2),
        )
        session.commit()
        facts.refresh_changed(session)
        session.commit()
    assert page.refresh() is True
    after = {tile["key"]: tile["value"] for tile in page._result["tiles"]}
    assert Decimal(after["orders"]) == Decimal(before["orders"]) + 1
