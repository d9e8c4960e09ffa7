"""Orders: place one (idempotent per `Idempotency-Key`), read one, list the caller's.

Placement is one transaction in services/ordering/placement.py: every line is checked, its stock reserved
and the order created in `pending_payment`, or nothing is written. The payment is then taken by a
worker, asynchronously; read the order again (or watch the order page) to see it become
`allocated` or `cancelled`. Prices always come from the server's price list: a price sent by the
client is ignored.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, JsonValue
from sqlmodel import Session
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

from models.db import get_engine
from portal.api.deps import BearerToken, CurrentPrincipal, DbSession, RequestedPage, authenticate
from portal.api.errors import error_response, language_for, message_for
from portal.api.routing import CheckedBodyRoute, guard_before_malformed
from portal.api.schemas import ErrorOut
from services.ordering import placement as ordering
from services.platform import field_paths
from services.platform.errors import DomainError, ValidationFailed
from workers.dispatch import start_processing

router = APIRouter(prefix="/orders", tags=["orders"], route_class=CheckedBodyRoute)

IDEMPOTENCY_HEADER = "Idempotency-Key"
_MAX_ID = 2**31 - 1
_KEY_FIELDS = {"idempotency_key"}  # the domain's name for what the API takes as the header


class OrderRequest(BaseModel):
    """A cart. Each line's shape is checked by the ordering rules, so every complaint names the
    line as `lines[i].field`."""

    model_config = ConfigDict(extra="ignore")

    lines: list[JsonValue] = Field(
        description='1 to 100 lines, each {item_kind: "part" | "trim", sku (part) or code (trim) '
        "or item_id, quantity: a whole number >= 1}.",
        examples=[
            [
                {"item_kind": "part", "sku": "BRK-000001", "quantity": 4},
                {"item_kind": "trim", "code": "TR-AURA-LR", "quantity": 1},
            ]
        ],
    )
    buyer_location_id: JsonValue = Field(
        description="Where it goes: one of the dealer's own locations (a customer: a dealer store)."
    )
    source_location_id: JsonValue = Field(
        default=None, description="Optional: the OEM warehouse to ship from (default: the best one)."
    )


class OrderLineOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    line_no: int
    item_kind: str
    item_id: int
    item_code: str
    item_name: str
    item_name_zh: str = Field(default="", description="The Chinese name, where there is one.")
    quantity: int
    unit_price: str
    currency: str
    line_total: str


class TimelineOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    at: str = Field(description="ISO 8601, UTC.")
    from_status: str | None
    to_status: str
    cause: str = Field(description="Translation key of the event.")
    detail: str
    actor_user_id: int | None


class ShipmentOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: int
    status: str
    from_location_id: int
    to_location_id: int
    carrier_reference: str | None
    created_at: str


class OrderOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: int
    number: str
    kind: str = Field(description="dealer_purchase or customer_vehicle.")
    status: str = Field(description="pending_payment, paid, allocated or cancelled.")
    buyer_organisation_id: int
    buyer_user_id: int
    buyer_location_id: int
    buyer_location_name: str
    buyer_location_name_zh: str = Field(default="", description="The Chinese name, where there is one.")
    source_location_id: int
    source_location_name: str
    source_location_name_zh: str = Field(default="", description="The Chinese name, where there is one.")
    seller_organisation_id: int
    currency: str
    total: str = Field(description="Exact decimal in `currency`.")
    deposit: str | None = Field(description="A customer's deposit (what is paid now), else null.")
    amount_due: str
    payment_status: str
    hold_expires_at: str = Field(description="Unpaid by then, the reservation is released.")
    cancel_code: str | None
    cancel_reason: str | None
    created_at: str
    updated_at: str
    lines: list[OrderLineOut]
    timeline: list[TimelineOut]
    shipment: ShipmentOut | None
    refunded_amount: str | None
    test_drive_id: int | None = Field(default=None, description="The test drive a vehicle order came from.")


class OrderSummaryOut(BaseModel):
    id: int
    number: str
    kind: str
    status: str
    buyer_location_id: int
    buyer_location_name: str
    buyer_location_name_zh: str = Field(default="", description="The Chinese name, where there is one.")
    currency: str
    total: str
    amount_due: str
    line_count: int
    hold_expires_at: str
    created_at: str


class OrderPage(BaseModel):
    items: list[OrderSummaryOut]
    page: int
    page_size: int
    total: int


class ShortLineOut(BaseModel):
    field: str = Field(examples=["lines[1].quantity"])
    line: int = Field(description="1-based, as the message says.")
    item_kind: str
    item_code: str
    item_name: str
    requested: int
    available: int
    message: str


class OutOfStockDetail(BaseModel):
    code: str
    message: str
    field: str | None
    shortages: list[ShortLineOut]


class OutOfStockOut(BaseModel):
    error: OutOfStockDetail


_READ_ERRORS = {401: {"model": ErrorOut}, 404: {"model": ErrorOut}, 422: {"model": ErrorOut}}


# The header is checked by the endpoint itself (so the 422 names it like any other field), which
# FastAPI would document as optional: the documented parameter says what is really asked for.
_IDEMPOTENCY_PARAMETER = {
    "name": IDEMPOTENCY_HEADER,
    "in": "header",
    "required": True,
    "schema": {"type": "string", "minLength": 1, "maxLength": ordering.MAX_IDEMPOTENCY_KEY},
    "description": "A new key per order (at most 100 printable characters); send the same key "
    "again to retry safely.",
}


def _may_place(request: Request) -> None:
    """The caller's 401 or 403, for a malformed body (a good one is checked in `_place`)."""
    token = request.headers.get("authorization", "")
    scheme, _, credentials = token.partition(" ")
    with Session(get_engine(), expire_on_commit=False) as session:
        principal = authenticate(session, credentials if scheme.lower() == "bearer" else None)
    ordering.require_may_place(principal)


