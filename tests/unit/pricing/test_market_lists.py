"""Market price lists wired: the repricing run's prices, tiers at their quantity, promotions only
inside their dates, the approval band of list changes, manual prices."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal as D

import pytest
from sqlmodel import Session, select

from models import MarketPrice, MarketPriceStatus, Promotion
from models.db import get_engine
from models.types import utcnow
from services.ordering import placement
from services.ordering.cart_pricing import find_item, quote_cart
from services.platform.errors import PermissionDenied
from services.pricing import market_lists
from services.pricing.market_prices import parse_tiers, tier_at, unit_price
from tests.market_world import build_market_world
from tests.ordering_world import new_key


@pytest.fixture
def session(sqlite_url: str):
    with Session(get_engine()) as session:
        yield session


@pytest.fixture
def world(session):
    return build_market_world(session)


def active(session, market, item, kind="part") -> MarketPrice:
    column = MarketPrice.part_id if kind == "part" else MarketPrice.trim_id
    row = session.exec(
        select(MarketPrice).where(
            MarketPrice.market_id == market.id, column == item.id, MarketPrice.status == "active"
        )
    ).one()
    session.commit()
    return row


def pending(session, market, item) -> MarketPrice | None:
    row = session.exec(
        select(MarketPrice).where(
            MarketPrice.market_id == market.id,
            MarketPrice.part_id == item.id,
            MarketPrice.status == "pending",
        )
    ).first()
    session.commit()
    return row


def place(session, principal, store, lines):
    return placement.place_order(
        session, principal, lines=lines, buyer_location_id=store, idempotency_key=new_key()
    ).order


# ------------------------------------------------------------------ pure rules


def test_a_tier_applies_from_its_quantity_and_the_best_one_wins():
    tiers = parse_tiers("10:3.00,50:6")
    assert tier_at(9, tiers) == 0 and tier_at(10, tiers) == D("3.00") and tier_at(50, tiers) == D("6.00")
    assert unit_price(D("100.00"), "CNY", quantity=10, tiers=tiers) == D("97.00")
    # best of tier and promotion, never stacked; a promotional price counts as such
    assert unit_price(D("100.00"), "CNY", quantity=50, tiers=tiers, promo_pct=D("5")) == D("94.00")
    assert unit_price(D("100.00"), "CNY", quantity=1, promo_price=D("89.00")) == D("89.00")
    assert unit_price(D("1240"), "JPY", quantity=1, promo_price=D("1300")) == D("1240")


# ------------------------------------------------------------------ the repricing run


def test_lists_are_cost_times_markup_in_the_market_currency_rounded_to_price_points(session, world):
    # 10,000 JPY x 0.048 = 480 CNY; x 1.40 = 672.00 (whole yuan)
    assert active(session, world.cn, world.jpy_part).list_price == D("672.00")
    # 480 CNY / 0.66 = 727.27 NOK; x 1.50 = 1090.91 -> 1090.99 (a .99 ending)
    assert active(session, world.no, world.jpy_part).list_price == D("1090.99")
    assert active(session, world.no, world.cny_part).list_price == D("227.99")
    assert active(session, world.no, world.trim, "trim").list_price == D("333333.99")


def test_a_second_run_on_the_same_inputs_changes_nothing(session, world):
    counts = market_lists.reprice_markets(session)
    assert counts["unchanged"] == 6 and counts["created"] == counts["applied"] == counts["pending"] == 0


def test_a_change_inside_the_automatic_band_applies_at_once(session, world):
    world.cny_part.list_price = D("100.50")  # 140.70 -> 141.00 in CN: +0.71 %
    session.add(world.cny_part)
    session.commit()
    market_lists.reprice_markets(session, market_ids=[world.cn.id])
    row = active(session, world.cn, world.cny_part)
    assert row.list_price == D("141.00") and row.previous_price == D("140.00")
    assert pending(session, world.cn, world.cny_part) is None


def test_a_bigger_change_waits_for_one_manager_and_the_biggest_for_two_different_ones(session, world):
    world.cny_part.list_price = D("102.00")  # 140 -> 143 in CN: +2.14 %: one manager
    world.jpy_part.list_price = D("11000")  # 672 -> 740 in CN: +10.1 %: four eyes
    session.add_all([world.cny_part, world.jpy_part])
    session.commit()
    counts = market_lists.reprice_markets(session, market_ids=[world.cn.id])
    assert counts["pending"] == 2
    one = pending(session, world.cn, world.cny_part)
    four = pending(session, world.cn, world.jpy_part)
    assert (one.required_approvals, four.required_approvals) == (1, 2)
    assert active(session, world.cn, world.cny_part).list_price == D("140.00")  # not yet

    market_lists.approve_change(session, world.manager, one.id)
    assert active(session, world.cn, world.cny_part).list_price == D("143.00")

    market_lists.approve_change(session, world.manager, four.id)
    assert active(session, world.cn, world.jpy_part).list_price == D("672.00")  # one of two
    with pytest.raises(market_lists.ChangeConflict) as again:
        market_lists.approve_change(session, world.manager, four.id)
    assert again.value.code == "pricing.already_approved"
    market_lists.approve_change(session, world.second_manager, four.id)
    assert active(session, world.cn, world.jpy_part).list_price == D("740.00")


def test_only_managers_decide_on_list_changes(session, world):
    world.jpy_part.list_price = D("11000")
    session.add(world.jpy_part)
    session.commit()
    market_lists.reprice_markets(session)
    change = pending(session, world.cn, world.jpy_part)
    with pytest.raises(PermissionDenied):
        market_lists.approve_change(session, world.shanghai, change.id)
    assert pending(session, world.cn, world.jpy_part).approvals == []


def test_a_manual_price_wins_and_the_run_leaves_it_alone(session, world):
    market_lists.set_manual_price(
        session,
        world.manager,
        market_id=world.cn.id,
        item_kind="part",
        item_id=world.cny_part.id,
        price="141.00",
    )
    assert active(session, world.cn, world.cny_part).manual
    world.cny_part.list_price = D("150.00")
    session.add(world.cny_part)
    session.commit()
    market_lists.reprice_markets(session)
    assert active(session, world.cn, world.cny_part).list_price == D("141.00")


# ------------------------------------------------------------------ promotions and tiers at placement


def test_a_promotion_applies_only_inside_its_dates(session, world):
    today = utcnow().date()
    for start, end in ((-10, -1), (1, 10)):  # ended yesterday, starts tomorrow
        session.add(
            Promotion(
                market_id=world.cn.id,
                part_id=world.cny_part.id,
                name="off",
                percent=D("20"),
                valid_from=today + timedelta(days=start),
                valid_to=today + timedelta(days=end),
            )
        )
    session.commit()
    line = {"item_kind": "part", "item_id": world.cny_part.id, "quantity": 1}
    assert place(session, world.shanghai, world.shanghai_store, [line]).lines[0].unit_price == D("140.00")
    session.add(
        Promotion(
            market_id=world.cn.id,
            part_id=world.cny_part.id,
            name="today only",
            percent=D("10"),
            valid_from=today,
            valid_to=today,
        )
    )
    session.commit()
    assert place(session, world.shanghai, world.shanghai_store, [line]).lines[0].unit_price == D("126.00")
    quoted = quote_cart(session, world.shanghai, [("part", world.cny_part.id, 1)])
    assert quoted.lines[0].item.unit_price == D("126.00")


def test_a_dealer_tier_applies_at_its_quantity_in_the_quote_and_the_order(session, world):
    prices = {}
    for quantity in (9, 10, 50):
        order = place(
            session,
            world.shanghai,
            world.shanghai_store,
            [{"item_kind": "part", "item_id": world.cny_part.id, "quantity": quantity}],
        )
        quote = quote_cart(session, world.shanghai, [("part", world.cny_part.id, quantity)])
        assert quote.lines[0].item.unit_price == order.lines[0].unit_price
        prices[quantity] = order.lines[0].unit_price
    assert prices == {9: D("140.00"), 10: D("135.80"), 50: D("131.60")}


def test_the_quote_names_the_buyers_market_currency_and_one_total(session, world):
    quote = quote_cart(
        session,
        world.oslo,
        [("part", world.jpy_part.id, 1), ("part", world.cny_part.id, 1), ("trim", world.trim.id, 1)],
    )
    assert quote.totals == {"NOK": D("1090.99") + D("227.99") + D("333333.99")}
    assert find_item(session, world.oslo, "part", world.jpy_part.sku).currency == "NOK"


def test_rejecting_a_change_keeps_the_price(session, world):
    world.jpy_part.list_price = D("11000")
    session.add(world.jpy_part)
    session.commit()
    market_lists.reprice_markets(session)
    change = pending(session, world.cn, world.jpy_part)
    market_lists.reject_change(session, world.manager, change.id, reason="wait for the quarter")
    assert active(session, world.cn, world.jpy_part).list_price == D("672.00")
    assert session.get(MarketPrice, change.id).status == MarketPriceStatus.REJECTED


def test_a_customer_buys_a_car_at_its_stores_market_price_without_dealer_tiers(session, world):
    from models import StockLevel
    from tests.ordering_world import make_customer

    customer = make_customer(session)
    session.add(StockLevel(location_id=world.oslo_store, trim_id=world.trim.id, on_hand=1))
    session.commit()
    shown = find_item(session, customer, "trim", world.trim.code, location_id=world.oslo_store)
    order = place(
        session, customer, world.oslo_store, [{"item_kind": "trim", "item_id": world.trim.id, "quantity": 1}]
    )
    assert (shown.currency, shown.unit_price) == ("NOK", D("333333.99"))
    assert (order.currency, order.total) == ("NOK", D("333333.99"))


def test_the_run_costs_a_part_at_its_agreements_price_in_force(session, world):
    from models import PriceAgreement
    from tests.factories import make_org

    session.add(
        PriceAgreement(
            part_id=world.cny_part.id,
            supplier_id=world.cny_part.supplier_id,
            buyer_organisation_id=make_org(session, "oem").id,
            currency="CNY",
            base_price=D("100.00"),
            base_date=utcnow().date(),
            fixed_share=D("1"),
            current_price=D("100.50"),  # the procurement price moved; the part's catalogue price did not
        )
    )
    session.commit()
    market_lists.reprice_markets(session, market_ids=[world.cn.id])
    assert active(session, world.cn, world.cny_part).list_price == D("141.00")  # 100.50 x 1.40, whole yuan


def test_a_configured_car_at_an_oslo_store_is_priced_in_nok_with_its_options_converted(session, world):
    from models import StockLevel, TrimColour
    from services.showroom.configurator import load_options, quote
    from services.showroom.configured_orders import options_at_store, order_configuration
    from tests.ordering_world import make_customer

    customer = make_customer(session)
    session.add(TrimColour(trim_id=world.trim.id, key="red", label="Red", hex="#aa0000", price=D("4500")))
    session.add(StockLevel(location_id=world.oslo_store, trim_id=world.trim.id, on_hand=1))
    session.commit()
    shown = quote(
        options_at_store(session, load_options(session, world.trim.id), world.oslo_store), "red", []
    )
    session.rollback()
    ordered = order_configuration(
        session,
        customer,
        trim_id=world.trim.id,
        colour="red",
        packs=[],
        location_id=world.oslo_store,
        idempotency_key=new_key(),
    )
    # 333,333.99 NOK for the car + 4,500 CNY / 0.66 = 6,818.18 NOK for the colour
    assert (shown.currency, shown.total) == ("NOK", D("340152.17"))
    assert (ordered.placed.order.currency, ordered.placed.order.total) == ("NOK", D("340152.17"))
