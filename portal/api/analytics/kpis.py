"""The KPI dashboard's API: tile values for a filter, the rows behind each figure (paged), their CSV
and XLSX exports, targets, the "how this is computed" texts and the FX-rate import.

Managers and admins read the whole network; a dealer's user gets the same tiles for its own stores
(asking for another dealer is 403 naming `dealer`); suppliers and customers get 403. The filter is
the same set of query parameters on every endpoint, as the dashboard's URL keeps them.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, JsonValue

from portal.api.deps import PRINTABLE, CurrentPrincipal, DbSession, RequestedPage
from portal.api.errors import language_for
from portal.api.routing import CheckedBodyRoute
from portal.api.schemas import ErrorOut
from services.analytics import drilldown, explain, fx, tiles
from services.analytics.filters import KpiFilter, parse_filter
from services.analytics.scope import may_set_targets, scoped_filter
from services.identity.auth import Principal
from services.platform.errors import PermissionDenied

router = APIRouter(prefix="/kpis", tags=["kpis"], route_class=CheckedBodyRoute)

_ERRORS = {
    401: {"model": ErrorOut},
    403: {"model": ErrorOut},
    404: {"model": ErrorOut},
    422: {"model": ErrorOut},
}
_TEXT = Query(max_length=80, pattern=PRINTABLE)
RowKind = Annotated[
    str,
    Path(
        pattern=r"^[a-z_]{1,20}$",
        description="orders, lines, stock, stockouts, scorecards, incidents or funnel (a tile's drilldown).",
    ),
]


def kpi_filter(
    principal: CurrentPrincipal,
    period: Annotated[
        str | None,
        Query(
            max_length=10, pattern=PRINTABLE, description="day, week, month (default), quarter, year, custom."
        ),
    ] = None,
    day: Annotated[
        str | None,
        Query(
            max_length=10,
            pattern=PRINTABLE,
            description="YYYY-MM-DD in the period (default: today in your time zone).",
        ),
    ] = None,
    from_: Annotated[
        str | None, Query(alias="from", max_length=10, pattern=PRINTABLE, description="custom: first day.")
    ] = None,
    to: Annotated[
        str | None, Query(max_length=10, pattern=PRINTABLE, description="custom: last day.")
    ] = None,
    country: Annotated[str | None, Query(max_length=2, pattern=PRINTABLE)] = None,
    region: Annotated[str | None, Query(max_length=40, pattern=PRINTABLE)] = None,
    dealer: Annotated[
        str | None, Query(max_length=12, pattern=PRINTABLE, description="A dealer organisation's id.")
    ] = None,
    item_kind: Annotated[
        str | None, Query(max_length=10, pattern=PRINTABLE, description="vehicle or part.")
    ] = None,
    category: Annotated[str | None, _TEXT] = None,
    supplier: Annotated[
        str | None, Query(max_length=12, pattern=PRINTABLE, description="A supplier's id.")
    ] = None,
) -> KpiFilter:
    """The filter of the query parameters (FieldErrors, 422, naming each bad one)."""
    values = {
        "period": period,
        "day": day,
        "from": from_,
        "to": to,
        "country": country,
        "region": region,
        "dealer": dealer,
        "item_kind": item_kind,
        "category": category,
        "supplier": supplier,
    }
    return parse_filter({k: v for k, v in values.items() if v is not None}, today=tiles.today_for(principal))


Filter = Annotated[KpiFilter, Depends(kpi_filter)]


class TilesOut(BaseModel):
    version: int = Field(description="The facts version the values were computed from.")
    refreshed_at: str | None = Field(description="When the facts were last refreshed (ISO 8601).")
    cached: bool
    filter: dict[str, str] = Field(description="The filter as URL query parameters (share this view).")
    tiles: list[dict[str, Any]] = Field(
        description="Each: key, unit, value, previous, last_year, change_previous, change_last_year, target, "
        "on_target, higher_is_better, sparkline, breakdown, rates_used, refreshed_at, drilldown, status."
    )


class RowsOut(BaseModel):
    kind: str
    columns: list[str]
    total: int
    page: int
    page_size: int
    rows: list[dict[str, Any]]


class TargetIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    target: JsonValue = Field(description="A number, or null to remove the target.")


class TargetOut(BaseModel):
    tile: str
    scope: str
    target: str | None


class ExplainOut(BaseModel):
    tile: str
    title: str
    text: str
    drilldown: list[str]


class RatesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    csv: str = Field(max_length=fx.MAX_CSV_BYTES, description="day,currency,rate lines with a header row.")


class RatesOut(BaseModel):
    imported: int
    currencies: list[str]
    first_day: str
    last_day: str


@router.get("/tiles", response_model=TilesOut, responses=_ERRORS)
def get_tiles(principal: CurrentPrincipal, session: DbSession, flt: Filter) -> TilesOut:
    """Every tile for the filter (cached per filter until the facts change), with targets."""
    result = tiles.dashboard(session, principal, flt)
    session.commit()  # embedded mode: the cache entry is written in this session
    return TilesOut(**result)


@router.get("/rows/{kind}", response_model=RowsOut, responses=_ERRORS)
def get_rows(
    kind: RowKind, principal: CurrentPrincipal, session: DbSession, flt: Filter, page: RequestedPage
) -> RowsOut:
    """One page of the rows a figure is computed from, with the same filter."""
    return RowsOut(**drilldown.page_of_rows(session, principal, flt, kind, page))


_EXPORT = {
    "csv": ("text/csv; charset=utf-8", drilldown.export_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", drilldown.export_xlsx),
}


@router.get(
    "/export/{kind}.{extension}",
    response_class=Response,
    responses={200: {"content": {media: {} for media, _ in _EXPORT.values()}}, **_ERRORS},
)
def export_rows(
    kind: RowKind,
    extension: Annotated[str, Path(pattern=r"^(csv|xlsx)$", description="csv or xlsx.")],
    principal: CurrentPrincipal,
    session: DbSession,
    flt: Filter,
) -> Response:
    """Every row of `kind` for the filter, as CSV or XLSX."""
    media_type, export = _EXPORT[extension]
    content = export(session, principal, flt, kind)
    name = f"kpi-{kind}-{flt.first.isoformat()}-{flt.last.isoformat()}.{extension}"
    return Response(
        content, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@router.get("/targets", response_model=dict[str, str], responses=_ERRORS)
def get_targets(principal: CurrentPrincipal, session: DbSession, flt: Filter) -> dict[str, str]:
    """The targets set for the filter's scope (the filter without its period): tile -> target."""
    flt = scoped_filter(principal, flt)
    return {tile: str(value) for tile, value in tiles.targets_for(session, flt).items()}