@router.post(
    "",
    response_model=OrderOut,
    status_code=201,
    openapi_extra={"parameters": [_IDEMPOTENCY_PARAMETER]},
    responses={
        200: {"model": OrderOut, "description": "A replay: the order first placed with this key."},
        400: {"model": ErrorOut},
        401: {"model": ErrorOut},
        403: {"model": ErrorOut},
        409: {"model": OutOfStockOut, "description": "Short lines; nothing was reserved."},
        422: {"model": ErrorOut},
    },
)
@guard_before_malformed(_may_place)  # below @router.post: set before the route is built
async def place_order(
    body: OrderRequest,
    token: BearerToken,
    request: Request,
    idempotency_key: Annotated[
        str | None, Header(alias=IDEMPOTENCY_HEADER, include_in_schema=False)
    ] = None,  # documented: _IDEMPOTENCY_PARAMETER
) -> Any:
    """Place an order and reserve its stock (201). Sending the same `Idempotency-Key` again returns
    the same order (200) instead of placing another; the same key with a different cart is 422.

    Out of stock: 409 listing every short line with how many are available (nothing reserved).
    """
    # The busiest endpoint: authentication and placement share one session and one trip to the
    # thread pool (the dependencies of the other endpoints would cost three).
    try:
        placed = await run_in_threadpool(_place, token, body, idempotency_key)
    except ordering.OutOfStock as exc:
        return _out_of_stock(exc, language_for(request))
    # The view is already JSON-ready and shaped like OrderOut (the documented model): sent as is.
    # A worker takes the payment now: the task is sent right after the answer (a replay sends
    # nothing; should the process die first, the relay sends it after the grace).
    return JSONResponse(
        placed.order.as_dict(),
        status_code=200 if placed.replayed else 201,
        background=BackgroundTask(start_processing, placed),
    )


def _place(token: str | None, body: OrderRequest, idempotency_key: str | None) -> ordering.PlacedOrder:
    with Session(get_engine(), expire_on_commit=False) as session:
        principal = authenticate(session, token)
        if idempotency_key is None or not idempotency_key.strip():
            raise ValidationFailed("order.idempotency_key_required", field=IDEMPOTENCY_HEADER)
        try:
            placed = ordering.place_order(
                session,
                principal,
                lines=body.lines,
                buyer_location_id=body.buyer_location_id,
                idempotency_key=idempotency_key,
                source_location_id=body.source_location_id,
            )
        except ordering.OutOfStock:
            raise
        except DomainError as exc:
            if exc.field in _KEY_FIELDS:
                exc.field = IDEMPOTENCY_HEADER
            raise
    return placed


def _out_of_stock(exc: ordering.OutOfStock, language: str) -> JSONResponse:
    shortages = [
        {
            "field": field_paths.path("lines", short.index, "quantity"),
            "line": short.index + 1,
            "item_kind": short.item_kind,
            "item_code": short.item_code,
            "item_name": short.item_name,
            "requested": short.requested,
            "available": short.available,
            "message": message_for(
                "order.line_short",
                language,
                line=short.index + 1,
                item=short.item_code,
                available=short.available,
                requested=short.requested,
            ),
        }
        for short in exc.shortages
    ]
    params = {key: value for key, value in exc.params.items() if key != "shortages"}
    return error_response(
        exc.status,
        exc.code,
        field=exc.field,
        language=language,
        params=params,
        extra={"shortages": shortages},
    )


@router.get("/{order_id}", response_model=OrderOut, responses=_READ_ERRORS)
def read_order(
    order_id: Annotated[int, Path(ge=1, le=_MAX_ID)],
    principal: CurrentPrincipal,
    session: DbSession,
) -> Any:
    """The order with its lines, totals, payment status, timeline and shipment. Visible to its buyer
    and its seller; to anyone else it does not exist (404)."""
    view = ordering.get_order(session, principal, order_id)
    session.commit()  # end the read: on SQLite an open transaction holds the write lock
    return JSONResponse(view.as_dict())


@router.get("", response_model=OrderPage, responses=_READ_ERRORS)
def list_orders(
    principal: CurrentPrincipal,
    session: DbSession,
    page: RequestedPage,
    status: Annotated[
        str | None, Query(max_length=20, description="pending_payment, paid, allocated or cancelled.")
    ] = None,
    side: Annotated[
        str,
        Query(
            max_length=10,
            description='"buyer": orders you placed; "seller": orders filled from your locations.',
        ),
    ] = "buyer",
) -> OrderPage:
    """The caller's orders, newest first, one page at a time."""
    rows, total = ordering.list_orders(session, principal, page, side=side, status=status)
    session.commit()
    return OrderPage(
        items=[OrderSummaryOut(**row.as_dict()) for row in rows],
        page=page.number,
        page_size=page.size,
        total=total,
    )
