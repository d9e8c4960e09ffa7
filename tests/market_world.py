"""A small world for the market price list tests: two markets (China in CNY, Norway in NOK), a part
costed in JPY, a part costed in CNY and a trim, FX rates into CNY, an OEM warehouse holding them,
a dealer store in Shanghai and one in Oslo, two managers; the lists built by the repricing run."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlmodel import Session

from models import DealerTier, FxRate, Market, MarketCountry, Part, StockLevel, Trim, VehicleModel
from models.types import utcnow
from services.identity.auth import Principal, principal_for
from services.pricing.market_lists import reprice_markets
from tests.factories import make_location, make_org, make_user

_numbers = itertools.count(1)
JPY_PER_CNY_RATE = Decimal("0.048")  # CNY per JPY
NOK_RATE = Decimal("0.66")  # CNY per NOK


@dataclass
class MarketWorld:
    cn: Market
    no: Market
    jpy_part: Part  # 10,000 JPY from a Japanese supplier
    cny_part: Part  # 100 CNY from a Chinese supplier
    trim: Trim  # 200,000 CNY
    shanghai: Principal
    shanghai_store: int
    oslo: Principal
    oslo_store: int
    manager: Principal
    second_manager: Principal
    warehouse: int


def set_rate(session: Session, currency: str, rate: Decimal, day: date | None = None) -> None:
    session.add(FxRate(day=day or utcnow().date(), currency=currency, rate=rate, source="test"))


def build_market_world(session: Session) -> MarketWorld:
    """Everything committed; the lists built once (all first prices)."""
    n = next(_numbers)
    today = utcnow().date()
    cn = Market(code=f"CN{n}", name="China", currency="CNY", markup_rules={"part": "40", "trim": "0"})
    no = Market(code=f"NO{n}", name="Norway", currency="NOK", markup_rules={"part": "50", "trim": "10"})
    session.add_all([cn, no])
    session.flush()
    session.add_all(
        [
            MarketCountry(country="CN", market_id=cn.id),
            MarketCountry(country="NO", market_id=no.id),
            DealerTier(market_id=cn.id, min_quantity=10, discount_pct=Decimal("3")),
            DealerTier(market_id=cn.id, min_quantity=50, discount_pct=Decimal("6")),
        ]
    )
    set_rate(session, "JPY", JPY_PER_CNY_RATE, today - timedelta(days=3))
    set_rate(session, "NOK", NOK_RATE, today - timedelta(days=3))
    oem = make_org(session, "oem")
    warehouse = make_location(session, oem, kind="warehouse")
    japanese = make_org(session, "supplier", country="JP", currency="JPY", time_zone="Asia/Tokyo")
    chinese = make_org(session, "supplier")
    jpy_part = Part(
        sku=f"JP-{n}",
        name="Inverter module",
        category="Electronics",
        list_price=Decimal("10000"),
        currency="JPY",
        supplier_id=japanese.id,
    )
    cny_part = Part(
        sku=f"CN-{n}",
        name="Brake disc",
        category="Brakes",
        list_price=Decimal("100.00"),
        currency="CNY",
        supplier_id=chinese.id,
    )
    model = VehicleModel(code=f"MW{n}", name="Aurora", body="sedan", image="models/x.png")
    session.add_all([jpy_part, cny_part, model])
    session.flush()
    trim = Trim(
        code=f"MW-TR{n}",
        model_id=model.id,
        name="Aurora LR",
        powertrain="bev",
        power_kw=200,
        price=Decimal("200000.00"),
        currency="CNY",
        image="trims/x.png",
    )
    session.add(trim)
    session.flush()
    for item in (jpy_part, cny_part):
        session.add(StockLevel(location_id=warehouse.id, part_id=item.id, on_hand=500))
    session.add(StockLevel(location_id=warehouse.id, trim_id=trim.id, on_hand=20))
    shanghai_org = make_org(session, "dealer")
    shanghai_store = make_location(session, shanghai_org, kind="store")
    oslo_org = make_org(session, "dealer", country="NO", currency="NOK", time_zone="Europe/Oslo")
    oslo_store = make_location(session, oslo_org, kind="store")
    oslo_store.country, oslo_store.city, oslo_store.time_zone = "NO", "Oslo", "Europe/Oslo"
    session.add(oslo_store)
    managers = [make_user(session, "manager", oem) for _ in range(2)]
    shanghai_user = make_user(session, "dealer", shanghai_org)
    oslo_user = make_user(session, "dealer", oslo_org)
    session.commit()
    world = MarketWorld(
        cn=cn,
        no=no,
        jpy_part=jpy_part,
        cny_part=cny_part,
        trim=trim,
        shanghai=principal_for(shanghai_user, shanghai_org),
        shanghai_store=shanghai_store.id,
        oslo=principal_for(oslo_user, oslo_org),
        oslo_store=oslo_store.id,
        manager=principal_for(managers[0], oem),
        second_manager=principal_for(managers[1], oem),
        warehouse=warehouse.id,
    )
    reprice_markets(session)
    for obj in (cn, no, jpy_part, cny_part, trim):
        session.refresh(obj)
    session.commit()
    return world


def mixed_lines(world: MarketWorld, quantity: int = 1) -> list[dict]:
    """One order mixing a JPY-costed part, a CNY-costed part and a trim."""
    return [
        {"item_kind": "part", "item_id": world.jpy_part.id, "quantity": quantity},
        {"item_kind": "part", "item_id": world.cny_part.id, "quantity": quantity},
        {"item_kind": "trim", "item_id": world.trim.id, "quantity": 1},
    ]
