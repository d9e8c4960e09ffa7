"""Stock levels, scoped: suppliers and dealers see their own locations, managers and admins all."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from portal.api.deps import PRINTABLE, CurrentPrincipal, DbSession, RequestedPage, SearchText
from portal.api.routing import CheckedBodyRoute
from portal.api.schemas import ErrorOut, StockOut, StockPage
from services.catalog import lists as catalog

router = APIRouter(tags=["stock"], route_class=CheckedBodyRoute)

_MAX_ID = 2**31 - 1


@router.get(
    "/stock",
    response_model=StockPage,
    responses={401: {"model": ErrorOut}, 403: {"model": ErrorOut}, 422: {"model": ErrorOut}},
)
def list_stock(
    principal: CurrentPrincipal,
    session: DbSession,
    page: RequestedPage,
    location_id: Annotated[int | None, Query(ge=1, le=_MAX_ID, description="One location only.")] = None,
    category: Annotated[
        str | None,
        Query(
            max_length=80,
            pattern=PRINTABLE,
            description='Part rows of this exact category, e.g. "Brake pads".',
        ),
    ] = None,
    low_only: Annotated[
        bool, Query(description="Only rows whose available units are at or under the low-stock threshold.")
    ] = False,
    q: SearchText = None,
) -> StockPage:
    """Stock rows by location at the locations the caller may read; customers get 403.
    A location outside the caller's scope simply yields no rows."""
    rows, total = catalog.list_stock(
        session,
        principal,
        page=page,
        location_id=location_id,
        category=category,
        low_only=low_only,
        text=q,
    )
    return StockPage(
        items=[StockOut(**row) for row in rows], page=page.number, page_size=page.size, total=total
    )
