"""The desk's live push: a test-drive notice reloads exactly the connected tabs showing that
drive's store; every desk topic (the public booking's and the desk's own) has the push."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session

from models.db import get_engine
from portal import live_updates
from services.showroom import booking, dealer_desk
from state.showroom.desk_watchers import DeskWatchers
from tests.showroom_world import make_world, visitor

AT = datetime(2026, 3, 23, 9, 10, tzinfo=UTC)


@dataclass
class FakeDesk:
    store_id: str
    reloads: int = 0

    def refresh(self) -> None:
        self.reloads += 1


class FakeRoot:
    def __init__(self, page: FakeDesk) -> None:
        self.page = page

    async def get_state(self, _state_class) -> FakeDesk:
        return self.page


class FakeApp:
    """What the push needs of rx.App: the socket's token manager and modify_state."""

    def __init__(self, pages: dict[str, FakeDesk], connected: set[str]) -> None:
        self.pages = pages

        async def is_connected(_self, token: str) -> bool:
            return token in connected

        tokens = type("Tokens", (), {"is_token_connected": is_connected})
        self.event_namespace = type("Namespace", (), {"_token_manager": tokens()})()

    @contextlib.asynccontextmanager
    async def modify_state(self, token):
        yield FakeRoot(self.pages[token.ident])


def test_a_booking_reloads_the_connected_calendars_of_its_store(sqlite_url):
    with Session(get_engine()) as session:
        world = make_world(session)
        drive = dealer_desk.walk_in(session, world.dealer, trim=world.trim_code, visitor=visitor(), now=AT)
        drive_id = drive.id
    store = str(world.store_id)
    watchers = DeskWatchers()
    for token, store_id in (("mine", world.store_id), ("gone", world.store_id), ("elsewhere", 999)):
        watchers.watch(token, store_id)
    pages = {"mine": FakeDesk(store), "gone": FakeDesk(store), "elsewhere": FakeDesk("999")}
    app = FakeApp(pages, connected={"mine", "elsewhere"})
    event = {"topic": booking.BOOKED, "test_drive_id": drive_id, "version": 1}

    assert asyncio.run(live_updates.push_test_drive(app, event, watchers)) == 1
    assert (pages["mine"].reloads, pages["gone"].reloads, pages["elsewhere"].reloads) == (1, 0, 0)
    assert watchers.tokens_for(world.store_id) == ["mine"]  # the disconnected tab is forgotten
    assert asyncio.run(live_updates.push_test_drive(app, {**event, "test_drive_id": 10**9}, watchers)) == 0


def test_every_test_drive_topic_has_the_desk_push():
    topics = (
        booking.BOOKED,
        booking.RESCHEDULED,
        booking.CANCELLED,
        dealer_desk.CHECKED_IN,
        dealer_desk.COMPLETED,
        dealer_desk.NO_SHOW,
        dealer_desk.MOVED,
    )
    assert all(live_updates.PUSHES[topic] is live_updates.push_test_drive for topic in topics)