@router.put("/targets/{tile}", response_model=TargetOut, responses=_ERRORS)
def put_target(
    tile: Annotated[str, Path(pattern=r"^[a-z_]{1,40}$")],
    body: TargetIn,
    principal: CurrentPrincipal,
    session: DbSession,
    flt: Filter,
) -> TargetOut:
    """Set (or with null remove) a tile's target for the filter's scope. Managers and admins only."""
    result = tiles.set_target(session, principal, flt, tile, body.target)
    session.commit()
    return TargetOut(**result)


@router.get("/explain", response_model=list[ExplainOut], responses=_ERRORS)
def get_explain(principal: CurrentPrincipal, request: Request) -> list[ExplainOut]:
    """How each tile is computed, in the caller's language (Accept-Language)."""
    _dashboard_reader(principal)
    return [ExplainOut(**item) for item in explain.explain_all(language_for(request))]


@router.post("/fx-rates", response_model=RatesOut, responses=_ERRORS)
def import_rates(body: RatesIn, principal: CurrentPrincipal, session: DbSession) -> RatesOut:
    """Import daily FX rates (all rows or none; 422 names every bad row as rows[<line>].<column>).
    Managers and admins only."""
    if not may_set_targets(principal):
        raise PermissionDenied("kpi.targets_denied")
    result = fx.import_rates_csv(session, body.csv.encode("utf-8"), user_id=principal.user_id)
    session.commit()
    return RatesOut(**result)


def _dashboard_reader(principal: Principal) -> None:
    scoped_filter(principal, KpiFilter(period="day", first=date.min, last=date.min))
