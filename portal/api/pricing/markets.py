"""Market price lists: the markets, their list prices and pending changes, managers' decisions on
them, manual prices and a repricing run on request. Managers only (everyone else 403); money as
exact strings in the market's currency."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from portal.api.deps import PRINTABLE, CurrentPrincipal, DbSession
from portal.api.pricing.schemas import (
    MAX_ID,
    DecisionIn,
    ManualPriceIn,
    MarketOut,
    MarketPriceOut,
    MarketPricePageOut,
    RepricingOut,
)
from portal.api.routing import CheckedBodyRoute
from portal.api.schemas import ErrorOut
from services.pricing import market_lists

router = APIRouter(prefix="/pricing", tags=["pricing"], route_class=CheckedBodyRoute)

_ERRORS = {
    401: {"model": ErrorOut},
    403: {"model": ErrorOut},
    404: {"model": ErrorOut},
    409: {"model": ErrorOut},
    422: {"model": ErrorOut},
}
MarketId = Annotated[int, Path(ge=1, le=MAX_ID)]
PriceId = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.get("/markets", response_model=list[MarketOut], responses=_ERRORS)
def list_markets(principal: CurrentPrincipal, session: DbSession) -> list[MarketOut]:
    """Every market with its currency, countries, active prices and pending changes."""
    return [MarketOut(**row) for row in market_lists.list_markets(session, principal)]


@router.get("/markets/{market_id}/prices", response_model=MarketPricePageOut, responses=_ERRORS)
def list_prices(
    market_id: MarketId,
    principal: CurrentPrincipal,
    session: DbSession,
    search: Annotated[str, Query(max_length=100, pattern=PRINTABLE)] = "",
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
    limit: Annotated[int, Query(ge=1, le=market_lists.MAX_PAGE)] = 25,
) -> MarketPricePageOut:
    """One page of a market's active list prices, searched by code or name."""
    rows, total = market_lists.list_prices(
        session, principal, market_id, search=search, offset=offset, limit=limit
    )
    return MarketPricePageOut(rows=[MarketPriceOut(**row) for row in rows], total=total)


@router.get("/markets/{market_id}/changes", response_model=MarketPricePageOut, responses=_ERRORS)
def pending_changes(
    market_id: MarketId,
    principal: CurrentPrincipal,
    session: DbSession,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
    limit: Annotated[int, Query(ge=1, le=market_lists.MAX_PAGE)] = 25,
) -> MarketPricePageOut:
    """One page of a market's list-price changes waiting for managers."""
    rows, total = market_lists.pending_changes(session, principal, market_id, offset=offset, limit=limit)
    return MarketPricePageOut(rows=[MarketPriceOut(**row) for row in rows], total=total)


@router.put("/markets/{market_id}/prices", response_model=MarketPriceOut, responses=_ERRORS)
def set_manual_price(
    market_id: MarketId, body: ManualPriceIn, principal: CurrentPrincipal, session: DbSession
) -> MarketPriceOut:
    """Set an item's list price by hand. Your approval counts: above the four-eyes threshold the
    change waits for a second manager (status `pending`), otherwise it applies at once."""
    return MarketPriceOut(
        **market_lists.set_manual_price(
            session,
            principal,
            market_id=market_id,
            item_kind=body.item_kind,
            item_id=body.item_id,
            price=body.price,
        )
    )


@router.post("/market-prices/{price_id}/approve", response_model=MarketPriceOut, responses=_ERRORS)
def approve_change(price_id: PriceId, principal: CurrentPrincipal, session: DbSession) -> MarketPriceOut:
    """Approve a pending list-price change (the same manager twice: 409)."""
    return MarketPriceOut(**market_lists.approve_change(session, principal, price_id))


@router.post("/market-prices/{price_id}/reject", response_model=MarketPriceOut, responses=_ERRORS)
def reject_change(
    price_id: PriceId, body: DecisionIn, principal: CurrentPrincipal, session: DbSession
) -> MarketPriceOut:
    """Refuse a pending list-price change; the active price stays."""
    return MarketPriceOut(**market_lists.reject_change(session, principal, price_id, reason=body.reason))


@router.post("/markets/reprice", response_model=RepricingOut, status_code=202, responses=_ERRORS)
def request_repricing(principal: CurrentPrincipal, session: DbSession) -> RepricingOut:
    """Rebuild every market list now (a worker runs it within seconds)."""
    market_lists.request_repricing(session, principal)
    return RepricingOut(queued=True)
