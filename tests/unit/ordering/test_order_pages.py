"""What the order pages rely on below the browser: the cart's server-side prices and the deposit
match what placement charges; the registry of tabs per order; and the live push reaching exactly the
connected tabs that show the changed order."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from decimal import Decimal

import pytest

from models import OrderStatus
from portal import live_updates
from services.ordering import placement as ordering
from services.ordering.cart_pricing import customer_deposit, find_item, quote_cart, stores_holding
from services.platform.errors import NotFound, PermissionDenied
from state.ordering.order_watchers import OrderWatchers
from tests.ordering_world import new_key, part_line

# --- prices ------------------------------------------------------------------------------------


def test_the_cart_quote_is_what_placement_charges(session, world) -> None:
    first, second = world.parts
    quote = quote_cart(session, world.dealer, [("part", first.id, 3), ("part", second.id, 2)])
    placed = ordering.place_order(
        session,
        world.dealer,
        lines=[part_line(first, 3), part_line(second, 2)],
        buyer_location_id=world.store.id,
        idempotency_key=new_key(),
    )
    assert [line.line_total for line in quote.lines] == [line.line_total for line in placed.order.lines]
    assert quote.totals == {"CNY": placed.order.total}


def test_a_customers_deposit_preview_is_the_deposit_placement_takes(session, world) -> None:
    trim = find_item(session, world.customer, "trim", world.trim.code)
    placed = ordering.place_order(
        session,
        world.customer,
        lines=[{"item_kind": "trim", "item_id": trim.id, "quantity": 1}],
        buyer_location_id=world.store.id,
        idempotency_key=new_key(),
    )
    assert customer_deposit(trim.unit_price) == placed.order.deposit == Decimal("20000.00")


def test_the_deposit_rounds_half_up_to_the_cent() -> None:
    assert customer_deposit(Decimal("100.05")) == Decimal("10.01")  # 10.005 -> 10.01


def test_a_customer_cannot_price_parts_and_unknown_items_are_named(session, world) -> None:
    with pytest.raises(PermissionDenied):
        quote_cart(session, world.customer, [("part", world.parts[0].id, 1)])
    with pytest.raises(NotFound) as unknown:
        find_item(session, world.dealer, "part", "NO-SUCH-SKU")
    assert unknown.value.params["item"] == "NO-SUCH-SKU"


def test_only_stores_with_a_free_vehicle_are_offered_as_in_stock(session, world) -> None:
    assert stores_holding(session, world.trim.id) == {world.store.id}
    for _ in range(2):  # the store holds two: reserve both
        ordering.place_order(
            session,
            world.customer,
            lines=[{"item_kind": "trim", "item_id": world.trim.id, "quantity": 1}],
            buyer_location_id=world.store.id,
            idempotency_key=new_key(),
        )
    assert stores_holding(session, world.trim.id) == set()


# --- the registry of tabs ---------------------------------------------------------------------------


def test_a_tab_watches_one_order_at_a_time() -> None:
    watchers = OrderWatchers()
    watchers.watch("tab-a", 1)
    watchers.watch("tab-b", 1)
    watchers.watch("tab-a", 2)  # tab a moved on to order 2
    assert watchers.tokens_for(1) == ["tab-b"]
    assert watchers.tokens_for(2) == ["tab-a"]
    watchers.forget("tab-b", 2)  # not the order it shows: nothing changes
    assert watchers.tokens_for(1) == ["tab-b"]
    watchers.forget("tab-b")
    assert watchers.tokens_for(1) == [] and len(watchers) == 1


# --- the live push ----------------------------------------------------------------------------------


@dataclass
class FakePage:
    order_id: int
    shown: list[dict] = field(default_factory=list)

    def show(self, order: dict) -> None:
        self.shown.append(order)


class FakeRoot:
    def __init__(self, page: FakePage) -> None:
        self.page = page

    async def get_state(self, _state_class) -> FakePage:
        return self.page


class FakeTokens:
    def __init__(self, connected: set[str]) -> None:
        self.connected = connected

    async def is_token_connected(self, token: str) -> bool:
        return token in self.connected


class FakeApp:
    """What push_order needs of rx.App: the socket's token manager and modify_state."""

    def __init__(self, pages: dict[str, FakePage], connected: set[str]) -> None:
        self.pages = pages
        self.event_namespace = type("Namespace", (), {"_token_manager": FakeTokens(connected)})()
        self.modified: list[str] = []

    @contextlib.asynccontextmanager
    async def modify_state(self, token):
        self.modified.append(token.ident)
        yield FakeRoot(self.pages[token.ident])


def test_a_change_reaches_the_connected_tabs_showing_that_order_only(session, world) -> None:
    placed = ordering.place_order(
        session,
        world.dealer,
        lines=[part_line(world.parts[0], 1)],
        buyer_location_id=world.store.id,
        idempotency_key=new_key(),
    )
    order_id = placed.order.id
    pages = {
        "showing": FakePage(order_id),
        "gone": FakePage(order_id),
        "moved-on": FakePage(order_id + 1),
        "other-order": FakePage(order_id + 1),
    }
    watchers = OrderWatchers()
    for token in ("showing", "gone", "moved-on"):
        watchers.watch(token, order_id)
    watchers.watch("other-order", order_id + 1)
    app = FakeApp(pages, connected={"showing", "moved-on", "other-order"})

    updated = asyncio.run(live_updates.push_order(app, order_id, watchers))

    assert updated == 1
    assert [order["status"] for order in pages["showing"].shown] == [OrderStatus.PENDING_PAYMENT]
    assert pages["showing"].shown[0]["number"] == placed.order.number
    assert pages["moved-on"].shown == [] and pages["other-order"].shown == []
    assert "other-order" not in app.modified and "gone" not in app.modified
    # The disconnected tab and the tab that moved on are forgotten; the others stay.
    assert watchers.tokens_for(order_id) == ["showing"]
    assert watchers.tokens_for(order_id + 1) == ["other-order"]


def test_a_change_to_an_order_nobody_shows_reads_nothing(session, world, monkeypatch) -> None:
    monkeypatch.setattr(live_updates, "_load_order", lambda order_id: pytest.fail("read an order"))
    app = FakeApp({}, connected=set())
    assert asyncio.run(live_updates.push_order(app, 12345, OrderWatchers())) == 0
