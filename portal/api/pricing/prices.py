"""Procurement pricing: market index values (read and import), price agreements, suggestions and the
decisions on them.

Managers of the carmaker import index values, create agreements, and approve or reject
suggestions (of their own organisation's agreements; another's answers 404). A supplier's user
reads the indices, its own agreements and the proposed changes to its prices, and accepts or
counters them; it never approves (403). Dealers and customers get 403.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from portal.api.deps import PRINTABLE, CurrentPrincipal, DbSession, read_body
from portal.api.errors import error_response, language_for, message_for
from portal.api.pricing.schemas import (
    MAX_ID,
    AgreementIn,
    AgreementOut,
    DecisionIn,
    ImportOut,
    IndexOut,
    IndexValueOut,
    IndexValuesIn,
    SuggestionOut,
    SupplierResponseIn,
)
from portal.api.routing import CheckedBodyRoute
from portal.api.schemas import ErrorOut
from services.platform.errors import ValidationFailed
from services.pricing import agreements, approvals, indices, suggestions
from services.supply.access import require_manager

router = APIRouter(prefix="/pricing", tags=["pricing"], route_class=CheckedBodyRoute)

_ERRORS = {
    401: {"model": ErrorOut},
    403: {"model": ErrorOut},
    404: {"model": ErrorOut},
    409: {"model": ErrorOut},
    422: {"model": ErrorOut},
}
SuggestionId = Annotated[int, Path(ge=1, le=MAX_ID)]
_CSV_BODY = {
    "required": True,
    "content": {
        "text/csv": {
            "schema": {"type": "string"},
            "example": "index,period,value,published_at\nCU,2026-05,9120.5,2026-06-02T08:00:00Z\n",
        }
    },
}


def _import_refused(error: ValidationFailed, request: Request) -> JSONResponse:
    language = language_for(request)
    rows = [
        {
            "row": problem["row"],
            "field": problem["field"],
            "code": problem["code"],
            "message": message_for(problem["code"], language, **problem["params"]),
        }
        for problem in error.params.get("errors", [])
    ]
    return error_response(
        422,
        error.code,
        field=error.field,
        language=language,
        params={"count": error.params.get("count", len(rows))},
        extra={"rows": rows},
    )


# ---------------------------------------------------------------- indices


@router.get("/indices", response_model=list[IndexOut], responses=_ERRORS)
def list_indices(principal: CurrentPrincipal, session: DbSession) -> list[IndexOut]:
    """Every market index (raw materials and FX pairs) with its latest value."""
    return [IndexOut(**row) for row in indices.list_indices(session, principal)]


@router.get("/indices/{code}/values", response_model=list[IndexValueOut], responses=_ERRORS)
def index_values(
    code: Annotated[str, Path(max_length=20, pattern=PRINTABLE)],
    principal: CurrentPrincipal,
    session: DbSession,
    granularity: Annotated[str | None, Query(pattern="^(monthly|daily)$")] = None,
) -> list[IndexValueOut]:
    """One index's values, oldest first."""
    return [
        IndexValueOut(**row)
        for row in indices.index_values(session, principal, code, granularity=granularity)
    ]


@router.post("/index-values", response_model=ImportOut, responses=_ERRORS)
def import_values(
    body: IndexValuesIn, request: Request, principal: CurrentPrincipal, session: DbSession
) -> ImportOut | JSONResponse:
    """Import index values (managers). All rows or none: any bad row answers 422 with `field` naming
    the first (`rows[3].value`) and `rows` listing every bad one. An identical value sent again
    changes nothing; a value published before the stored one for the same period is kept out."""
    rows = [row.model_dump(exclude_none=True) for row in body.rows]
    try:
        return ImportOut(**indices.import_index_values(session, principal, rows))
    except ValidationFailed as error:
        if error.code != "pricing.import_invalid":
            raise
        return _import_refused(error, request)


