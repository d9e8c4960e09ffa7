"""Placing, reading and cancelling orders: validation that names the line, server prices, all-or-nothing
reservations, idempotent placement, and organisation scoping."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlmodel import delete, func, select

from models import (
    OrderStatus,
    OutboxMessage,
    Payment,
    PaymentStatus,
    SalesOrder,
    SalesOrderLine,
    StockLevel,
)
from services.catalog.lists import Page
from services.i18n import translate
from services.identity.auth import Principal, principal_for
from services.ordering import placement as ordering
from services.ordering.placement import IdempotencyConflict, OutOfStock
from services.ordering.states import IllegalTransition
from services.platform.errors import NotFound, PermissionDenied, ValidationFailed
from tests.factories import make_location, make_org, make_part, make_stock, make_user
from tests.ordering_world import (
    make_customer,
    make_dealer,
    new_key,
    part_line,
    stock_of,
)


def place(session, world, lines, principal=None, **kwargs):
    kwargs.setdefault("buyer_location_id", world.store.id)
    kwargs.setdefault("idempotency_key", new_key())
    return ordering.place_order(session, principal or world.dealer, lines=lines, **kwargs)


def order_count(session) -> int:
    return session.exec(select(func.count()).select_from(SalesOrder)).one()


# --- placing ---------------------------------------------------------------------------------


def test_a_dealer_order_reserves_stock_and_waits_for_payment(session, world):
    placed = place(session, world, [part_line(world.parts[0], 3), part_line(world.parts[1], 2)])
    order = placed.order
    assert not placed.replayed
    assert order.status == "pending_payment" and order.number == f"SO-{order.id:06d}"
    assert order.total == Decimal("81.00") and order.amount_due == Decimal("81.00") and order.deposit is None
    assert [(line.line_no, line.quantity, line.line_total) for line in order.lines] == [
        (1, 3, Decimal("30.00")),
        (2, 2, Decimal("51.00")),
    ]
    assert order.source_location_id == world.warehouse.id and order.seller_organisation_id == world.oem.id
    assert [(t.from_status, t.to_status) for t in order.timeline] == [(None, "pending_payment")]
    assert stock_of(session, world.part_stock[0]) == (100, 3)
    assert stock_of(session, world.part_stock[1]) == (100, 2)
    payment = session.exec(select(Payment).where(Payment.order_id == order.id)).one()
    assert payment.status == PaymentStatus.PENDING and payment.amount == Decimal("81.00")
    topics = session.exec(select(OutboxMessage.topic, OutboxMessage.payload)).all()
    assert ("order.placed", {"order_id": order.id, "number": order.number}) in topics
    assert (order.hold_expires_at - order.created_at).total_seconds() == 15 * 60


def test_prices_come_from_the_server_price_list_not_the_client(session, world):
    lines = [{**part_line(world.parts[0], 2), "unit_price": "0.01", "line_total": "0.02"}]
    order = place(session, world, lines).order
    assert order.lines[0].unit_price == Decimal("10.00")
    assert order.total == Decimal("20.00")


def test_the_price_at_placement_stays_on_the_order_when_the_list_price_changes(session, world):
    order = place(session, world, [part_line(world.parts[0], 1)]).order
    world.parts[0].list_price = Decimal("99.00")
    session.add(world.parts[0])
    session.commit()
    again = ordering.get_order(session, world.dealer, order.id)
    assert again.lines[0].unit_price == Decimal("10.00") and again.total == Decimal("10.00")


def test_items_can_be_named_by_sku_or_trim_code(session, world):
    order = place(
        session,
        world,
        [
            {"item_kind": "part", "sku": world.parts[1].sku, "quantity": 1},
            {"item_kind": "trim", "code": world.trim.code, "quantity": 1},
        ],
    ).order
    assert [line.item_code for line in order.lines] == [world.parts[1].sku, world.trim.code]
    assert stock_of(session, world.trim_warehouse_stock) == (5, 1)


@pytest.mark.parametrize(
    "lines,field,code,params",
    [
        ([], "lines", "order.lines_required", {}),
        (["not a line"], "lines[0]", "order.line_invalid", {"line": 1}),
        (
            [{"item_kind": "tyre", "item_id": 1, "quantity": 1}],
            "lines[0].item_kind",
            "order.item_kind_invalid",
            {"line": 1},
        ),
        ([{"item_kind": "part", "quantity": 1}], "lines[0].item_id", "order.item_required", {"line": 1}),
        (
            [{"item_kind": "part", "item_id": 999999, "quantity": 1}],
            "lines[0].item_id",
            "order.item_unknown",
            {"line": 1, "item": "999999"},
        ),
        (
            [{"item_kind": "part", "sku": "NO-SUCH", "quantity": 1}],
            "lines[0].sku",
            "order.item_unknown",
            {"line": 1, "item": "NO-SUCH"},
        ),
    ],
)
def test_a_malformed_cart_is_refused_naming_the_line(session, world, lines, field, code, params):
    with pytest.raises(ValidationFailed) as raised:
        place(session, world, lines)
    assert (raised.value.field, raised.value.code) == (field, code)
    assert raised.value.params == params
    assert order_count(session) == 0


@pytest.mark.parametrize(
    "quantity,code",
    [
        (0, "order.quantity_not_positive"),
        (-3, "order.quantity_not_positive"),
        (1.5, "order.quantity_invalid"),
        ("2", "order.quantity_invalid"),
        (True, "order.quantity_invalid"),
        (None, "order.quantity_invalid"),
        (1001, "order.quantity_too_large"),
    ],
)
def test_quantities_must_be_whole_positive_and_within_the_line_maximum(session, world, quantity, code):
    lines = [part_line(world.parts[0], 1), {**part_line(world.parts[1], 1), "quantity": quantity}]
    with pytest.raises(ValidationFailed) as raised:
        place(session, world, lines)
    assert raised.value.field == "lines[1].quantity" and raised.value.code == code
    assert raised.value.params["line"] == 2
    assert stock_of(session, world.part_stock[0]) == (100, 0)


def test_vehicles_have_a_smaller_line_maximum(session, world):
    with pytest.raises(ValidationFailed) as raised:
        place(session, world, [{"item_kind": "trim", "item_id": world.trim.id, "quantity": 11}])
    assert raised.value.code == "order.quantity_too_large" and raised.value.params["max"] == 10


def test_the_same_item_on_two_lines_is_refused(session, world):
    with pytest.raises(ValidationFailed) as raised:
        place(
            session,
            world,
            [
                part_line(world.parts[0], 1),
                part_line(world.parts[1], 1),
                {"item_kind": "part", "sku": world.parts[0].sku, "quantity": 2},
            ],
        )
    assert raised.value.field == "lines[2]" and raised.value.code == "order.line_duplicate"
    assert raised.value.params == {"line": 3, "other": 1, "item": world.parts[0].sku}


def test_parts_costed_in_other_currencies_are_priced_in_the_buyers_market_currency(session, world):
    euro_part = make_part(session, world.supplier, price="8.00", currency="EUR")  # listed at 8.00 CNY
    make_stock(session, world.warehouse, euro_part, on_hand=10)
    session.commit()
    order = place(session, world, [part_line(world.parts[0], 1), part_line(euro_part, 2)]).order
    assert order.currency == "CNY" and {line.currency for line in order.lines} == {"CNY"}
    assert order.total == Decimal("26.00")


def test_an_item_the_buyers_market_does_not_list_is_refused_naming_it(session, world):
    unlisted = make_part(session, world.supplier, price="0.00")  # a zero price is never listed
    make_stock(session, world.warehouse, unlisted, on_hand=10)
    session.commit()
    with pytest.raises(ValidationFailed) as raised:
        place(session, world, [part_line(world.parts[0], 1), part_line(unlisted, 1)])
    assert raised.value.field == "lines[1]" and raised.value.code == "order.item_no_market_price"
    assert raised.value.params["item"] == unlisted.sku
    assert order_count(session) == 0


def test_a_dealer_can_only_buy_for_its_own_locations(session, world):
    _, _, other_store = make_dealer(session)
    session.commit()
    for location_id in (other_store.id, world.warehouse.id, 987654, "1"):
        with pytest.raises(ValidationFailed) as raised:
            place(session, world, [part_line(world.parts[0], 1)], buyer_location_id=location_id)
        assert raised.value.field == "buyer_location_id"
    assert order_count(session) == 0


def test_checkout_offers_exactly_the_locations_placement_accepts(session, world):
    _, _, other_store = make_dealer(session)
    session.commit()
    dealer_choices = {row["id"] for row in ordering.delivery_locations(session, world.dealer)}
    customer_choices = {row["id"] for row in ordering.delivery_locations(session, world.customer)}
    assert dealer_choices == {world.store.id}
    assert customer_choices >= {world.store.id, other_store.id}
    assert world.warehouse.id not in customer_choices
    line = [{"item_kind": "trim", "item_id": world.trim.id, "quantity": 1}]
    with pytest.raises(OutOfStock):  # accepted as a place to buy at: the other store has no cars
        place(session, world, line, principal=world.customer, buyer_location_id=other_store.id)


def test_the_source_must_be_an_oem_warehouse(session, world):
    for location_id in (world.store.id, 987654):
        with pytest.raises(ValidationFailed) as raised:
            place(session, world, [part_line(world.parts[0], 1)], source_location_id=location_id)
        assert raised.value.field == "source_location_id"
        assert raised.value.code == "order.source_location_invalid"


def test_suppliers_and_managers_cannot_place_orders(session, world):
    manager = Principal(**{**world.dealer.as_dict(), "role": "manager"})
    with pytest.raises(PermissionDenied):
        place(session, world, [part_line(world.parts[0], 1)], principal=manager)


def test_an_idempotency_key_is_required(session, world):
    for key in ("", "   ", "x" * 101):
        with pytest.raises(ValidationFailed) as raised:
            place(session, world, [part_line(world.parts[0], 1)], idempotency_key=key)
        assert raised.value.field == "idempotency_key"


# --- choosing the warehouse ------------------------------------------------------------------


def test_the_warehouse_that_can_fill_the_whole_cart_is_chosen(session, world):
    second = make_location(session, world.oem, kind="warehouse")
    make_stock(session, second, world.parts[0], on_hand=500)  # more of part 0, but none of part 1
    session.commit()
    order = place(session, world, [part_line(world.parts[0], 5), part_line(world.parts[1], 5)]).order
    assert order.source_location_id == world.warehouse.id
    only_part0 = place(session, world, [part_line(world.parts[0], 5)]).order
    assert only_part0.source_location_id == second.id  # the one with the most free


def test_a_given_warehouse_is_used(session, world):
    second = make_location(session, world.oem, kind="warehouse")
    stock = make_stock(session, second, world.parts[0], on_hand=7)
    session.commit()
    order = place(session, world, [part_line(world.parts[0], 2)], source_location_id=second.id).order
    assert order.source_location_id == second.id
    assert stock_of(session, stock.id) == (7, 2)


# --- shortages -------------------------------------------------------------------------------


def test_a_short_line_reserves_nothing_and_says_which_line_and_how_many_are_free(session, world):
    place(session, world, [part_line(world.parts[1], 96)])  # 4 of part 1 left
    with pytest.raises(OutOfStock) as raised:
        place(session, world, [part_line(world.parts[0], 10), part_line(world.parts[1], 5)])
    error = raised.value
    assert error.status == 409 and error.field == "lines[1].quantity"
    assert [(s.index, s.item_code, s.requested, s.available) for s in error.shortages] == [
        (1, world.parts[1].sku, 5, 4)
    ]
    assert translate(error.code, **error.params) == (
        f"Not enough stock for line 2 ({world.parts[1].sku}): 4 available, 5 requested."
    )
    assert stock_of(session, world.part_stock[0]) == (100, 0)  # line 1 was not reserved either
    assert stock_of(session, world.part_stock[1]) == (100, 96)
    assert order_count(session) == 1


def test_every_short_line_is_listed(session, world):
    with pytest.raises(OutOfStock) as raised:
        place(session, world, [part_line(world.parts[0], 101), part_line(world.parts[1], 150)])
    assert [(s.index, s.available) for s in raised.value.shortages] == [(0, 100), (1, 100)]
    assert raised.value.params["shortages"][1]["requested"] == 150


def test_an_item_no_warehouse_stocks_is_short_with_none_available(session, world):
    unstocked = make_part(session, world.supplier)
    session.commit()
    with pytest.raises(OutOfStock) as raised:
        place(session, world, [part_line(unstocked, 2)])
    assert [(s.index, s.requested, s.available) for s in raised.value.shortages] == [(0, 2, 0)]
    assert order_count(session) == 0


def test_an_item_the_warehouse_does_not_stock_is_short_with_none_available(session, world):
    unstocked = make_part(session, world.supplier)
    session.commit()
    with pytest.raises(OutOfStock) as raised:
        place(
            session,
            world,
            [part_line(world.parts[0], 1), part_line(unstocked, 1)],
            source_location_id=world.warehouse.id,
        )
    assert [(s.index, s.available) for s in raised.value.shortages] == [(1, 0)]
    assert stock_of(session, world.part_stock[0]) == (100, 0)


# --- idempotency (sequential; the concurrent case is in tests/integration) --------------------


def test_repeating_a_placement_returns_the_same_order_and_reserves_once(session, world):
    lines = [part_line(world.parts[0], 3), part_line(world.parts[1], 1)]
    first = place(session, world, lines, idempotency_key="checkout-1")
    again = place(session, world, list(reversed(lines)), idempotency_key="checkout-1")
    assert again.replayed and again.order.id == first.order.id
    assert again.order.total == first.order.total
    assert stock_of(session, world.part_stock[0]) == (100, 3)
    assert order_count(session) == 1


def test_reusing_a_key_for_different_lines_is_refused(session, world):
    place(session, world, [part_line(world.parts[0], 3)], idempotency_key="checkout-1")
    with pytest.raises(IdempotencyConflict) as raised:
        place(session, world, [part_line(world.parts[0], 4)], idempotency_key="checkout-1")
    assert raised.value.field == "idempotency_key" and raised.value.status == 422
    assert stock_of(session, world.part_stock[0]) == (100, 3)


def test_keys_belong_to_one_organisation(session, world):
    other_org, other_dealer, other_store = make_dealer(session)
    session.commit()
    first = place(session, world, [part_line(world.parts[0], 1)], idempotency_key="same-key")
    second = place(
        session,
        world,
        [part_line(world.parts[0], 1)],
        principal=other_dealer,
        buyer_location_id=other_store.id,
        idempotency_key="same-key",
    )
    assert not second.replayed and second.order.id != first.order.id


def test_a_customer_cannot_reach_another_customers_order_through_its_key(session, world):
    other = make_customer(session)
    session.commit()
    line = [{"item_kind": "trim", "item_id": world.trim.id, "quantity": 1}]
    place(session, world, line, principal=world.customer, idempotency_key="k")
    with pytest.raises(IdempotencyConflict):
        place(session, world, line, principal=other, idempotency_key="k")


def test_an_out_of_stock_key_can_be_retried_once_stock_arrives(session, world):
    with pytest.raises(OutOfStock):
        place(session, world, [part_line(world.parts[0], 150)], idempotency_key="retry")
    session.exec(select(StockLevel).where(StockLevel.id == world.part_stock[0])).one().on_hand = 200
    session.commit()
    assert place(session, world, [part_line(world.parts[0], 150)], idempotency_key="retry").order.id


# --- customers -------------------------------------------------------------------------------


def test_a_customer_orders_one_vehicle_at_a_dealer_store_and_pays_a_deposit(session, world):
    order = place(
        session,
        world,
        [{"item_kind": "trim", "item_id": world.trim.id, "quantity": 1}],
        principal=world.customer,
    ).order
    assert order.kind == "customer_vehicle"
    assert order.source_location_id == world.store.id  # from the store's own stock
    assert order.seller_organisation_id == world.dealer_org.id
    assert order.total == Decimal("200000.00") and order.deposit == Decimal("20000.00")
    assert order.amount_due == Decimal("20000.00")
    assert stock_of(session, world.trim_store_stock) == (2, 1)
    assert stock_of(session, world.trim_warehouse_stock) == (5, 0)


@pytest.mark.parametrize(
    "lines,field,code",
    [
        (
            [{"item_kind": "trim", "item_id": None, "code": None, "quantity": 2}],
            "lines[0].item_id",
            "order.item_required",
        ),
        (
            [{"item_kind": "part", "item_id": 1, "quantity": 1}],
            "lines[0].item_kind",
            "order.customer_vehicles_only",
        ),
    ],
)
def test_a_customer_cannot_order_parts_or_unnamed_items(session, world, lines, field, code):
    with pytest.raises(ValidationFailed) as raised:
        place(session, world, lines, principal=world.customer)
    assert (raised.value.field, raised.value.code) == (field, code)


def test_a_customer_orders_exactly_one_vehicle(session, world):
    trim_line = {"item_kind": "trim", "item_id": world.trim.id, "quantity": 2}
    with pytest.raises(ValidationFailed) as raised:
        place(session, world, [trim_line], principal=world.customer)
    assert raised.value.field == "lines[0].quantity" and raised.value.code == "order.customer_one_vehicle"
    with pytest.raises(ValidationFailed) as raised:
        place(session, world, [{**trim_line, "quantity": 1}] * 2, principal=world.customer)
    assert raised.value.field == "lines"


def test_a_customer_orders_at_a_dealer_store_only(session, world):
    line = [{"item_kind": "trim", "item_id": world.trim.id, "quantity": 1}]
    with pytest.raises(ValidationFailed) as raised:
        place(session, world, line, principal=world.customer, buyer_location_id=world.warehouse.id)
    assert raised.value.field == "buyer_location_id"


# --- reading and scoping ---------------------------------------------------------------------


def test_another_organisations_order_does_not_exist_for_you(session, world):
    order = place(session, world, [part_line(world.parts[0], 1)]).order
    other_org, other_dealer, _ = make_dealer(session)
    supplier_user = make_user(session, "supplier", world.supplier)
    supplier = principal_for(supplier_user, world.supplier)
    session.commit()
    for outsider in (other_dealer, supplier, world.customer):
        with pytest.raises(NotFound):
            ordering.get_order(session, outsider, order.id)
        assert ordering.list_orders(session, outsider) == ([], 0)
    with pytest.raises(NotFound):
        ordering.get_order(session, world.dealer, 424242)


def test_the_seller_sees_the_order_too(session, world):
    order = place(session, world, [part_line(world.parts[0], 1)]).order
    manager_user = make_user(session, "manager", world.oem)
    manager = principal_for(manager_user, world.oem)
    session.commit()
    assert ordering.get_order(session, manager, order.id).number == order.number
    rows, total = ordering.list_orders(session, manager, side="seller")
    assert total == 1 and rows[0].id == order.id
    assert ordering.list_orders(session, manager, side="buyer") == ([], 0)


def test_an_order_without_its_payment_row_is_still_on_the_page_that_counts_it(session, world):
    # The demo seed writes orders without payment rows: "4 rows" over an empty table was silent.
    order = place(session, world, [part_line(world.parts[0], 2)]).order
    session.exec(delete(Payment).where(Payment.order_id == order.id))
    session.commit()
    rows, total = ordering.list_orders(session, world.dealer)
    assert total == 1 and [row.id for row in rows] == [order.id]
    assert rows[0].amount_due == order.total


def test_customers_see_only_their_own_orders_though_they_share_an_organisation(session, world):
    other = make_customer(session)
    session.commit()
    line = [{"item_kind": "trim", "item_id": world.trim.id, "quantity": 1}]
    mine = place(session, world, line, principal=world.customer).order
    theirs = place(session, world, line, principal=other).order
    assert [o.id for o in ordering.list_orders(session, world.customer)[0]] == [mine.id]
    with pytest.raises(NotFound):
        ordering.get_order(session, world.customer, theirs.id)
    dealer_rows, _ = ordering.list_orders(session, world.dealer, side="seller")
    assert {o.id for o in dealer_rows} == {mine.id, theirs.id}


def test_order_lists_are_paginated_newest_first(session, world):
    ids = [place(session, world, [part_line(world.parts[0], 1)]).order.id for _ in range(5)]
    first, total = ordering.list_orders(session, world.dealer, Page(number=1, size=2))
    second, _ = ordering.list_orders(session, world.dealer, Page(number=2, size=2))
    assert total == 5
    assert [o.id for o in first + second] == list(reversed(ids))[:4]
    assert first[0].line_count == 1 and first[0].amount_due == Decimal("10.00")
    pending, count = ordering.list_orders(session, world.dealer, status="cancelled")
    assert (pending, count) == ([], 0)
    with pytest.raises(ValidationFailed):
        ordering.list_orders(session, world.dealer, status="lost")


def test_the_view_is_json_ready(session, world):
    order = place(session, world, [part_line(world.parts[0], 2)]).order
    data = order.as_dict()
    assert data["total"] == "20.00" and data["status"] == "pending_payment"
    assert data["lines"][0]["unit_price"] == "10.00"
    assert data["timeline"][0]["at"].endswith("+00:00")


# --- cancelling ------------------------------------------------------------------------------


def test_the_buyer_cancels_a_pending_order_and_the_stock_is_free_again(session, world):
    order = place(session, world, [part_line(world.parts[0], 4)]).order
    cancelled = ordering.cancel_order(session, world.dealer, order.id, "ordered by mistake")
    assert cancelled.status == "cancelled" and cancelled.payment_status == "void"
    assert cancelled.cancel_code == "order.cancelled.by_buyer"
    assert cancelled.cancel_reason == "ordered by mistake"
    assert [(t.to_status, t.cause, t.detail, t.actor_user_id) for t in cancelled.timeline][-1] == (
        "cancelled",
        "order.event.cancelled_by_buyer",
        "ordered by mistake",
        world.dealer.user_id,
    )
    assert stock_of(session, world.part_stock[0]) == (100, 0)


def test_a_cancelled_or_paid_order_cannot_be_cancelled_again(session, world):
    order = place(session, world, [part_line(world.parts[0], 4)]).order
    ordering.cancel_order(session, world.dealer, order.id)
    with pytest.raises(IllegalTransition) as raised:
        ordering.cancel_order(session, world.dealer, order.id)
    assert raised.value.code == "order.not_cancellable"
    assert stock_of(session, world.part_stock[0]) == (100, 0)  # not released twice


def test_only_the_buyer_may_cancel(session, world):
    order = place(session, world, [part_line(world.parts[0], 1)]).order
    manager_user = make_user(session, "manager", world.oem)
    other_org, other_dealer, _ = make_dealer(session)
    manager = principal_for(manager_user, world.oem)
    session.commit()
    with pytest.raises(PermissionDenied):
        ordering.cancel_order(session, manager, order.id)
    with pytest.raises(NotFound):
        ordering.cancel_order(session, other_dealer, order.id)
    assert ordering.get_order(session, world.dealer, order.id).status == "pending_payment"


def test_no_oem_warehouse_at_all_is_a_clear_error(session):
    dealer_org = make_org(session, "dealer")
    user = make_user(session, "dealer", dealer_org)
    store = make_location(session, dealer_org, kind="store")
    part = make_part(session, make_org(session, "supplier"))
    dealer = principal_for(user, dealer_org)
    session.commit()
    with pytest.raises(ValidationFailed) as raised:
        ordering.place_order(
            session, dealer, lines=[part_line(part, 1)], buyer_location_id=store.id, idempotency_key="k"
        )
    assert raised.value.code == "order.no_source_location"


def test_lines_keep_their_stock_row(session, world):
    order = place(session, world, [part_line(world.parts[1], 1), part_line(world.parts[0], 1)]).order
    rows = session.exec(
        select(SalesOrderLine.line_no, SalesOrderLine.stock_level_id)
        .where(SalesOrderLine.order_id == order.id)
        .order_by(SalesOrderLine.line_no)
    ).all()
    assert rows == [(1, world.part_stock[1]), (2, world.part_stock[0])]
    assert session.get(SalesOrder, order.id).status == OrderStatus.PENDING_PAYMENT
