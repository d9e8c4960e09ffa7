"""The configurator's public API (no login): a trim's colours and option packs with their rules,
and the price of a configuration with its deposit. A broken rule or bad input is 422 naming the
field ("colour", "packs[1]") and, in the message, the pack and the rule."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Path

from portal.api.deps import DbSession
from portal.api.routing import CheckedBodyRoute
from portal.api.schemas import ErrorOut
from services.showroom import configurator

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
