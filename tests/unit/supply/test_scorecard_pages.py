"""What the scorecard pages rely on below the browser: the registry of tabs showing a card or the
ranking, the live push reaching exactly the tabs a recompute changed, and the card's reload."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
import reflex as rx
from sqlmodel import Session

from models.db import get_engine
from portal import live_updates
from services.supply import scorecards
from state.supply.scorecards import ScorecardState
from state.supply.scorecards.watchers import CARD, RANKING, ScorecardWatchers
from tests.supply_world import acknowledge_all, build_world, hand_checked_month, issue, receive, ship

AS_OF = datetime(2026, 4, 10, 2, 0, tzinfo=UTC)


@pytest.fixture
def session(sqlite_url):
    with Session(get_engine(), expire_on_commit=False) as session:
        yield session


@dataclass
class FakePage:
    reloads: int = 0

    def refresh(self) -> None:
        self.reloads += 1


class FakeRoot:
    def __init__(self, page: FakePage) -> None:
        self.page = page

    async def get_state(self, _state_class) -> FakePage:
        return self.page


class FakeApp:
    """What push_scorecards needs of rx.App: the socket's token manager and modify_state."""

    def __init__(self, pages: dict[str, FakePage], connected: set[str]) -> None:
        self.pages = pages
        tokens = type("Tokens", (), {"is_token_connected": lambda _self, token: _connected(token, connected)})
        self.event_namespace = type("Namespace", (), {"_token_manager": tokens()})()
        self.classes: dict[str, type] = {}

    @contextlib.asynccontextmanager
    async def modify_state(self, token):
        self.classes[token.ident] = token.cls
        yield FakeRoot(self.pages[token.ident])


async def _connected(token: str, connected: set[str]) -> bool:
    return token in connected


def test_a_recompute_reloads_the_cards_it_changed_and_every_ranking_on_connected_tabs() -> None:
    watchers = ScorecardWatchers()
    watchers.watch("card-1", CARD, 1)
    watchers.watch("card-2", CARD, 2)
    watchers.watch("ranking", RANKING)
    watchers.watch("gone", CARD, 1)
    pages = {token: FakePage() for token in ("card-1", "card-2", "ranking", "gone")}
    app = FakeApp(pages, connected={"card-1", "card-2", "ranking"})
    event = {"topic": scorecards.SCORECARDS_CHANGED, "supplier_ids": [1]}

    assert asyncio.run(live_updates.push_scorecards(app, event, watchers)) == 2

    assert (pages["card-1"].reloads, pages["ranking"].reloads, pages["card-2"].reloads) == (1, 1, 0)
    assert app.classes["ranking"].__name__ == "RankingState"
    assert "gone" not in app.classes and [token for token, _ in watchers.affected(None)] == [
        "card-1",
        "card-2",
        "ranking",
    ]
    # A recompute of every supplier reloads every card.
    assert asyncio.run(live_updates.push_scorecards(app, {**event, "supplier_ids": None}, watchers)) == 3


def test_an_open_card_shows_the_new_scores_after_a_recompute(session, monkeypatch) -> None:
    world = build_world(session, parts_per_supplier=4)
    hand_checked_month(session, world)
    scorecards.recompute_scorecards(session, "2026-01", "2026-04", as_of=AS_OF)
    monkeypatch.setattr(ScorecardState, "_principal", lambda self, *roles: world.first.principal)
    root = rx.State(_reflex_internal_init=True)
    page = root.get_substate(ScorecardState.get_full_name().split(".")[1:])
    page._read()
    before = page.head["score"]

    # More rejects arrive in March and the worker recomputes: the open page reloads itself.
    order = acknowledge_all(session, world, issue(session, world, [100]))
    receive(session, world, ship(session, world, order, [100]), [50], [50])
    scorecards.recompute_scorecards(session, "2026-01", "2026-04", as_of=AS_OF)
    page.refresh()

    assert page.head["score"] != before
    quality = next(card for card in page.cards if card["name"] == "quality")
    assert quality["figures"].startswith("52 rejected of 1,100 received")  # 2 before, 50 now
