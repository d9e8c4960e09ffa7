"""The dealer's cart on the server: it follows the user (a new tab, another device, after logout),
keeps what was typed, stays the user's own, and is bounded like an order."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlmodel import Session

from models.db import get_engine
from services.identity.auth import principal_for
from services.ordering import carts
from services.platform.errors import NotFound, PermissionDenied, ValidationFailed
from tests.factories import make_part, make_user
from tests.ordering_world import World, build_world


@pytest.fixture
def session(any_db_url: str) -> Iterator[Session]:
    with Session(get_engine()) as session:
        yield session


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session)


def _quantities(lines: list[dict]) -> list[tuple[str, str]]:
    return [(line["code"], line["quantity"]) for line in lines]


def test_the_cart_is_kept_for_the_user_and_read_back_anywhere(session, world) -> None:
    first, second = world.parts[0], world.parts[1]
    expected_codes = (first.sku, second.sku, world.trim.code)
    item, lines = carts.add_to_cart(session, world.dealer, "part", first.sku)
    assert item["code"] == first.sku and _quantities(lines) == [(first.sku, "1")]
    carts.add_to_cart(session, world.dealer, "part", second.sku)
    _, lines = carts.add_to_cart(session, world.dealer, "part", first.sku)  # one more of the first
    assert _quantities(lines) == [(first.sku, "2"), (second.sku, "1")]
    carts.add_to_cart(session, world.dealer, "trim", world.trim.code)

    # Another session (a new tab, a new device, after logging in again) reads the same cart.
    session.close()
    with Session(get_engine()) as elsewhere:
        again = carts.cart_lines(elsewhere, world.dealer)
    assert _quantities(again) == list(zip(expected_codes, ("2", "1", "1"), strict=True))
    assert [line["kind"] for line in again] == ["part", "part", "trim"]


def test_a_quantity_is_kept_as_typed_and_lines_come_out(session, world) -> None:
    part = world.parts[0]
    carts.add_to_cart(session, world.dealer, "part", part.sku)
    lines = carts.set_cart_quantity(session, world.dealer, "part", part.id, " 2.5 ")
    assert _quantities(lines) == [(part.sku, "2.5")]  # refused by the cart beside the line, not lost
    _, lines = carts.add_to_cart(session, world.dealer, "part", part.sku)
    assert _quantities(lines) == [(part.sku, "1")]  # "one more" of no number starts again at 1
    assert carts.remove_from_cart(session, world.dealer, "part", part.id) == []
    assert carts.set_cart_quantity(session, world.dealer, "part", part.id, "4") == []  # gone stays gone
    carts.add_to_cart(session, world.dealer, "part", part.sku)
    carts.clear_cart(session, world.dealer)
    assert carts.cart_lines(session, world.dealer) == []


def test_a_cart_is_its_users_own_and_only_dealers_have_one(session, world) -> None:
    colleague = make_user(session, "dealer", world.dealer_org)
    session.commit()
    colleague_principal = principal_for(colleague, world.dealer_org)
    carts.add_to_cart(session, world.dealer, "part", world.parts[0].sku)
    assert carts.cart_lines(session, colleague_principal) == []
    assert carts.remove_from_cart(session, colleague_principal, "part", world.parts[0].id) == []
    assert len(carts.cart_lines(session, world.dealer)) == 1  # the colleague removed nothing
    with pytest.raises(PermissionDenied):
        carts.add_to_cart(session, world.customer, "trim", world.trim.code)
    with pytest.raises(PermissionDenied):
        carts.cart_lines(session, world.customer)
    with pytest.raises(NotFound) as unknown:
        carts.add_to_cart(session, world.dealer, "part", "NO-SUCH-SKU")
    assert unknown.value.code == "order.item_unknown"


def test_a_cart_holds_at_most_an_orders_lines(session, world, monkeypatch) -> None:
    monkeypatch.setattr(carts, "MAX_CART_LINES", 3)
    extra = [make_part(session, world.supplier) for _ in range(3)]
    session.commit()
    for part in [*world.parts[:1], *extra[:2]]:
        carts.add_to_cart(session, world.dealer, "part", part.sku)
    with pytest.raises(ValidationFailed) as full:
        carts.add_to_cart(session, world.dealer, "part", extra[2].sku)
    assert full.value.code == "order.too_many_lines"
    _, lines = carts.add_to_cart(session, world.dealer, "part", extra[0].sku)  # more of a line is fine
    assert len(lines) == 3
