"""Ordering a configuration (SQLite): the order is priced as configured and keeps the configuration;
a car built in that configuration at the store is kept for it, else the plant builds it; a broken
rule or bad input names the field and writes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from models import BuiltVehicle, OrderConfiguration, SalesOrder
from models.db import get_engine
from models.types import utcnow
from services.ordering.placement import IdempotencyConflict, cancel_order, get_order
from services.platform.errors import NotFound, ValidationFailed
from services.showroom.configured_orders import availability, order_configuration
from tests.configurator_world import add_built, configured_world
from tests.ordering_world import new_key, stock_of


@pytest.fixture
def session(sqlite_url: str) -> Iterator[Session]:
    with Session(get_engine()) as session:
        yield session


@pytest.fixture
def world(session: Session):
    return configured_world(session)


def _order(session, world, colour="black", packs=("tech", "winter"), **kwargs):
    return order_configuration(
        session,
        kwargs.pop("principal", world.customer),
        trim_id=kwargs.pop("trim_id", world.trim.id),
        colour=colour,
        packs=list(packs),
        location_id=kwargs.pop("location_id", world.store.id),
        idempotency_key=kwargs.pop("key", None) or new_key(),
    )


def _counts(session) -> tuple[int, int]:
    orders = session.execute(select(func.count()).select_from(SalesOrder)).scalar_one()
    configurations = session.execute(select(func.count()).select_from(OrderConfiguration)).scalar_one()
    return orders, configurations


def test_a_car_built_in_that_configuration_at_the_store_is_kept_for_the_order(session, world):
    other = add_built(session, world, "black", "winter")  # other packs: not a match
    match = add_built(session, world, "black", "tech,winter")
    assert availability(
        session,
        trim_id=world.trim.id,
        location_id=world.store.id,
        colour_key="black",
        packs=["winter", "tech"],
    ).in_stock
    ordered = _order(session, world, packs=("winter", "tech"))
    order = ordered.placed.order
    # 200,000 + 4,500 black + 6,000 tech + 3,200.50 winter; 10 % deposit
    assert (order.total, order.deposit) == (Decimal("213700.50"), Decimal("21370.05"))
    assert order.lines[0].unit_price == Decimal("213700.50")
    configuration = ordered.configuration
    assert (configuration.from_plant, configuration.colour_label) == (False, "Black")
    assert [p["code"] for p in configuration.packs] == ["winter", "tech"]
    assert configuration.ready_by == utcnow().date() + timedelta(days=3)
    assert configuration.vin == session.get(BuiltVehicle, match).vin
    assert session.get(BuiltVehicle, match).reserved_order_id == order.id
    assert session.get(BuiltVehicle, other).reserved_order_id is None
    assert stock_of(session, world.trim_store_stock) == (2, 1)


def test_without_a_matching_car_the_plant_builds_it_with_a_longer_promise(session, world):
    car = add_built(session, world, "white", "tech,winter")
    assert not availability(
        session,
        trim_id=world.trim.id,
        location_id=world.store.id,
        colour_key="black",
        packs=["tech", "winter"],
    ).in_stock
    ordered = _order(session, world)
    configuration = ordered.configuration
    assert (configuration.from_plant, configuration.vin) == (True, None)
    assert configuration.ready_by == utcnow().date() + timedelta(days=42)
    assert session.get(BuiltVehicle, car).reserved_order_id is None
    # The plant's car: the unit is the carmaker's (the warehouse's), the store keeps its two cars.
    assert ordered.placed.order.source_location_id == world.warehouse.id
    assert stock_of(session, world.trim_warehouse_stock) == (5, 1)
    assert stock_of(session, world.trim_store_stock) == (2, 0)


def test_a_store_with_no_car_of_the_trim_still_takes_an_order_the_plant_builds(session):
    world = configured_world(session, vehicles_in_store=0)
    ordered = _order(session, world)
    assert ordered.configuration.from_plant
    assert ordered.placed.order.source_location_id == world.warehouse.id
    assert stock_of(session, world.trim_warehouse_stock) == (5, 1)


def test_a_built_car_is_kept_for_one_order_only_and_given_back_when_it_is_cancelled(session, world):
    car = add_built(session, world, "white", "")
    first = _order(session, world, colour="white", packs=())
    second = _order(session, world, colour="white", packs=())
    assert (first.configuration.from_plant, second.configuration.from_plant) == (False, True)
    cancel_order(session, world.customer, first.placed.order.id)
    session.expire_all()
    assert session.get(BuiltVehicle, car).reserved_order_id is None
    assert (
        _order(session, world, colour="white", packs=()).configuration.vin
        == session.get(BuiltVehicle, car).vin
    )


@pytest.mark.parametrize(
    ("colour", "packs", "field", "code"),
    [
        ("red", (), "colour", "configurator.colour_unknown"),
        ("", (), "colour", "configurator.colour_required"),
        ("black", ("winter", "hud"), "packs[1]", "configurator.rule.requires_pack"),
        ("black", ("tow_bar",), "packs[0]", "configurator.rule.requires_trim"),
        ("black", ("winter", "winter"), "packs[1]", "configurator.pack_duplicate"),
        ("black", ("roof_box",), "packs[0]", "configurator.pack_unknown"),
    ],
)
def test_a_broken_rule_or_bad_choice_names_the_field_and_writes_nothing(
    session, world, colour, packs, field, code
):
    add_built(session, world, "black", "")
    with pytest.raises(ValidationFailed) as failed:
        _order(session, world, colour=colour, packs=packs)
    assert (failed.value.field, failed.value.code) == (field, code)
    assert _counts(session) == (0, 0)
    assert stock_of(session, world.trim_store_stock) == (2, 0)


def test_a_place_that_is_not_a_dealer_store_is_named_location_id(session, world):
    for location_id in (world.warehouse.id, "7", None):
        with pytest.raises(ValidationFailed) as failed:
            _order(session, world, location_id=location_id)
        assert failed.value.field == "location_id"
    with pytest.raises(NotFound) as missing:
        _order(session, world, trim_id=999_999)
    assert missing.value.field == "trim_id"
    assert _counts(session) == (0, 0)


def test_a_dealer_cannot_order_a_configuration(session, world):
    with pytest.raises(ValidationFailed) as failed:
        _order(session, world, principal=world.dealer)
    assert failed.value.code == "order.configuration_customers_only"
    assert _counts(session) == (0, 0)


def test_the_same_key_returns_the_same_order_and_another_configuration_is_a_conflict(session, world):
    first = _order(session, world, key="cfg-1")
    again = _order(session, world, key="cfg-1")
    assert again.placed.replayed and again.placed.order.id == first.placed.order.id
    assert again.configuration == first.configuration
    with pytest.raises(IdempotencyConflict):
        _order(session, world, key="cfg-1", packs=("winter",))
    assert _counts(session) == (1, 1)


def test_the_order_page_reads_the_configured_price(session, world):
    placed = _order(session, world, colour="black", packs=("winter",)).placed
    view = get_order(session, world.customer, placed.order.id)
    assert (view.total, view.deposit) == (Decimal("207700.50"), Decimal("20770.05"))
    assert view.amount_due == Decimal("20770.05")
