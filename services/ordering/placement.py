"""Placing, reading and cancelling sales orders: the buyer's side of the transaction core.

Who buys what, from where:
- a dealer buys parts and vehicles (trims) from OEM stock, for one of its own locations. The stock
  comes from one OEM warehouse per order: the one given (`source_location_id`), or else the one
  that can fill every line (among those, the one with the most of the cart free; ties go to the
  lowest id); if none can fill every line, the one that can fill the most of it, and the buyer is
  told what that warehouse is short of. The dealer pays the whole total.
- a customer orders one vehicle at a dealer store, from that store's stock, and pays a deposit
  (`settings.customer_deposit_percent` of the price, rounded half-up to the cent) now; the rest
  is settled at handover, outside the portal.

Prices always come from the buyer's market price list (services/pricing/market_lists.py: the market
of the buyer location's country, its active list price less the best of the dealer tier reached at the
line's quantity and the promotion valid today), never from the client, and always in that market's
currency: one currency per order, whatever parts and trims it mixes. The market price is read in the
same statement as the items (a LEFT JOIN on market and item), so pricing adds no round trip.

Every state-changing function here runs ONE transaction on the session it is given and commits it
(or rolls it back and raises: nothing is half-written), and leaves no transaction open behind it.
Orders are visible to their buyer (the dealer's organisation; for a customer, that customer alone,
since customers share one consumer organisation) and to their seller (the organisation owning the
source location: the OEM for dealer orders, the dealer for customer orders); to anyone else an
order does not exist (NotFound).

Reads and views (`get_order`, `list_orders`, `OrderView`) live in services/ordering/views.py and are
re-exported here; payment, expiry and notices are in services/ordering/payments.py; the state machine in
services/ordering/states.py; the stock updates in services/ordering/reservations.py.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from types import SimpleNamespace
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Insert,
    Select,
    String,
    and_,
    bindparam,
    cast,
    false,
    func,
    insert,
    null,
    or_,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.functions import aggregate_strings
from sqlmodel import Session, select

from models import (
    BuiltVehicle,
    DealerTier,
    Location,
    LocationKind,
    Market,
    MarketCountry,
    MarketPrice,
    MarketPriceStatus,
    OrderKind,
    OrderStatus,
    OrderTransition,
    Organisation,
    OrganisationKind,
    OutboxMessage,
    Part,
    Payment,
    PaymentStatus,
    Promotion,
    Role,
    SalesOrder,
    SalesOrderLine,
    StockLevel,
    Trim,
)
from models.settings import get_settings
from models.types import CENTS, utcnow
from services.identity.auth import Principal
from services.ordering import reservations
from services.ordering.states import IllegalTransition, move_order, move_payment, placement_row
from services.ordering.views import (
    OrderLineView,
    OrderSummary,
    OrderView,
    ShipmentView,
    TimelineEntry,
    build_view,
    get_order,
    line_view,
    list_orders,
    load_order_view,
    visible_to,
)
from services.platform import outbox, row_writes
from services.platform.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from services.platform.live import ORDER_CHANGED  # payload: see `order_changed_payload`
from services.pricing.market_lists import pricing_day
from services.pricing.market_prices import parse_tiers
from services.pricing.market_prices import unit_price as market_unit_price

__all__ = [  # the ordering API in one place (views and reads live in services/ordering/views.py)
    "ORDER_CHANGED",
    "ORDER_PLACED",
    "IdempotencyConflict",
    "LineRequest",
    "OrderLineView",
    "OrderSummary",
    "delivery_locations",
    "OrderView",
    "OutOfStock",
    "PlacedOrder",
    "ShipmentView",
    "ShortLine",
    "TimelineEntry",
    "ConfiguredVehicle",
    "cancel_order",
    "get_order",
    "list_orders",
    "load_order_view",
    "lock_order",
    "order_changed_payload",
    "order_number",
    "order_quantities",
    "payment_key",
    "place_order",
    "release_and_cancel",
    "visible_to",
]

ORDER_PLACED = "order.placed"  # payload {"order_id", "number"}: the worker processes the payment
MAX_LINES = 100
MAX_IDEMPOTENCY_KEY = 100
MAX_REASON = 300
ITEM_KINDS = ("part", "trim")


class OutOfStock(DomainError):
    """One or more lines cannot be reserved; nothing was reserved. HTTP 409.

    The message names the first short line; `shortages` lists every one (each a ShortLine), and
    `params["shortages"]` holds them as plain dicts for the API.
    """

    status = 409

    def __init__(self, shortages: Sequence[ShortLine]) -> None:
        first = shortages[0]
        super().__init__(
            "order.out_of_stock",
            field=f"lines[{first.index}].quantity",
            line=first.index + 1,
            item=first.item_code,
            requested=first.requested,
            available=first.available,
            shortages=[asdict(s) for s in shortages],
        )
        self.shortages = list(shortages)


class IdempotencyConflict(DomainError):
    """The idempotency key was already used for a different request. HTTP 422."""

    status = 422

    def __init__(self) -> None:
        super().__init__("order.idempotency_conflict", field="idempotency_key")


@dataclass(frozen=True)
class ShortLine:
    """A cart line the source location cannot fill: how many are free there now."""

    index: int  # position in the request's `lines` (0-based); the message says line index + 1
    item_kind: str
    item_code: str
    item_name: str
    requested: int
    available: int


@dataclass(frozen=True)
class LineRequest:
    """One cart line as the client sends it: an item (by id, or by SKU / trim code) and a quantity."""

    item_kind: str
    quantity: Any
    item_id: Any = None
    code: Any = None


@dataclass(frozen=True)
class PlacedOrder:
    """The result of `place_order`: the order, and whether it already existed under that key."""

    order: OrderView
    replayed: bool = False
    # The new order's "order.placed" outbox message: the caller hands the order to the worker
    # (workers/dispatch.py `start_processing`) and the worker marks the message sent.
    message_id: int | None = None


@dataclass(frozen=True)
class ConfiguredVehicle:
    """A customer's vehicle line in a chosen configuration (services/showroom/configured_orders.py).

    The line is the trim's price in the buyer's market plus `options_price` (the colour and packs):
    the line, the total and the deposit are priced from it instead of the bare trim. The options
    must be priced in the market's currency (`order.configuration_currency` otherwise). `signature` names the
    configuration in the request fingerprint, so the same key with another configuration is a
    conflict. `write(session, order_id)` adds the configuration's own rows in the placing
    transaction, after the stock is reserved and before the commit: they land with the order or
    not at all.
    """

    trim_id: int
    options_price: Decimal  # the colour and packs, in `options_currency`; the trim is priced by the market
    options_currency: str
    signature: str
    write: Callable[[Session, int], None]
    # No car of this configuration stands free at the store: the plant builds it, so the unit comes
    # from the carmaker's stock of the trim (an OEM warehouse, chosen as for a dealer's order), not
    # from a car the store has in another configuration.
    plant_build: bool = False


@dataclass(frozen=True)
class _Item:
    """A part or trim as an order line needs it (read as plain columns, no ORM object)."""

    id: int
    code: str  # SKU or trim code
    name: str
    price: Decimal | None  # the market's list price (None: not listed there); the unit price once priced
    promo_pct: Decimal | None = None  # today's best promotion on it in the buyer's market
    promo_price: Decimal | None = None


@dataclass
class _Line:
    index: int
    request: LineRequest
    item: _Item | None = None

    @property
    def kind(self) -> str:
        return self.request.item_kind

    @property
    def quantity(self) -> int:
        return self.request.quantity

    @property
    def price(self) -> Decimal:
        return self.item.price

    @property
    def code(self) -> str:
        return self.item.code


@dataclass(frozen=True)
class _BuyerLocation:
    id: int
    name: str
    organisation_id: int
    country: str
    market_id: int | None  # the market serving the location's country (None: none does)
    currency: str | None  # that market's
    tiers: str | None  # its dealer tiers, "10:3.00,50:6.00" (dealers only)
    # PostgreSQL: the new order's id, taken from the order sequence by the same query (saves a
    # round trip; an id taken by a placement that then fails is never used, like a rolled-back one).
    new_order_id: int | None = None


# --------------------------------------------------------------------------------------------
# Placing


def require_may_place(principal: Principal) -> None:
    """PermissionDenied "order.place_denied" unless the caller is a dealer's or a customer's user."""
    if principal.role not in (Role.DEALER, Role.CUSTOMER):
        raise PermissionDenied("order.place_denied")


def place_order(
    session: Session,
    principal: Principal,
    *,
    lines: Sequence[Mapping[str, Any] | LineRequest],
    buyer_location_id: int,
    idempotency_key: str,
    source_location_id: int | None = None,
    configured: ConfiguredVehicle | None = None,
) -> PlacedOrder:
    """Place an order and reserve its stock, in one transaction; commits.

    `configured` (customers only): the one vehicle line is priced and completed as that
    configuration (see ConfiguredVehicle); its trim must be the line's.

    `lines`: each {"item_kind": "part" | "trim", "item_id": id (or "sku" / "code"), "quantity": n}.
    Returns the new order in `pending_payment` (hold until now + `settings.order_hold_minutes`),
    with its lines, first timeline entry, a pending Payment, and an "order.placed" outbox row.

    Idempotent per (buyer organisation, `idempotency_key`): a repeat of the same request returns
    the existing order with `replayed=True`, also when the repeats race each other (the unique
    constraint decides; the loser returns the winner's order).

    Raises (nothing written in every case):
    - PermissionDenied "order.place_denied": only dealers and customers place orders;
    - ValidationFailed naming the field (e.g. "lines[2].quantity"): empty cart, unknown item, bad or
      too large quantity, duplicate item, an item the buyer's market does not list
      (`order.item_no_market_price`), a buyer location no market serves (`order.no_market`), a buyer
      location not the buyer's own (a dealer) or not a dealer store (a customer), a source that is
      not an OEM warehouse, a customer ordering anything but one vehicle, a missing or too long
      idempotency key;
    - IdempotencyConflict: the key was used before with different lines or locations;
    - OutOfStock: some line is short at the source; lists each short line and how many are free.
    """
    require_may_place(principal)
    key = _check_key(idempotency_key)
    requested = _parse_lines(lines, customer=principal.role == Role.CUSTOMER)
    if configured is not None and principal.role != Role.CUSTOMER:
        raise ValidationFailed("order.configuration_customers_only", field="lines")
    fingerprint = _fingerprint(
        requested, buyer_location_id, source_location_id, None if configured is None else configured.signature
    )

    try:
        return _place(
            session,
            principal,
            requested,
            key,
            fingerprint,
            buyer_location_id,
            source_location_id,
            configured,
        )
    except IntegrityError:
        # The key was used before (by an earlier request, or a concurrent one that committed first):
        # that order is the answer. The unique constraint decides, so there is no read-then-insert race.
        session.rollback()
        existing = _find_by_key(session, principal, key)
        if existing is None:
            raise
        return _replay(session, principal, existing, fingerprint)
    except BaseException:
        session.rollback()
        raise


def _place(
    session: Session,
    principal: Principal,
    requested: list[_Line],
    key: str,
    fingerprint: str,
    buyer_location_id: int,
    source_location_id: int | None,
    configured: ConfiguredVehicle | None = None,
) -> PlacedOrder:
    settings = get_settings()
    customer = principal.role == Role.CUSTOMER
    buyer_location = _check_location_and_items(session, principal, buyer_location_id, requested)
    _price_lines(requested, buyer_location, dealer=not customer)
    if configured is not None:
        line = requested[0]
        if line.item.id != configured.trim_id:
            raise ValidationFailed("order.configuration_other_trim", field="lines[0].item_id")
        if configured.options_currency != buyer_location.currency:
            raise ValidationFailed(
                "order.configuration_currency",
                field="lines[0]",
                currency=configured.options_currency,
                expected=buyer_location.currency,
            )
        line.item = replace(line.item, price=line.item.price + configured.options_price)
    currency = buyer_location.currency
    if customer:
        if source_location_id not in (None, buyer_location.id):
            raise ValidationFailed("order.source_location_invalid", field="source_location_id")
        if configured is not None and configured.plant_build:
            source = _choose_source(session, requested, None)
        else:
            source = _Source(
                buyer_location.id,
                buyer_location.name,
                buyer_location.organisation_id,
                _stock_rows(session, buyer_location.id, requested),
            )
    else:
        source = _choose_source(session, requested, source_location_id)
    stock_ids = source.stock_ids

    now = utcnow()
    total = sum((_line_total(line) for line in requested), Decimal("0.00"))
    deposit = None
    if customer:
        deposit = (total * Decimal(settings.customer_deposit_percent) / 100).quantize(
            CENTS, rounding=ROUND_HALF_UP
        )
    order = {
        "kind": OrderKind.CUSTOMER_VEHICLE if customer else OrderKind.DEALER_PURCHASE,
        "buyer_organisation_id": principal.organisation_id,
        "buyer_user_id": principal.user_id,
        "buyer_location_id": buyer_location.id,
        "seller_organisation_id": source.organisation_id,
        "source_location_id": source.id,
        "status": OrderStatus.PENDING_PAYMENT,
        "currency": currency,
        "total": total,
        "deposit": deposit,
        "idempotency_key": key,
        "request_fingerprint": fingerprint,
        "hold_expires_at": now + timedelta(minutes=settings.order_hold_minutes),
        "cancel_code": None,
        "cancel_reason": None,
        "created_at": now,
        "updated_at": now,
    }
    # The rows are plain dicts written by prebuilt Core statements (services/platform/row_writes.py): no
    # ORM objects, no statement built per call. The order goes first: a concurrent duplicate of
    # this key then waits on the unique index and fails there, before it could reserve anything.
    # The stock comes last, right before the commit, so a row lock on a much-wanted item is held
    # for one statement and the commit, not for the whole placement. (A line with no stock row at
    # the source needs no writes at all: nothing can be reserved for it.)
    if buyer_location.new_order_id is not None:  # PostgreSQL: the id came with the location check
        order_id, number = buyer_location.new_order_id, order_number(buyer_location.new_order_id)
        order["id"], order["number"] = order_id, number
        first_rows = [(SalesOrder, [order])]  # written with the others, in one statement
    else:
        order["id"], order["number"] = order_id, number = _insert_order(session, order)
        first_rows = []
    order_lines = [
        {
            "order_id": order_id,
            "line_no": line.index + 1,
            "part_id": line.item.id if line.kind == "part" else None,
            "trim_id": line.item.id if line.kind == "trim" else None,
            "stock_level_id": stock_ids[line.index],
            "item_code": line.code,
            "item_name": line.item.name,
            "quantity": line.quantity,
            "unit_price": line.price,
            "currency": currency,
            "line_total": _line_total(line),
        }
        for line in requested
        if stock_ids.get(line.index) is not None
    ]
    transition = placement_row(order_id, actor_user_id=principal.user_id, at=now)
    payment = {
        "order_id": order_id,
        "idempotency_key": payment_key(number),
        "amount": deposit if deposit is not None else total,
        "currency": currency,
        "status": PaymentStatus.PENDING,
        "gateway_reference": None,
        "decline_reason": None,
        "captured_at": None,
        "created_at": now,
        "updated_at": now,
    }
    stocked = [line for line in requested if stock_ids.get(line.index) is not None]
    message_id, shortfalls = None, None
    if len(stocked) == len(requested):
        # A one-line cart reserves in the same statement (one row: no lock order to keep).
        guard = reservations.reserve_statement() if len(requested) == 1 else None
        message_id, reserved = row_writes.insert_together(
            session,
            [
                *first_rows,
                (SalesOrderLine, order_lines),
                (OrderTransition, [transition]),
                (Payment, [payment]),
                (
                    OutboxMessage,
                    [
                        outbox.row(outbox.STOCK_CHANGED, {"location_ids": [source.id]}, now),
                        outbox.row(ORDER_PLACED, {"order_id": order_id, "number": number}, now),
                    ],
                ),
            ],
            guard,
            None if guard is None else reservations.reserve_params(stock_ids[0], requested[0].quantity),
        )
        if guard is not None:
            shortfalls = (
                []
                if reserved == 1
                else [reservations.shortfall(session, stock_ids[0], requested[0].quantity)]
            )
    # With a line not stocked at the source at all, the others are still tried (and rolled back)
    # so the buyer learns every short line at once.
    if shortfalls is None:
        shortfalls = reservations.reserve(
            session, [(stock_ids[line.index], line.quantity) for line in stocked]
        )
    short_rows = {s.stock_level_id: s.available for s in shortfalls}
    short_lines = [
        line for line in requested if stock_ids.get(line.index) is None or stock_ids[line.index] in short_rows
    ]
    if short_lines:
        session.rollback()
        raise OutOfStock(
            [
                ShortLine(
                    line.index,
                    line.kind,
                    line.code,
                    line.item.name,
                    line.quantity,
                    short_rows.get(stock_ids.get(line.index), 0),
                )
                for line in short_lines
            ]
        )
    if configured is not None:
        configured.write(session, order_id)
    session.commit()
    view = build_view(
        SimpleNamespace(**order),
        SimpleNamespace(**payment),
        buyer_location.name,
        source.name,
        lines=[line_view(SimpleNamespace(**line)) for line in order_lines],
        transitions=[SimpleNamespace(**transition)],
    )
    return PlacedOrder(view, replayed=False, message_id=message_id)


def _insert_order(session: Session, order: dict[str, Any]) -> tuple[int, str]:
    """Where the order id does not come with the location check (SQLite): INSERT the order row,
    then give it its number (`order_number` of its new id) in the same transaction; returns
    (id, number)."""
    connection = session.connection()
    order_id = connection.execute(_insert_order_statement(), {**order, "number": None}).scalar_one()
    number = order_number(order_id)
    connection.execute(_set_number_statement(), {"order_id": order_id, "number": number})
    return order_id, number


@functools.cache
def _insert_order_statement() -> Insert:
    table = SalesOrder.__table__
    return insert(table).returning(table.c.id)


@functools.cache
def _set_number_statement():
    table = SalesOrder.__table__
    return update(table).where(table.c.id == bindparam("order_id")).values(number=bindparam("number"))


def order_number(order_id: int) -> str:
    """The order's human number: "SO-000123"."""
    return f"SO-{order_id:06d}"


def payment_key(number: str) -> str:
    """The idempotency key the gateway sees for an order's payment.

    Derived from the order number, which is unique across the platform; the client's own key is
    only unique within its organisation, so two organisations' keys could otherwise meet at the bank.
    """
    return f"PAY-{number}"


def _check_key(idempotency_key: str) -> str:
    key = (idempotency_key or "").strip() if isinstance(idempotency_key, str) else ""
    if not key:
        raise ValidationFailed("order.idempotency_key_required", field="idempotency_key")
    if len(key) > MAX_IDEMPOTENCY_KEY or not key.isprintable():
        raise ValidationFailed(
            "order.idempotency_key_invalid", field="idempotency_key", max=MAX_IDEMPOTENCY_KEY
        )
    return key


def _parse_lines(lines: Sequence[Mapping[str, Any] | LineRequest], *, customer: bool) -> list[_Line]:
    """Check the cart's shape without the database: kinds, references, whole positive quantities."""
    settings = get_settings()
    if not isinstance(lines, Sequence) or isinstance(lines, str | bytes) or not lines:
        raise ValidationFailed("order.lines_required", field="lines")
    if len(lines) > MAX_LINES:
        raise ValidationFailed("order.too_many_lines", field="lines", max=MAX_LINES)
    if customer and len(lines) != 1:
        raise ValidationFailed("order.customer_one_vehicle", field="lines")
    parsed: list[_Line] = []
    for index, raw in enumerate(lines):
        number = index + 1
        if isinstance(raw, LineRequest):
            request = raw
        elif isinstance(raw, Mapping):
            request = LineRequest(
                item_kind=raw.get("item_kind"),
                quantity=raw.get("quantity"),
                item_id=raw.get("item_id"),
                code=raw.get("sku") or raw.get("code"),
            )
        else:
            raise ValidationFailed("order.line_invalid", field=f"lines[{index}]", line=number)
        if request.item_kind not in ITEM_KINDS:
            raise ValidationFailed("order.item_kind_invalid", field=f"lines[{index}].item_kind", line=number)
        if customer and request.item_kind != "trim":
            raise ValidationFailed(
                "order.customer_vehicles_only", field=f"lines[{index}].item_kind", line=number
            )
        if request.item_id is not None:
            if isinstance(request.item_id, bool) or not isinstance(request.item_id, int):
                raise ValidationFailed(
                    "order.item_unknown",
                    field=f"lines[{index}].item_id",
                    line=number,
                    item=str(request.item_id)[:40],
                )
        elif not isinstance(request.code, str) or not request.code.strip():
            raise ValidationFailed("order.item_required", field=f"lines[{index}].item_id", line=number)
        else:
            request = LineRequest(request.item_kind, request.quantity, None, request.code.strip())
        quantity = request.quantity
        if isinstance(quantity, bool) or not isinstance(quantity, int):
            raise ValidationFailed("order.quantity_invalid", field=f"lines[{index}].quantity", line=number)
        if quantity <= 0:
            raise ValidationFailed(
                "order.quantity_not_positive", field=f"lines[{index}].quantity", line=number
            )
        if customer and quantity != 1:
            raise ValidationFailed("order.customer_one_vehicle", field=f"lines[{index}].quantity")
        maximum = (
            settings.order_max_part_quantity
            if request.item_kind == "part"
            else settings.order_max_vehicle_quantity
        )
        if quantity > maximum:
            raise ValidationFailed(
                "order.quantity_too_large", field=f"lines[{index}].quantity", line=number, max=maximum
            )
        parsed.append(_Line(index, request))
    return parsed


def _fingerprint(
    lines: list[_Line], buyer_location_id: Any, source_location_id: Any, configuration: str | None = None
) -> str:
    """A hash of the request as sent (cart order does not matter), to recognise a reused key."""
    canonical = sorted(
        [
            line.kind,
            f"id:{line.request.item_id}" if line.request.item_id is not None else f"code:{line.request.code}",
            line.quantity,
        ]
        for line in lines
    )
    request = {
        "lines": canonical,
        "buyer_location_id": buyer_location_id,
        "source_location_id": source_location_id,
    }
    if configuration is not None:  # (absent otherwise: earlier orders' fingerprints stay as they were)
        request["configuration"] = configuration
    text = json.dumps(request, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def _find_by_key(session: Session, principal: Principal, key: str) -> tuple[int, str, int] | None:
    """(id, request fingerprint, buyer user) of the order placed under this key, if any."""
    return session.exec(
        select(SalesOrder.id, SalesOrder.request_fingerprint, SalesOrder.buyer_user_id).where(
            SalesOrder.buyer_organisation_id == principal.organisation_id, SalesOrder.idempotency_key == key
        )
    ).first()


def _replay(
    session: Session, principal: Principal, existing: tuple[int, str, int], fingerprint: str
) -> PlacedOrder:
    order_id, first_fingerprint, buyer_user_id = existing
    # Customers share one organisation: another customer's key must never reveal that customer's order.
    if first_fingerprint != fingerprint or (
        principal.role == Role.CUSTOMER and buyer_user_id != principal.user_id
    ):
        session.rollback()
        raise IdempotencyConflict()
    view = load_order_view(session, order_id)
    session.commit()
    return PlacedOrder(view, replayed=True)


def _buyer_location_rule(principal: Principal) -> ColumnElement[bool]:
    """Where `principal` may have an order delivered: a dealer to its own locations, a customer to
    any dealer's store (the vehicle is handed over there). Needs Location joined to Organisation."""
    if principal.role == Role.DEALER:
        return Location.organisation_id == principal.organisation_id
    if principal.role == Role.CUSTOMER:
        return and_(Location.kind == LocationKind.STORE, Organisation.kind == OrganisationKind.DEALER)
    return false()


def delivery_locations(session: Session, principal: Principal) -> list[dict]:
    """The locations the principal may choose as `buyer_location_id` at checkout, by name:
    [{"id", "code", "name", "city", "country", "organisation_name"}]. Empty for other roles."""
    rows = session.exec(
        select(Location, Organisation.name, Organisation.name_zh)
        .join(Organisation, Organisation.id == Location.organisation_id)
        .where(_buyer_location_rule(principal))
        .order_by(Location.name, Location.id)
    ).all()
    return [
        {
            "id": location.id,
            "code": location.code,
            "name": location.name,
            "city": location.city,
            "country": location.country,
            "organisation_name": organisation_name,
            "name_zh": location.name_zh or "",
            "organisation_name_zh": organisation_zh or "",
        }
        for location, organisation_name, organisation_zh in rows
    ]


def _check_buyer_location(session: Session, principal: Principal, location_id: Any) -> _BuyerLocation:
    """A dealer buys for one of its own locations; a customer for a dealer's store."""
    row = None
    if _is_id(location_id):
        connection = session.connection()
        row = connection.execute(
            _buyer_location_statement(principal.role, connection.dialect.name == "postgresql"),
            {"location_id": location_id, "organisation_id": principal.organisation_id},
        ).first()
    if row is None:
        raise ValidationFailed("order.buyer_location_invalid", field="buyer_location_id")
    return _BuyerLocation(*row)


_MAX_ID = 2**63 - 1  # beyond any id column; a larger number cannot name a row


@functools.cache
def _buyer_location_statement(role: str, new_order_id: bool) -> Select:
    """The buyer location check for one role, built once (parameters location_id, organisation_id);
    with `new_order_id` (PostgreSQL) also the next id of the order sequence."""
    rule = _buyer_location_rule(SimpleNamespace(role=role, organisation_id=bindparam("organisation_id")))
    tiers = (
        select(
            aggregate_strings(
                cast(DealerTier.min_quantity, String) + ":" + cast(DealerTier.discount_pct, String), ","
            )
        )
        .where(DealerTier.market_id == MarketCountry.market_id)
        .scalar_subquery()
        if role == Role.DEALER
        else null()
    )
    columns = [
        Location.id,
        Location.name,
        Location.organisation_id,
        Location.country,
        MarketCountry.market_id,
        Market.currency,
        tiers,
    ]
    if new_order_id:
        columns.append(func.nextval(func.pg_get_serial_sequence(SalesOrder.__tablename__, "id")))
    return (
        select(*columns)
        .join(Organisation, Organisation.id == Location.organisation_id)
        .outerjoin(MarketCountry, MarketCountry.country == Location.country)
        .outerjoin(Market, Market.id == MarketCountry.market_id)
        .where(Location.id == bindparam("location_id"), rule)
    )


def _check_location_and_items(
    session: Session, principal: Principal, location_id: Any, lines: list[_Line]
) -> _BuyerLocation:
    """`_check_buyer_location` and `_resolve_items`; for a cart of one kind of item, in one query."""
    kinds = _kinds(lines)
    if len(kinds) != 1 or not _is_id(location_id):
        buyer_location = _check_buyer_location(session, principal, location_id)
        _resolve_items(session, lines, buyer_location.market_id)
        return buyer_location
    kind = kinds[0]
    ids, codes = _references(lines)
    connection = session.connection()
    postgresql = connection.dialect.name == "postgresql"
    rows = connection.execute(
        _location_and_items_statement(principal.role, postgresql, kind, bool(ids), bool(codes)),
        {
            "location_id": location_id,
            "organisation_id": principal.organisation_id,
            "ids": list(ids),
            "codes": list(codes),
            "today": pricing_day(),
        },
    ).all()
    if not rows:
        raise ValidationFailed("order.buyer_location_invalid", field="buyer_location_id")
    width = 8 if postgresql else 7
    _assign_items(kind, lines, [_Item(*row[width:]) for row in rows if row[width] is not None])
    _refuse_duplicates(lines)
    return _BuyerLocation(*rows[0][:width])


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= _MAX_ID


def _references(lines: list[_Line]) -> tuple[set, set]:
    """The (ids, codes) the lines name their items by."""
    return (
        {line.request.item_id for line in lines if line.request.item_id is not None},
        {line.request.code for line in lines if line.request.item_id is None},
    )


@functools.cache
def _location_and_items_statement(
    role: str, new_order_id: bool, kind: str, by_id: bool, by_code: bool
) -> Select:
    """The buyer location check (one row, or none) joined to the cart's items of one kind: one row
    per item found, or one row with NULL item columns when none is."""
    location = _buyer_location_statement(role, new_order_id).cte("buyer_location")
    model, code_column = _item_columns(kind)
    market_id = location.c.market_id
    return select(
        *location.c, model.id, code_column, model.name, *_market_price_columns(kind, market_id)
    ).select_from(
        location.outerjoin(model, _item_match(kind, by_id, by_code)).outerjoin(
            MarketPrice, _market_price_match(kind, market_id)
        )
    )


def _market_price_match(kind: str, market_id) -> ColumnElement[bool]:
    """The item's active price in the market (`market_id`: a column or a parameter)."""
    model, _ = _item_columns(kind)
    return and_(
        MarketPrice.market_id == market_id,
        (MarketPrice.part_id if kind == "part" else MarketPrice.trim_id) == model.id,
        MarketPrice.status == MarketPriceStatus.ACTIVE,
    )


def _market_price_columns(kind: str, market_id) -> tuple:
    """The market's list price of the item and today's best promotion on it (parameter `today`):
    the largest percent off and the lowest promotional price valid on the day."""
    model, _ = _item_columns(kind)
    valid = and_(
        Promotion.market_id == market_id,
        (Promotion.part_id if kind == "part" else Promotion.trim_id) == model.id,
        Promotion.valid_from <= bindparam("today"),
        Promotion.valid_to >= bindparam("today"),
    )
    return (
        MarketPrice.list_price,
        select(func.max(Promotion.percent)).where(valid).scalar_subquery(),
        select(func.min(Promotion.price)).where(valid).scalar_subquery(),
    )


def _resolve_items(session: Session, lines: list[_Line], market_id: int | None) -> None:
    """Find each line's part or trim (by id or code) with its price in the market; refuse unknown
    and repeated items."""
    for kind in ITEM_KINDS:
        of_kind = [line for line in lines if line.kind == kind]
        if not of_kind:
            continue
        ids, codes = _references(of_kind)
        found = [
            _Item(*row)
            for row in session.connection().execute(
                _items_statement(kind, bool(ids), bool(codes)),
                {"ids": list(ids), "codes": list(codes), "market_id": market_id, "today": pricing_day()},
            )
        ]
        _assign_items(kind, of_kind, found)
    _refuse_duplicates(lines)


def _assign_items(kind: str, lines: list[_Line], found: list[_Item]) -> None:
    """Give each line of `kind` its item from `found`; refuse a line whose item is not there."""
    by_id = {item.id: item for item in found}
    by_code = {item.code: item for item in found}
    for line in lines:
        if line.kind == kind:
            if line.request.item_id is not None:
                line.item = by_id.get(line.request.item_id)
                field_name = "item_id"
            else:
                line.item = by_code.get(line.request.code)
                field_name = "sku" if kind == "part" else "code"
            if line.item is None:
                raise ValidationFailed(
                    "order.item_unknown",
                    field=f"lines[{line.index}].{field_name}",
                    line=line.index + 1,
                    item=str(line.request.item_id if line.request.item_id is not None else line.request.code)[
                        :40
                    ],
                )


def _refuse_duplicates(lines: list[_Line]) -> None:
    seen: dict[tuple[str, int], int] = {}
    for line in lines:
        other = seen.setdefault((line.kind, line.item.id), line.index)
        if other != line.index:
            raise ValidationFailed(
                "order.line_duplicate",
                field=f"lines[{line.index}]",
                line=line.index + 1,
                other=other + 1,
                item=line.code,
            )


@functools.cache
def _items_statement(kind: str, by_id: bool, by_code: bool) -> Select:
    """Parts or trims by id and/or code (expanding parameters ids, codes) with their price in the
    market (parameters market_id, today), as _Item columns."""
    model, code_column = _item_columns(kind)
    market_id = bindparam("market_id")
    return (
        select(model.id, code_column, model.name, *_market_price_columns(kind, market_id))
        .select_from(model)
        .outerjoin(MarketPrice, _market_price_match(kind, market_id))
        .where(_item_match(kind, by_id, by_code))
    )


def _item_columns(kind: str) -> tuple:
    return (Part, Part.sku) if kind == "part" else (Trim, Trim.code)


def _item_match(kind: str, by_id: bool, by_code: bool) -> ColumnElement[bool]:
    model, code_column = _item_columns(kind)
    return or_(
        model.id.in_(bindparam("ids", expanding=True)) if by_id else false(),
        code_column.in_(bindparam("codes", expanding=True)) if by_code else false(),
    )


def _price_lines(lines: list[_Line], buyer_location: _BuyerLocation, *, dealer: bool) -> None:
    """Price every line from the buyer's market list, in its currency (the rule:
    services/pricing/market_prices.py `unit_price`; tiers for dealers only). Refuses a buyer
    location no market serves (`order.no_market`) and an item the market does not list
    (`order.item_no_market_price`, naming the line and the item)."""
    if buyer_location.market_id is None:
        raise ValidationFailed("order.no_market", field="buyer_location_id", country=buyer_location.country)
    tiers = parse_tiers(buyer_location.tiers) if dealer else ()
    for line in lines:
        item = line.item
        if item.price is None:
            raise ValidationFailed(
                "order.item_no_market_price",
                field=f"lines[{line.index}]",
                line=line.index + 1,
                item=item.code,
                currency=buyer_location.currency,
            )
        price = market_unit_price(
            Decimal(item.price),
            buyer_location.currency,
            quantity=line.quantity,
            tiers=tiers,
            promo_pct=None if item.promo_pct is None else Decimal(item.promo_pct),
            promo_price=None if item.promo_price is None else Decimal(item.promo_price),
        )
        line.item = replace(item, price=price)


def _item_column(kind: str):
    return StockLevel.part_id if kind == "part" else StockLevel.trim_id


def _item_ids(lines: list[_Line]) -> dict[str, list[int]]:
    """{"part_ids": [...], "trim_ids": [...]}: the parameters of `_item_filter`."""
    return {f"{kind}_ids": [line.item.id for line in lines if line.kind == kind] for kind in ITEM_KINDS}


def _item_filter(kinds: tuple[str, ...]) -> ColumnElement[bool]:
    """Stock rows of the cart's items, for the kinds it holds (expanding parameters part_ids,
    trim_ids)."""
    return or_(*(_item_column(kind).in_(bindparam(f"{kind}_ids", expanding=True)) for kind in kinds))


def _kinds(lines: list[_Line]) -> tuple[str, ...]:
    return tuple(kind for kind in ITEM_KINDS if any(line.kind == kind for line in lines))


@dataclass(frozen=True)
class _Source:
    """Where an order's stock comes from, and its stock row per cart line (None: not stocked there)."""

    id: int
    name: str
    organisation_id: int
    stock_ids: dict[int, int | None]


def _item_key(part_id: int | None, trim_id: int | None) -> tuple[str, int]:
    return ("part", part_id) if part_id is not None else ("trim", trim_id)


def _choose_source(session: Session, lines: list[_Line], source_location_id: Any) -> _Source:
    """The OEM warehouse a dealer's order ships from (see the module docstring for the rule).

    One query reads every OEM warehouse's stock of the cart's items, which also yields the stock
    rows to reserve.
    """
    if source_location_id is not None and not _is_id(source_location_id):
        raise ValidationFailed("order.source_location_invalid", field="source_location_id")
    connection = session.connection()
    rows = connection.execute(
        _sources_statement(_kinds(lines), source_location_id is not None),
        {**_item_ids(lines), "source_id": source_location_id},
    ).all()
    if not rows and source_location_id is not None:
        raise ValidationFailed("order.source_location_invalid", field="source_location_id")
    if not rows:  # no warehouse holds any of it: the first one tells the buyer it has none
        rows = connection.execute(
            select(Location.id, Location.name, Location.organisation_id, null(), null(), null(), null())
            .join(Organisation, Organisation.id == Location.organisation_id)
            .where(*_IS_OEM_WAREHOUSE)
            .order_by(Location.id)
            .limit(1)
        ).all()
        if not rows:
            raise ValidationFailed("order.no_source_location", field="source_location_id")
    locations: dict[int, tuple[str, int]] = {}
    stock: dict[int, dict[tuple[str, int], tuple[int, int]]] = {}
    for location_id, name, organisation_id, stock_id, part_id, trim_id, available in rows:
        locations[location_id] = (name, organisation_id)
        if stock_id is not None:
            stock.setdefault(location_id, {})[_item_key(part_id, trim_id)] = (stock_id, available)

    def score(location_id: int) -> tuple:
        held = stock.get(location_id, {})
        wanted = [(held.get((line.kind, line.item.id), (None, 0))[1], line.quantity) for line in lines]
        fills_all = all(available >= quantity for available, quantity in wanted)
        filled = sum(min(available, quantity) for available, quantity in wanted)
        return (fills_all, filled, sum(available for available, _ in wanted), -location_id)

    best = max(locations, key=score)
    held = stock.get(best, {})
    return _Source(
        best,
        *locations[best],
        {line.index: held.get((line.kind, line.item.id), (None, 0))[0] for line in lines},
    )


_IS_OEM_WAREHOUSE = (Location.kind == LocationKind.WAREHOUSE, Organisation.kind == OrganisationKind.OEM)


@functools.cache
def _sources_statement(kinds: tuple[str, ...], one_source: bool) -> Select:
    """Every OEM warehouse's stock of the cart's items (or the one given: parameter source_id),
    with what is free of each; built once per shape."""
    statement = (
        select(
            Location.id,
            Location.name,
            Location.organisation_id,
            StockLevel.id,
            StockLevel.part_id,
            StockLevel.trim_id,
            StockLevel.on_hand - StockLevel.reserved,
        )
        .join(Organisation, Organisation.id == Location.organisation_id)
        .outerjoin(StockLevel, and_(StockLevel.location_id == Location.id, _item_filter(kinds)))
        .where(*_IS_OEM_WAREHOUSE)
    )
    if one_source:
        return statement.where(Location.id == bindparam("source_id"))
    return statement.where(StockLevel.id.is_not(None))


@functools.cache
def _stock_rows_statement(kinds: tuple[str, ...]) -> Select:
    return select(StockLevel.id, StockLevel.part_id, StockLevel.trim_id).where(
        StockLevel.location_id == bindparam("location_id"), _item_filter(kinds)
    )


def _stock_rows(session: Session, location_id: int, lines: list[_Line]) -> dict[int, int | None]:
    """Line index -> the stock_level row holding its item at `location_id` (None: not stocked there)."""
    rows = (
        session.connection()
        .execute(_stock_rows_statement(_kinds(lines)), {**_item_ids(lines), "location_id": location_id})
        .all()
    )
    by_item = {_item_key(p, t): stock_id for stock_id, p, t in rows}
    return {line.index: by_item.get((line.kind, line.item.id)) for line in lines}


def _line_total(line: _Line) -> Decimal:
    return (line.price * line.quantity).quantize(CENTS)


# --------------------------------------------------------------------------------------------
# Cancelling, and the steps services/ordering/payments.py shares


def cancel_order(session: Session, principal: Principal, order_id: int, reason: str = "") -> OrderView:
    """The buyer cancels an order still waiting for payment; its reservation is released. Commits.

    The payment becomes `void`; should the bank still capture it later, that capture is refunded
    (services/ordering/payments.py). Raises NotFound when the principal cannot see the order,
    PermissionDenied "order.cancel_buyer_only" for its seller, IllegalTransition
    "order.not_cancellable" (params status) once it is paid, allocated or cancelled, and
    ValidationFailed "order.reason_too_long" for a reason over 300 characters.
    """
    reason = (reason or "").strip()
    if len(reason) > MAX_REASON:
        raise ValidationFailed("order.reason_too_long", field="reason", max=MAX_REASON)
    try:
        order = lock_order(session, order_id, visible_to(principal))
        if order is None:
            raise NotFound("order.not_found", field="order_id")
        is_buyer = (
            order.buyer_user_id == principal.user_id
            if principal.role == Role.CUSTOMER
            else order.buyer_organisation_id == principal.organisation_id
        )
        if not is_buyer:
            raise PermissionDenied("order.cancel_buyer_only")
        if order.status != OrderStatus.PENDING_PAYMENT:
            raise IllegalTransition("order.not_cancellable", status=order.status)
        release_and_cancel(
            session,
            order,
            cause="order.event.cancelled_by_buyer",
            cancel_code="order.cancelled.by_buyer",
            reason=reason,
            actor_user_id=principal.user_id,
        )
        session.commit()
        view = load_order_view(session, order_id)
        session.commit()  # end the read too: on SQLite an open transaction holds the write lock
    except BaseException:
        session.rollback()
        raise
    return view


def lock_order(session: Session, order_id: int, *where: ColumnElement[bool]) -> SalesOrder | None:
    """Read the order for update (row lock on PostgreSQL; SQLite's writers are already serialised).

    Every writer takes the order row first and the stock rows after, in id order: one lock order
    for the whole core, so processing, cancelling and expiring the same order never deadlock.
    """
    return session.exec(
        select(SalesOrder)
        .where(SalesOrder.id == order_id, *where)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()


def order_quantities(session: Session, order_id: int) -> list[tuple[int, int]]:
    """(stock_level_id, quantity) of the order's lines: what it holds reserved."""
    return list(
        session.exec(
            select(SalesOrderLine.stock_level_id, SalesOrderLine.quantity).where(
                SalesOrderLine.order_id == order_id
            )
        ).all()
    )


def release_and_cancel(
    session: Session,
    order: SalesOrder,
    *,
    cause: str,
    cancel_code: str,
    reason: str = "",
    actor_user_id: int | None = None,
    payment_status: str = PaymentStatus.VOID,
) -> None:
    """Cancel a locked pending order and give its units back, in the caller's transaction.

    The payment moves to `payment_status` (void, or declined when the bank said no).
    Raises IllegalTransition if the order is not pending.
    """
    move_order(session, order, OrderStatus.CANCELLED, cause=cause, detail=reason, actor_user_id=actor_user_id)
    order.cancel_code = cancel_code
    order.cancel_reason = reason[:MAX_REASON] or None
    reservations.release(session, order_quantities(session, order.id))
    # A built car kept for the order stands free again (configured vehicle orders).
    session.execute(
        update(BuiltVehicle).where(BuiltVehicle.reserved_order_id == order.id).values(reserved_order_id=None)
    )
    payment = session.exec(
        select(Payment).where(Payment.order_id == order.id).execution_options(populate_existing=True)
    ).one()
    if payment.status != payment_status:
        move_payment(payment, payment_status)
    if payment_status == PaymentStatus.DECLINED:
        payment.decline_reason = reason[:MAX_REASON] or None
    session.add(payment)
    outbox.enqueue(session, ORDER_CHANGED, order_changed_payload(order))
    outbox.enqueue(session, outbox.STOCK_CHANGED, {"location_ids": [order.source_location_id]})


def order_changed_payload(order: SalesOrder) -> dict:
    """What the live order pages need to know to refresh the right clients."""
    return {
        "order_id": order.id,
        "number": order.number,
        "status": order.status,
        "buyer_organisation_id": order.buyer_organisation_id,
        "buyer_user_id": order.buyer_user_id,
        "seller_organisation_id": order.seller_organisation_id,
    }
