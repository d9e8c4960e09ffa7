"""Quality incidents as the supplier answers them, and lot traceability.

A supplier's user lists and reads its own incidents and answers them (acknowledge, containment
and root cause, resolve with evidence); another supplier's incident answers 404. Looking up a lot
shows every order line, shipping notice, receipt and incident it touched: a supplier sees only
its own (another supplier's lot reads as unknown), managers and admins every supplier's.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from models.supply import IncidentStatus
from portal.api.deps import CurrentPrincipal, DbSession, RequestedPage
from portal.api.routing import CheckedBodyRoute
from portal.api.schemas import ErrorOut
from portal.api.supply.schemas import (
    MAX_ID,
    IncidentAnalysisIn,
    IncidentDetailOut,
    IncidentNoteIn,
    IncidentOut,
    IncidentPage,
    IncidentResolutionIn,
    LotTraceOut,
)
from portal.api.supply.supplier import SupplierPrincipal
from services.platform.errors import NotFound
from services.supply import quality

router = APIRouter(tags=["quality"], route_class=CheckedBodyRoute)

_ERRORS = {
    401: {"model": ErrorOut},
    403: {"model": ErrorOut},
    404: {"model": ErrorOut},
    409: {"model": ErrorOut},
    422: {"model": ErrorOut},
}
IncidentId = Annotated[int, Path(ge=1, le=MAX_ID, description="The incident's id (QI-000045 is 45).")]


@router.get("/supplier/incidents", response_model=IncidentPage, responses=_ERRORS)
def list_incidents(
    principal: SupplierPrincipal,
    session: DbSession,
    page: RequestedPage,
    status: Annotated[
        list[IncidentStatus] | None,
        Query(description="Only these states (repeat the parameter for several)."),
    ] = None,
    awaiting: Annotated[
        bool, Query(description="Only those waiting for your move (open, acknowledged, reopened).")
    ] = False,
) -> IncidentPage:
    """Your quality incidents, newest first."""
    rows, total = quality.list_incidents(
        session,
        principal,
        page=page,
        status=[s.value for s in status] if status else None,
        awaiting_supplier=awaiting,
    )
    return IncidentPage(
        items=[IncidentOut(**row) for row in rows], page=page.number, page_size=page.size, total=total
    )


@router.get("/supplier/incidents/{incident_id}", response_model=IncidentDetailOut, responses=_ERRORS)
def get_incident(
    incident_id: IncidentId, principal: SupplierPrincipal, session: DbSession
) -> IncidentDetailOut:
    """One of your incidents with its links (order, receipt), your answers and its timeline."""
    return IncidentDetailOut(**quality.get_incident(session, principal, incident_id))


@router.post(
    "/supplier/incidents/{incident_id}/acknowledge", response_model=IncidentDetailOut, responses=_ERRORS
)
def acknowledge_incident(
    incident_id: IncidentId, body: IncidentNoteIn, principal: SupplierPrincipal, session: DbSession
) -> IncidentDetailOut:
    """Acknowledge an open (or reopened) incident; the first acknowledgement fixes the response
    time your scorecard measures. Any other state gets 409."""
    return IncidentDetailOut(**quality.acknowledge_incident(session, principal, incident_id, note=body.note))


@router.post(
    "/supplier/incidents/{incident_id}/analysis", response_model=IncidentDetailOut, responses=_ERRORS
)
def record_analysis(
    incident_id: IncidentId, body: IncidentAnalysisIn, principal: SupplierPrincipal, session: DbSession
) -> IncidentDetailOut:
    """Record (or revise) the containment action and/or the root cause of an acknowledged incident."""
    return IncidentDetailOut(
        **quality.record_incident_analysis(
            session,
            principal,
            incident_id,
            containment_action=body.containment_action,
            root_cause=body.root_cause,
        )
    )


@router.post("/supplier/incidents/{incident_id}/resolve", response_model=IncidentDetailOut, responses=_ERRORS)
def resolve_incident(
    incident_id: IncidentId, body: IncidentResolutionIn, principal: SupplierPrincipal, session: DbSession
) -> IncidentDetailOut:
    """Close your side with evidence (containment action and root cause must be on record, given
    now or before); the buyer then accepts or reopens it."""
    return IncidentDetailOut(
        **quality.resolve_incident(
            session,
            principal,
            incident_id,
            evidence=body.evidence,
            containment_action=body.containment_action,
            root_cause=body.root_cause,
        )
    )


@router.get("/lots/{lot:path}", response_model=LotTraceOut, responses=_ERRORS)
def trace_lot(
    lot: Annotated[str, Path(max_length=200, description="The lot or batch number.")],
    principal: CurrentPrincipal,
    session: DbSession,
) -> LotTraceOut:
    """Every order line, shipping notice, receipt and incident a lot touched. A lot nothing you
    may see carries answers 404 (`lot.not_found`); dealers and customers get 403."""
    trace = quality.lot_trace(session, principal, lot)
    if not trace["found"]:
        raise NotFound("lot.not_found", field="lot", lot=trace["lot_number"])
    return LotTraceOut(**trace)
