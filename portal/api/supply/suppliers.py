"""The carmaker's view of its suppliers: all of them ranked by score, and any one's scorecard.

Managers and admins read these; a supplier's user may read its own card here too (another
supplier's answers 404) but not the ranking (403); dealers and customers get 403.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from portal.api.deps import PRINTABLE, CurrentPrincipal, DbSession, RequestedPage
from portal.api.routing import CheckedBodyRoute
from portal.api.schemas import ErrorOut
from portal.api.supply.schemas import MAX_ID, RankingOut, RankingRowOut, ScatterPointOut, ScorecardOut
from portal.api.supply.supplier import scorecard_out
from services.supply import scorecards

router = APIRouter(prefix="/suppliers", tags=["suppliers"], route_class=CheckedBodyRoute)

_ERRORS = {
    401: {"model": ErrorOut},
    403: {"model": ErrorOut},
    404: {"model": ErrorOut},
    422: {"model": ErrorOut},
}


@router.get("/ranking", response_model=RankingOut, responses=_ERRORS)
def ranking(
    principal: CurrentPrincipal,
    session: DbSession,
    page: RequestedPage,
    category: Annotated[
        str | None,
        Query(max_length=80, pattern=PRINTABLE, description="Only suppliers of this part category."),
    ] = None,
    standing: Annotated[
        str | None,
        Query(max_length=20, pattern=PRINTABLE, description="excellent, good, watch, poor or unscored."),
    ] = None,
    period: Annotated[
        str | None,
        Query(max_length=20, pattern=PRINTABLE, description="YYYY-MM (default: the latest scored)."),
    ] = None,
) -> RankingOut:
    """Suppliers ranked by their rolling-12-month score, best first (unscored last), with the
    quality-against-on-time scatter of the filtered suppliers."""
    result = scorecards.manager_ranking(
        session, principal, category=category, standing=standing, period=period, page=page
    )
    return RankingOut(
        period=result["period"],
        computed_at=result["computed_at"],
        page=page.number,
        page_size=page.size,
        total=result["total"],
        items=[
            RankingRowOut(**{key: row.get(key) for key in RankingRowOut.model_fields})
            for row in result["rows"]
        ],
        scatter=[ScatterPointOut(**point) for point in result["scatter"]],
    )


@router.get("/{supplier_id}/scorecard", response_model=ScorecardOut, responses=_ERRORS)
def supplier_scorecard(
    supplier_id: Annotated[int, Path(ge=1, le=MAX_ID)], principal: CurrentPrincipal, session: DbSession
) -> ScorecardOut:
    """One supplier's card: current score, standing, criteria with their figures, the trend and
    when it was computed."""
    return scorecard_out(scorecards.supplier_scorecard(session, principal, supplier_id))
