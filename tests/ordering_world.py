"""A small trading world for the order tests: an OEM warehouse with parts and vehicles, a dealer with
a store (and vehicles in it), a customer, and the principals that act for them."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func
from sqlmodel import Session, select

from models import (
    Location,
    OrderStatus,
    Organisation,
    Part,
    SalesOrder,
    SalesOrderLine,
    StockLevel,
    Trim,
    User,
    VehicleModel,
)
from services.identity.auth import Principal, principal_for
from tests.factories import list_in_market, make_location, make_org, make_part, make_stock, make_user

_keys = itertools.count(1)


def new_key() -> str:
    """A fresh idempotency key, as the checkout page makes one per attempt."""
    return f"key-{next(_keys)}"


@dataclass
class World:
    oem: Organisation
    warehouse: Location
    supplier: Organisation
    dealer_org: Organisation
    dealer: Principal
    store: Location
    customer: Principal
    parts: list[Part] = field(default_factory=list)
    part_stock: list[int] = field(default_factory=list)  # stock_level ids at the warehouse
    trim: Trim | None = None
    trim_warehouse_stock: int | None = None
    trim_store_stock: int | None = None


def make_trim(session: Session, price: str = "200000.00") -> Trim:
    n = next(_keys)
    model = VehicleModel(code=f"VM-O{n}", name=f"Model {n}", body="suv", image="models/x.png")
    session.add(model)
    session.flush()
    trim = Trim(
        code=f"TR-O{n}",
        model_id=model.id,
        name=f"Trim {n}",
        powertrain="bev",
        range_km=500,
        power_kw=150,
        price=Decimal(price),
        currency="CNY",
        image="trims/x.png",
    )
    session.add(trim)
    session.flush()
    list_in_market(session, trim)
    return trim


def make_dealer(session: Session) -> tuple[Organisation, Principal, Location]:
    org = make_org(session, "dealer")
    user = make_user(session, "dealer", org)
    store = make_location(session, org, kind="store")
    return org, principal_for(user, org), store


def make_customer(session: Session) -> Principal:
    org = session.exec(select(Organisation).where(Organisation.slug == "consumers")).first() or make_org(
        session, "consumer", slug="consumers"
    )
    return principal_for(make_user(session, "customer", org), org)


def build_world(
    session: Session,
    *,
    part_prices: tuple[str, ...] = ("10.00", "25.50"),
    part_on_hand: int = 100,
    vehicles_in_warehouse: int = 5,
    vehicles_in_store: int = 2,
) -> World:
    """Everything committed; ids readable afterwards."""
    oem = make_org(session, "oem")
    warehouse = make_location(session, oem, kind="warehouse")
    supplier = make_org(session, "supplier")
    dealer_org, dealer, store = make_dealer(session)
    world = World(
        oem=oem,
        warehouse=warehouse,
        supplier=supplier,
        dealer_org=dealer_org,
        dealer=dealer,
        store=store,
        customer=make_customer(session),
    )
    for price in part_prices:
        part = make_part(session, supplier, price=price)
        world.parts.append(part)
        world.part_stock.append(make_stock(session, warehouse, part, on_hand=part_on_hand).id)
    world.trim = make_trim(session)
    for location, units, attr in (
        (warehouse, vehicles_in_warehouse, "trim_warehouse_stock"),
        (store, vehicles_in_store, "trim_store_stock"),
    ):
        row = StockLevel(location_id=location.id, trim_id=world.trim.id, on_hand=units)
        session.add(row)
        session.flush()
        setattr(world, attr, row.id)
    session.commit()
    for obj in (oem, warehouse, supplier, dealer_org, store, world.trim, *world.parts):
        session.refresh(obj)
    return world


def part_line(part: Part | int, quantity: int) -> dict:
    """A cart line for a part (or a part id)."""
    return {"item_kind": "part", "item_id": part if isinstance(part, int) else part.id, "quantity": quantity}


def stock_of(session: Session, stock_level_id: int) -> tuple[int, int]:
    """(on_hand, reserved) of a stock row, read fresh."""
    session.expire_all()
    row = session.get(StockLevel, stock_level_id)
    figures = row.on_hand, row.reserved
    session.commit()  # on SQLite an open transaction would hold the write lock
    return figures


def reserved_by_pending_orders(session: Session, stock_level_id: int) -> int:
    """What the pending orders' lines say they hold on a stock row."""
    total = session.exec(
        select(func.coalesce(func.sum(SalesOrderLine.quantity), 0))
        .join(SalesOrder, SalesOrder.id == SalesOrderLine.order_id)
        .where(
            SalesOrderLine.stock_level_id == stock_level_id, SalesOrder.status == OrderStatus.PENDING_PAYMENT
        )
    ).one()
    session.commit()
    return total


def user_of(session: Session, principal: Principal) -> User:
    return session.get(User, principal.user_id)
