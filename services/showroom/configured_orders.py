"""Ordering a configuration: a customer orders one trim in a colour with option packs, at a dealer
store, and the order keeps what was chosen.

One transaction (services/ordering/placement.py `place_order`, which prices the line, the total and
the deposit from the configurator's quote) writes the order, reserves a unit of the trim, writes
the OrderConfiguration and matches a car:
- a car already built in exactly that configuration (same colour, same packs) standing free at the
  store is kept for the order (`built_vehicle.reserved_order_id`), and the unit is the store's:
  ready in `settings.store_ready_days`;
- else the plant builds it (`from_plant`): the unit comes from the carmaker's stock of the trim (an
  OEM warehouse, chosen as for a dealer's order) and ships to the store like any delivery; ready in
  `settings.plant_build_days`. (Should another order take the last matching car between the look
  and the lock, this order is built at the plant and keeps the store's unit it reserved.)

Two customers never get the same car: on PostgreSQL the candidate row is taken FOR UPDATE SKIP
LOCKED (a concurrent order skips it and looks at the next one, or goes to the plant) and the unique
`reserved_order_id` backs it; SQLite serialises its writers. A cancelled or expired order gives the
car back (placement's `release_and_cancel`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select, update
from sqlmodel import Session

from models import BuiltVehicle, Location, OrderConfiguration
from models.settings import get_settings
from models.types import utcnow
from services.analytics import fx
from services.identity.auth import Principal
from services.ordering.placement import ConfiguredVehicle, PlacedOrder, place_order, require_may_place
from services.platform.errors import DomainError, ValidationFailed
from services.pricing import market_lists
from services.pricing.market_prices import MINOR_UNITS
from services.showroom.configurator import TrimOptions, load_options, quote, signature

# The ordering rules name the store `buyer_location_id`; here it is the store to order at.
_FIELDS = {"buyer_location_id": "location_id"}


def options_at_store(session: Session, options: TrimOptions, location_id: Any) -> TrimOptions:
    """The trim's options priced in the store's market, as placing the order there charges them: the
    base is the trim's unit price in the market's list (today's promotion included; no dealer tiers
    for a customer's car), colours and packs are converted from the trim's currency at today's FX
    rates to the currency's minor units. Raises ValidationFailed naming `location_id`
    ("order.no_market", "order.item_no_market_price") or "fx.rate_missing"."""
    country = session.execute(select(Location.country).where(Location.id == location_id)).scalar()
    market = market_lists.market_of_country(session, country) if country else None
    if market is None:
        raise ValidationFailed("order.no_market", field="location_id", country=country or "")
    today = market_lists.pricing_day()
    listed = market_lists.market_items(session, market.id, [("trim", options.trim_id)], today)
    if ("trim", options.trim_id) not in listed:
        raise ValidationFailed(
            "order.item_no_market_price",
            field="location_id",
            line=1,
            item=options.trim_code,
            currency=market.currency,
        )
    base = market_lists.price_of(listed[("trim", options.trim_id)], market.currency, 1)
    rate = Decimal(1)
    if options.currency != market.currency:
        book = fx.load_rates(session, {options.currency, market.currency}, today)
        rate = book.rate(options.currency, today) / book.rate(market.currency, today)
    step = Decimal(1).scaleb(-MINOR_UNITS.get(market.currency, 2))

    def converted(amount: Decimal) -> Decimal:
        return (Decimal(amount) * rate).quantize(step)

    return replace(
        options,
        base_price=base,
        currency=market.currency,
        colours=tuple(replace(c, price=converted(c.price)) for c in options.colours),
        packs=tuple(replace(p, price=converted(p.price)) for p in options.packs),
    )


@dataclass(frozen=True)
class ConfigurationView:
    """What the order keeps of its configuration, and how the car comes."""

    colour_key: str
    colour_label: str
    colour_hex: str
    colour_price: str
    packs: list[dict]  # [{"code", "name", "price"}]
    from_plant: bool
    ready_by: date | None
    vin: str | None  # the built car kept for the order (None: built at the plant)

    def as_dict(self) -> dict[str, Any]:
        return {
            "colour": {
                "key": self.colour_key,
                "label": self.colour_label,
                "hex": self.colour_hex,
                "price": self.colour_price,
            },
            "packs": list(self.packs),
            "from_plant": self.from_plant,
            "ready_by": self.ready_by.isoformat() if self.ready_by else None,
            "vin": self.vin,
        }


@dataclass(frozen=True)
class ConfiguredOrder:
    placed: PlacedOrder
    configuration: ConfigurationView


@dataclass(frozen=True)
class Availability:
    """Whether a configuration stands built at a store, and when it would be ready."""

    in_stock: bool
    days: int


def _match(location_id: int, trim_id: int, colour_key: str, packs: str):
    return (
        BuiltVehicle.location_id == location_id,
        BuiltVehicle.trim_id == trim_id,
        BuiltVehicle.colour_key == colour_key,
        BuiltVehicle.packs == packs,
        BuiltVehicle.reserved_order_id.is_(None),
    )


def availability(
    session: Session, *, trim_id: int, location_id: int, colour_key: str, packs: Sequence[str]
) -> Availability:
    """Is a car in this configuration standing free at the store now (a read: no promise)."""
    settings = get_settings()
    found = session.execute(
        select(BuiltVehicle.id).where(*_match(location_id, trim_id, colour_key, signature(packs))).limit(1)
    ).first()
    if found is not None:
        return Availability(True, settings.store_ready_days)
    return Availability(False, settings.plant_build_days)


def stores_with_built(session: Session, *, trim_id: int, colour_key: str, packs: Sequence[str]) -> set[int]:
    """The stores where a car of the trim built in this configuration stands free now (a read)."""
    return set(
        session.execute(
            select(BuiltVehicle.location_id)
            .where(
                BuiltVehicle.trim_id == trim_id,
                BuiltVehicle.colour_key == colour_key,
                BuiltVehicle.packs == signature(packs),
                BuiltVehicle.reserved_order_id.is_(None),
            )
            .distinct()
        ).scalars()
    )


def _has_built(session: Session, location_id: Any, trim_id: int, colour_key: str, packs: str) -> bool:
    if not isinstance(location_id, int) or isinstance(location_id, bool):
        return False  # placement names the bad field
    try:
        found = session.execute(
            select(BuiltVehicle.id).where(*_match(location_id, trim_id, colour_key, packs)).limit(1)
        ).first()
    finally:
        session.rollback()  # end the read: placement runs its own transaction
    return found is not None


def _reserve_built(
    session: Session, location_id: int, trim_id: int, colour_key: str, packs: str, order_id: int
):
    """Keep the first free matching car at the store for the order: (id, vin), or None."""
    candidate = (
        select(BuiltVehicle.id)
        .where(*_match(location_id, trim_id, colour_key, packs))
        .order_by(BuiltVehicle.id)
        .limit(1)
        .with_for_update(skip_locked=True)  # PostgreSQL; SQLite's writers are serialised already
        .scalar_subquery()
    )
    return session.execute(
        update(BuiltVehicle)
        .where(BuiltVehicle.id == candidate, BuiltVehicle.reserved_order_id.is_(None))
        .values(reserved_order_id=order_id)
        .returning(BuiltVehicle.id, BuiltVehicle.vin)
    ).first()


def order_configuration(
    session: Session,
    principal: Principal,
    *,
    trim_id: Any,
    colour: Any,
    packs: Any,
    location_id: Any,
    idempotency_key: str,
) -> ConfiguredOrder:
    """Order the trim in the configuration at the store (see the module's doc); commits.

    Idempotent per `idempotency_key` like `place_order`: the same request again returns the same
    order (`placed.replayed`); the same key with another configuration is IdempotencyConflict.

    Raises, with nothing written: PermissionDenied "order.place_denied" (only customers and
    dealers place orders; a dealer's configured order is refused as "order.configuration_customers_only"),
    NotFound "configurator.trim_not_found" (field "trim_id"), ValidationFailed naming the field
    ("colour", "packs[1]" with the broken rule, "location_id" for a place that is not a dealer
    store), OutOfStock when the store has no unit of the trim free, IdempotencyConflict.
    """
    require_may_place(principal)
    try:
        options = load_options(session, trim_id)
        if isinstance(location_id, int) and not isinstance(location_id, bool):
            options = options_at_store(session, options, location_id)
        chosen = quote(options, colour, packs)
    finally:
        session.rollback()  # end the read: placement runs its own transaction
    packs_signature = signature([p.code for p in chosen.packs])
    settings = get_settings()
    today = utcnow().date()
    # Is a car of this configuration standing free at the store? (A read; `write` keeps it under
    # its row lock.) If not, the plant builds the car and the unit comes from the carmaker's stock.
    built_here = _has_built(session, location_id, options.trim_id, chosen.colour.key, packs_signature)

    def write(session: Session, order_id: int) -> None:
        # (placement has checked the store by now: `location_id` is a dealer store's id)
        vehicle = (
            _reserve_built(
                session, location_id, options.trim_id, chosen.colour.key, packs_signature, order_id
            )
            if built_here
            else None
        )  # (taken by another order in between: built at the plant, from the store's unit)
        from_plant = vehicle is None
        ready_by = today + timedelta(
            days=settings.plant_build_days if from_plant else settings.store_ready_days
        )
        session.execute(
            insert(OrderConfiguration.__table__),
            {
                "order_id": order_id,
                "line_no": 1,
                "colour_key": chosen.colour.key,
                "colour_label": chosen.colour.label,
                "colour_hex": chosen.colour.hex,
                "colour_price": chosen.colour.price,
                "packs": [{"code": p.code, "name": p.name, "price": f"{p.price:.2f}"} for p in chosen.packs],
                "from_plant": from_plant,
                "ready_by": ready_by,
            },
        )

    try:
        placed = place_order(
            session,
            principal,
            lines=[{"item_kind": "trim", "item_id": options.trim_id, "quantity": 1}],
            buyer_location_id=location_id,
            idempotency_key=idempotency_key,
            configured=ConfiguredVehicle(
                options.trim_id,
                chosen.total - chosen.base_price,  # the colour and packs, in the store's market currency
                options.currency,
                f"{chosen.colour.key}|{packs_signature}",
                write,
                plant_build=not built_here,
            ),
        )
    except DomainError as error:
        if error.field in _FIELDS:
            error.field = _FIELDS[error.field]
        raise
    configuration = order_configuration_view(session, placed.order.id)
    session.commit()
    if configuration is None:  # cannot be: the fingerprint keeps a plain order's key apart
        raise RuntimeError(f"order {placed.order.id} has no configuration")
    return ConfiguredOrder(placed, configuration)


def order_configuration_view(session: Session, order_id: int) -> ConfigurationView | None:
    """The configuration an order keeps (None for an order placed without one). A read only: the
    caller has checked that the viewer may see the order."""
    row = session.execute(
        select(OrderConfiguration).where(
            OrderConfiguration.order_id == order_id, OrderConfiguration.line_no == 1
        )
    ).scalar_one_or_none()
    if row is None:
        return None
    vin = session.execute(select(BuiltVehicle.vin).where(BuiltVehicle.reserved_order_id == order_id)).scalar()
    return ConfigurationView(
        row.colour_key,
        row.colour_label,
        row.colour_hex,
        f"{row.colour_price:.2f}",
        list(row.packs),
        row.from_plant,
        row.ready_by,
        vin,
    )
