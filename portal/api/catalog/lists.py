"""The catalogue: parts (scoped: a supplier reads only its own) and the showroom's trims."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from portal.api.deps import PRINTABLE, CurrentPrincipal, DbSession, RequestedPage, SearchText
from portal.api.routing import CheckedBodyRoute
from portal.api.schemas import ErrorOut, PartOut, PartPage, TrimOut, TrimPage, decimal_text
from services.catalog import lists as catalog
from services.identity.access import AREA_ROLES, require_role

router = APIRouter(tags=["catalogue"], route_class=CheckedBodyRoute)

_ERRORS = {401: {"model": ErrorOut}, 403: {"model": ErrorOut}, 422: {"model": ErrorOut}}


@router.get("/parts", response_model=PartPage, responses=_ERRORS)
def list_parts(
    principal: CurrentPrincipal,
    session: DbSession,
    page: RequestedPage,
    category: Annotated[
        str | None, Query(max_length=80, pattern=PRINTABLE, description='Exact category, e.g. "Brake pads".')
    ] = None,
    q: SearchText = None,
) -> PartPage:
    """Parts by SKU, filtered by category and by text in SKU or name. A supplier sees only the parts
    it supplies; customers, who have no catalogue of parts, get 403 (as on the pages)."""
    require_role(principal, *AREA_ROLES["catalogue"])
    rows, total = catalog.list_parts(session, principal, page=page, category=category, text=q)
    items = [PartOut(**{**row, "list_price": decimal_text(row["list_price"])}) for row in rows]
    return PartPage(items=items, page=page.number, page_size=page.size, total=total)


@router.get("/trims", response_model=TrimPage, responses=_ERRORS)
def list_trims(
    _principal: CurrentPrincipal,
    session: DbSession,
    page: RequestedPage,
    body: Annotated[
        str | None, Query(max_length=40, pattern=PRINTABLE, description='Body style, e.g. "suv".')
    ] = None,
    powertrain: Annotated[
        str | None, Query(max_length=20, pattern=PRINTABLE, description="bev, phev, hev or ice.")
    ] = None,
    q: SearchText = None,
) -> TrimPage:
    """The showroom catalogue, cheapest first, for every signed-in role."""
    rows, total = catalog.list_trims(session, page=page, body=body, powertrain=powertrain, text=q)
    items = [
        TrimOut(
            **{
                **row,
                "price": decimal_text(row["price"]),
                "consumption_l_per_100km": decimal_text(row["consumption_l_per_100km"]),
            }
        )
        for row in rows
    ]
    return TrimPage(items=items, page=page.number, page_size=page.size, total=total)
