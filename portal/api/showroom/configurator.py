"""The configurator's API: a trim's colours and option packs with their rules, and the price of a
configuration with its deposit (public, no login); a customer orders a configuration (idempotent per
`Idempotency-Key`). A broken rule or bad input is 422 naming the field ("colour", "packs[1]",
"location_id") and, in the message, the pack and the rule."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Path
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.background import BackgroundTask

from portal.api.deps import CurrentPrincipal, DbSession
from portal.api.ordering.orders import OrderOut
from portal.api.routing import CheckedBodyRoute
from portal.api.schemas import ErrorOut
from services.ordering.placement import MAX_IDEMPOTENCY_KEY
from services.platform.errors import DomainError, ValidationFailed
from services.showroom import configurator, configured_orders
from workers.dispatch import start_processing

router = APIRouter(tags=["showroom"], route_class=CheckedBodyRoute)
_ERRORS = {400: {"model": ErrorOut}, 404: {"model": ErrorOut}, 422: {"model": ErrorOut}}
TrimId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The trim's id.")]


def _money(value) -> str:
    return f"{value:.2f}"


@router.get("/showroom/trims/{trim_id}/options", responses=_ERRORS)
def trim_options(trim_id: TrimId, session: DbSession) -> dict[str, Any]:
    """The trim's colours and option packs (prices in the trim's currency) and each pack's rules."""
    options = configurator.load_options(session, trim_id)
    states = {s.code: s for s in configurator.pack_states(options, [])}
    return {
        "trim_id": options.trim_id,
        "trim_code": options.trim_code,
        "trim_name": options.trim_name,
        "currency": options.currency,
        "base_price": _money(options.base_price),
        "colours": [
            {"key": c.key, "label": c.label, "hex": c.hex, "price": _money(c.price)} for c in options.colours
        ],
        "packs": [
            {
                "code": p.code,
                "name": p.name,
                "price": _money(p.price),
                "requires_trims": list(p.requires_trims),
                "requires_packs": list(p.requires_packs),
                "excludes_packs": list(p.excludes_packs),
                "available": states[p.code].enabled,
            }
            for p in options.packs
        ],
    }


@router.post("/showroom/trims/{trim_id}/price", responses=_ERRORS)
def price_configuration(
    trim_id: TrimId,
    session: DbSession,
    configuration: Annotated[
        dict[str, Any],
        Body(
            examples=[{"colour": "pearl_white", "packs": ["winter"]}], description="colour key and pack codes"
        ),
    ],
) -> dict[str, Any]:
    """Validate and price a configuration: trim + colour + packs, and the deposit due when ordering."""
    options = configurator.load_options(session, trim_id)
    quote = configurator.quote(options, configuration.get("colour"), configuration.get("packs", []))
    return {
        "trim_id": quote.trim_id,
        "currency": quote.currency,
        "base_price": _money(quote.base_price),
        "colour": {"key": quote.colour.key, "label": quote.colour.label, "price": _money(quote.colour.price)},
        "packs": [{"code": p.code, "name": p.name, "price": _money(p.price)} for p in quote.packs],
        "total": _money(quote.total),
        "deposit": _money(quote.deposit),
    }


class ColourOut(BaseModel):
    key: str
    label: str
    hex: str
    price: str


class PackOut(BaseModel):
    code: str
    name: str
    price: str


class ConfigurationOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    colour: ColourOut
    packs: list[PackOut]
    from_plant: bool = Field(
        description="No car in this configuration stood free at the store: the plant builds it."
    )
    ready_by: str | None = Field(description="ISO date the car is promised ready at the store.")
    vin: str | None = Field(description="The built car kept for the order (null when built at the plant).")


class ConfiguredOrderOut(BaseModel):
    order: OrderOut
    configuration: ConfigurationOut


_IDEMPOTENCY_HEADER = "Idempotency-Key"


@router.post(
    "/showroom/trims/{trim_id}/orders",
    status_code=201,
    response_model=ConfiguredOrderOut,
    openapi_extra={
        "parameters": [
            {
                "name": _IDEMPOTENCY_HEADER,
                "in": "header",
                "required": True,
                "schema": {"type": "string", "minLength": 1, "maxLength": MAX_IDEMPOTENCY_KEY},
                "description": "A new key per order; send the same key again to retry safely.",
            }
        ]
    },
    responses={
        200: {"model": ConfiguredOrderOut, "description": "A replay: the order first placed with this key."},
        **_ERRORS,
        401: {"model": ErrorOut},
        403: {"model": ErrorOut},
        409: {"model": ErrorOut, "description": "The store has no unit of the trim free; nothing written."},
    },
)
def order_configuration(
    trim_id: TrimId,
    principal: CurrentPrincipal,
    session: DbSession,
    body: Annotated[
        dict[str, Any],
        Body(
            examples=[{"colour": "pearl_white", "packs": ["winter"], "location_id": 12}],
            description="colour key, pack codes, and the dealer store to order at",
        ),
    ],
    idempotency_key: Annotated[
        str | None, Header(alias=_IDEMPOTENCY_HEADER, include_in_schema=False)
    ] = None,  # documented in openapi_extra
) -> Any:
    """A customer orders the trim in this configuration at a dealer store (201): priced as
    configured, with its deposit; a car built in that configuration standing free at the store is
    kept for the order, else the plant builds it (`from_plant`, a later `ready_by`). The same
    Idempotency-Key again: 200, the same order."""
    if idempotency_key is None or not idempotency_key.strip():
        raise ValidationFailed("order.idempotency_key_required", field=_IDEMPOTENCY_HEADER)
    try:
        ordered = configured_orders.order_configuration(
            session,
            principal,
            trim_id=trim_id,
            colour=body.get("colour"),
            packs=body.get("packs", []),
            location_id=body.get("location_id"),
            idempotency_key=idempotency_key,
        )
    except DomainError as exc:
        if exc.field == "idempotency_key":
            exc.field = _IDEMPOTENCY_HEADER
        raise
    placed = ordered.placed
    return JSONResponse(
        {"order": placed.order.as_dict(), "configuration": ordered.configuration.as_dict()},
        status_code=200 if placed.replayed else 201,
        # a worker takes the deposit now (a replay sends nothing)
        background=BackgroundTask(start_processing, placed),
    )