@router.post(
    "/index-values/csv", response_model=ImportOut, responses=_ERRORS, openapi_extra={"requestBody": _CSV_BODY}
)
async def import_values_csv(
    request: Request, principal: CurrentPrincipal, session: DbSession
) -> ImportOut | JSONResponse:
    """Import a CSV of index values (managers): columns `index,period,value`, optional `granularity`
    and `published_at`. All rows or none, as the JSON import; rows are numbered as a spreadsheet
    shows them (the header is row 1)."""
    require_manager(principal)
    data = await read_body(request, indices.MAX_CSV_BYTES)

    try:
        # The request's own session: the caller's token look-up may hold SQLite's write lock in it.
        return ImportOut(**await run_in_threadpool(indices.import_index_csv, session, principal, data))
    except ValidationFailed as error:
        if error.code != "pricing.import_invalid":
            raise
        return _import_refused(error, request)


# ---------------------------------------------------------------- agreements


@router.post("/agreements", response_model=AgreementOut, status_code=201, responses=_ERRORS)
def create_agreement(body: AgreementIn, principal: CurrentPrincipal, session: DbSession) -> AgreementOut:
    """Create an index-linked price agreement (managers). Every bad field is named at once under
    `fields` (`terms[1].weight`, `fixed_share`, `ceiling_price`, ...); a formula whose fixed share
    and weights do not add up to 1 is refused on `terms`."""
    return AgreementOut(**agreements.create_agreement(session, principal, body.model_dump(exclude_none=True)))


@router.get("/agreements", response_model=list[AgreementOut], responses=_ERRORS)
def list_agreements(
    principal: CurrentPrincipal,
    session: DbSession,
    part_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> list[AgreementOut]:
    """The agreements you may see: a supplier its own, managers their organisation's."""
    return [AgreementOut(**row) for row in agreements.list_agreements(session, principal, part_id=part_id)]


@router.get("/agreements/{agreement_id}", response_model=AgreementOut, responses=_ERRORS)
def get_agreement(
    agreement_id: Annotated[int, Path(ge=1, le=MAX_ID)], principal: CurrentPrincipal, session: DbSession
) -> AgreementOut:
    """One agreement with its formula (404 when it is not yours to see)."""
    return AgreementOut(**agreements.get_agreement(session, principal, agreement_id))


# ---------------------------------------------------------------- suggestions and decisions


@router.get("/suggestions", response_model=list[SuggestionOut], responses=_ERRORS)
def list_suggestions(
    principal: CurrentPrincipal,
    session: DbSession,
    status: Annotated[
        str | None, Query(pattern="^(proposed|approved|applied|rejected|countered|superseded)$")
    ] = None,
    agreement_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> list[SuggestionOut]:
    """Suggested price changes, largest money at stake first, each with its explanation."""
    rows = suggestions.list_suggestions(session, principal, status=status, agreement_id=agreement_id)
    return [SuggestionOut(**row) for row in rows]


@router.post("/suggestions/{suggestion_id}/approve", response_model=SuggestionOut, responses=_ERRORS)
def approve(
    suggestion_id: SuggestionId, body: DecisionIn, principal: CurrentPrincipal, session: DbSession
) -> SuggestionOut:
    """A manager approves (above the four-eyes threshold a second, different manager must too).
    Suppliers get 403; the same manager twice gets 409."""
    return SuggestionOut(**approvals.approve(session, principal, suggestion_id, reason=body.reason))


@router.post("/suggestions/{suggestion_id}/reject", response_model=SuggestionOut, responses=_ERRORS)
def reject(
    suggestion_id: SuggestionId, body: DecisionIn, principal: CurrentPrincipal, session: DbSession
) -> SuggestionOut:
    """A manager rejects, with a reason (required)."""
    return SuggestionOut(**approvals.reject(session, principal, suggestion_id, reason=body.reason))


@router.post("/suggestions/{suggestion_id}/respond", response_model=SuggestionOut, responses=_ERRORS)
def respond(
    suggestion_id: SuggestionId, body: SupplierResponseIn, principal: CurrentPrincipal, session: DbSession
) -> SuggestionOut:
    """The supplier accepts a proposed change to its price, or counters it with a price and a reason."""
    return SuggestionOut(
        **approvals.supplier_respond(
            session,
            principal,
            suggestion_id,
            accept=body.accept,
            counter_price=body.counter_price,
            reason=body.reason,
        )
    )
