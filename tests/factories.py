"""Small helpers that make organisations, users and stock for tests."""

from __future__ import annotations

import itertools
from decimal import Decimal

from sqlmodel import Session, select

from models import (
    Location,
    Market,
    MarketCountry,
    MarketPrice,
    Organisation,
    Part,
    StockLevel,
    Trim,
    User,
    VehicleModel,
)
from services.identity.auth import normalize_email
from services.identity.passwords import hash_password

PASSWORD = "correct-horse-battery"
_counter = itertools.count(1)
_hash_cache: dict[str, str] = {}


def _hash(password: str) -> str:
    if password not in _hash_cache:
        _hash_cache[password] = hash_password(password)
    return _hash_cache[password]


def make_org(session: Session, kind: str = "supplier", **fields) -> Organisation:
    n = next(_counter)
    org = Organisation(
        **{
            "slug": f"{kind}-{n}",
            "name": f"{kind.title()} {n}",
            "kind": kind,
            "country": "CN",
            "currency": "CNY",
            "time_zone": "Asia/Shanghai",
            **fields,
        }
    )
    session.add(org)
    session.flush()
    return org


def make_user(
    session: Session, role: str, organisation: Organisation, password: str = PASSWORD, **fields
) -> User:
    n = next(_counter)
    email = fields.pop("email", f"{role}{n}@example.test")
    user = User(
        email=email,
        email_normalized=normalize_email(email),
        full_name=f"{role} {n}",
        password_hash=_hash(password),
        role=role,
        organisation_id=organisation.id,
        **fields,
    )
    session.add(user)
    session.flush()
    return user


def make_location(session: Session, organisation: Organisation, kind: str = "plant") -> Location:
    n = next(_counter)
    location = Location(
        code=f"LOC-{n}",
        organisation_id=organisation.id,
        kind=kind,
        name=f"Site {n}",
        address=f"{n} Test Road",
        city="Shanghai",
        country="CN",
        latitude=31.2,
        longitude=121.5,
        time_zone="Asia/Shanghai",
    )
    session.add(location)
    session.flush()
    return location


def make_part(session: Session, supplier: Organisation, price: str = "10.00", **fields) -> Part:
    n = next(_counter)
    part = Part(
        **{
            "sku": f"SKU-{n:06d}",
            "name": f"Brake pad {n}",
            "category": "Brake pads",
            "list_price": Decimal(price),
            "currency": "CNY",
            "supplier_id": supplier.id,
            **fields,
        }
    )
    session.add(part)
    session.flush()
    list_in_market(session, part)
    return part


def make_stock(
    session: Session, location: Location, part: Part, on_hand: int, reserved: int = 0
) -> StockLevel:
    stock = StockLevel(location_id=location.id, part_id=part.id, on_hand=on_hand, reserved=reserved)
    session.add(stock)
    session.flush()
    return stock


def make_vehicle_model(session: Session, body: str = "suv", **fields) -> VehicleModel:
    n = next(_counter)
    model = VehicleModel(
        **{"code": f"VM-{n}", "name": f"Model {n}", "body": body, "image": "models/placeholder.png", **fields}
    )
    session.add(model)
    session.flush()
    return model


def make_trim(session: Session, model: VehicleModel, price: str = "200000.00", **fields) -> Trim:
    n = next(_counter)
    trim = Trim(
        **{
            "code": f"TR-{n}",
            "model_id": model.id,
            "name": f"Trim {n}",
            "powertrain": "bev",
            "range_km": 500,
            "power_kw": 150,
            "price": Decimal(price),
            "currency": "CNY",
            "image": "trims/placeholder.png",
            **fields,
        }
    )
    session.add(trim)
    session.flush()
    list_in_market(session, trim)
    return trim


def make_trim_stock(
    session: Session, location: Location, trim: Trim, on_hand: int, reserved: int = 0
) -> StockLevel:
    stock = StockLevel(location_id=location.id, trim_id=trim.id, on_hand=on_hand, reserved=reserved)
    session.add(stock)
    session.flush()
    return stock


def list_in_market(
    session: Session, item: Part | Trim, country: str = "CN", price: str | Decimal | None = None
) -> MarketPrice | None:
    """Give the item an active price in the market serving `country` (made when none does: a test
    market in the item's currency), by default its own price, so orders in the test worlds are
    priced as before the market lists. Nothing for an item priced 0 or already listed there."""
    market = session.exec(
        select(Market)
        .join(MarketCountry, MarketCountry.market_id == Market.id)
        .where(MarketCountry.country == country)
    ).first()
    if market is None:
        market = Market(code=f"T-{country}", name=f"Test {country}", currency=item.currency)
        session.add(market)
        session.flush()
        session.add(MarketCountry(country=country, market_id=market.id))
    amount = Decimal(
        price if price is not None else (item.list_price if isinstance(item, Part) else item.price)
    )
    column = MarketPrice.part_id if isinstance(item, Part) else MarketPrice.trim_id
    listed = session.exec(
        select(MarketPrice.id).where(
            MarketPrice.market_id == market.id, column == item.id, MarketPrice.status == "active"
        )
    ).first()
    if amount <= 0 or listed is not None:
        return None
    row = MarketPrice(
        market_id=market.id,
        part_id=item.id if isinstance(item, Part) else None,
        trim_id=item.id if isinstance(item, Trim) else None,
        list_price=amount,
        manual=True,
    )
    session.add(row)
    session.flush()
    return row
