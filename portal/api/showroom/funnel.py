"""The showroom funnel (trim page views -> bookings -> show-ups -> orders) per store, trim and week,
with the per-store totals: a dealer sees its own stores, managers and admins the network."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query
from sqlmodel import select

from models import Trim
from portal.api.deps import CurrentPrincipal, DbSession
from portal.api.schemas import ErrorOut
from services.platform.errors import ValidationFailed
from services.showroom import funnel

router = APIRouter(tags=["showroom"])
_ERRORS = {401: {"model": ErrorOut}, 403: {"model": ErrorOut}, 422: {"model": ErrorOut}}


@router.get("/showroom/funnel", responses=_ERRORS)
def showroom_funnel(
    principal: CurrentPrincipal,
    session: DbSession,
    dealer: Annotated[int | None, Query(ge=1, le=2**31 - 1, description="A store (location) id.")] = None,
    trim: Annotated[str | None, Query(max_length=40, description="A trim code.")] = None,
    start: Annotated[date | None, Query(alias="from", description="First local day, inclusive.")] = None,
    end: Annotated[date | None, Query(alias="to", description="Last local day, inclusive.")] = None,
) -> dict[str, Any]:
    """Rows per store, trim and week (Monday, the store's zone), the totals per store and the weekly
    trend; rates are null where their base is zero."""
    if start and end and end < start:
        raise ValidationFailed("funnel.range_reversed", "to")
    trim_id = None
    if trim is not None:
        trim_id = session.exec(select(Trim.id).where(Trim.code == trim)).first()
        if trim_id is None:
            raise ValidationFailed("funnel.trim_unknown", "trim")
    rows = funnel.funnel_rows(session, principal, location_id=dealer, trim_id=trim_id, start=start, end=end)
    session.commit()
    return {
        "rows": [row.as_dict() for row in rows],
        "dealers": [row.as_dict() for row in funnel.dealer_totals(rows)],
        "weeks": [row.as_dict() for row in funnel.weekly_totals(rows)],
    }


@router.get("/showroom/funnel/dealers", responses=_ERRORS)
def showroom_funnel_dealers(
    principal: CurrentPrincipal,
    session: DbSession,
    weeks: Annotated[
        int,
        Query(
            ge=1,
            le=funnel.MAX_PERIOD_WEEKS,
            description="The last N weeks (Monday to Sunday, each store's zone), this week included.",
        ),
    ] = 12,
    trim: Annotated[
        str | None, Query(max_length=40, description="A trim code; all trims when absent.")
    ] = None,
) -> dict[str, Any]:
    """Managers and admins: every dealer store's views, bookings, show-ups and orders over the period
    with its conversion rates (null where the base is zero), the network's total and weekly trend,
    and each store's weeks. Anyone else: 403."""
    funnel.network_viewer(principal)  # refused before the trim is looked up
    trim_id = None
    if trim is not None:
        trim_id = session.exec(select(Trim.id).where(Trim.code == trim)).first()
        if trim_id is None:
            raise ValidationFailed("funnel.trim_unknown", "trim")
    result = funnel.network_funnel(session, principal, weeks=weeks, trim_id=trim_id)
    session.commit()
    return {
        "start": result.start.isoformat(),
        "end": result.end.isoformat(),
        "dealers": [dealer.as_dict() for dealer in result.dealers],
        "network": _figures(funnel.network_total(result.dealers)),
        "weeks": [
            _figures(week) | {"week": week.week.isoformat()} for week in funnel.weekly_totals(result.weeks)
        ],
        "store_weeks": [row.as_dict() for row in result.weeks],
    }


def _figures(row: funnel.FunnelRow) -> dict[str, Any]:
    return {
        name: getattr(row, name)
        for name in ("views", "bookings", "show_ups", "orders", "booking_rate", "show_up_rate", "order_rate")
    }
