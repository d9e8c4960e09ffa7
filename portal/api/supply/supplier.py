"""The supplier's own workspace, for its systems: stock sync, purchase orders (answer, ship),
receipts and its scorecard. Only a supplier's users may call these (others get 403), and each
call sees only that supplier's records: another supplier's order or receipt answers 404, exactly
like one that does not exist.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.responses import JSONResponse

from models.supply import PurchaseOrderStatus
from portal.api.deps import CurrentPrincipal, DbSession, RequestedPage
from portal.api.errors import error_response, language_for, message_for
from portal.api.routing import CheckedBodyRoute
from portal.api.schemas import ErrorOut
from portal.api.supply.schemas import (
    MAX_ID,
    AcknowledgeIn,
    CriterionOut,
    PurchaseOrderOut,
    PurchaseOrderPage,
    PurchaseOrderSummaryOut,
    ReceiptOut,
    ScorecardOut,
    ShipmentIn,
    ShippingNoticeOut,
    StockItemError,
    StockSyncIn,
    StockSyncOut,
    TrendPointOut,
)
from services.identity.auth import Principal
from services.platform import field_paths
from services.platform.errors import DomainError, ValidationFailed
from services.supply import inventory_sync, purchasing, scorecards
from services.supply.access import require_supplier

router = APIRouter(prefix="/supplier", tags=["supplier"], route_class=CheckedBodyRoute)

_ERRORS = {
    401: {"model": ErrorOut},
    403: {"model": ErrorOut},
    404: {"model": ErrorOut},
    409: {"model": ErrorOut},
    422: {"model": ErrorOut},
}


def supplier_principal(principal: CurrentPrincipal) -> Principal:
    """The caller, when it is a supplier's user (PermissionDenied, 403, otherwise). Checked before
    the body is looked at, so a dealer learns nothing from a malformed request either."""
    return require_supplier(principal)


SupplierPrincipal = Annotated[Principal, Depends(supplier_principal)]
OrderId = Annotated[int, Path(ge=1, le=MAX_ID, description="The purchase order's id (PO-000123 is 123).")]


@contextmanager
def fields_renamed(service_name: str, api_name: str) -> Iterator[None]:
    """Report a service's field `answers[2].promised_date` as the body's `lines[2].promised_date`."""
    try:
        yield
    except DomainError as error:
        error.field = _renamed(error.field, service_name, api_name)
        for index, item in enumerate(getattr(error, "errors", ())):
            error.errors[index] = replace(item, field=_renamed(item.field, service_name, api_name))
        raise


def _renamed(field: str | None, service_name: str, api_name: str) -> str | None:
    if field and (field == service_name or field.startswith((service_name + ".", service_name + "["))):
        return api_name + field[len(service_name) :]
    return field


# ---------------------------------------------------------------- inventory sync


@router.put("/stock", response_model=StockSyncOut, responses=_ERRORS)
def put_stock(
    body: StockSyncIn, request: Request, principal: SupplierPrincipal, session: DbSession
) -> StockSyncOut | JSONResponse:
    """Set the available stock of your parts at your plant, all items or none (bulk, idempotent:
    sending the same list again changes nothing and reports `changed: 0`).

    Any bad item (unknown SKU, another supplier's part, a negative, fractional or missing
    quantity, a SKU twice, less than is reserved) refuses the whole request with 422: `field`
    names the first, and `items` lists every bad item with its index, SKU and reason.
    """
    items = [item.model_dump() for item in body.items]
    try:
        result = inventory_sync.sync_stock(session, principal, items, location_id=body.location_id)
    except ValidationFailed as error:
        if error.code != "inventory.items_invalid":
            raise
        return _bad_items(error, items, language_for(request))
    return StockSyncOut(**result)


def _bad_items(error: ValidationFailed, items: list[dict], language: str) -> JSONResponse:
    bad = [
        StockItemError(
            index=problem["row"],
            sku=items[problem["row"]].get("sku"),
            field=field_paths.path("items", problem["row"], problem["field"]),
            code=problem["code"],
            message=message_for(problem["code"], language, **problem["params"]),
        )
        for problem in error.params["errors"]
    ]
    count = error.params["count"]
    return error_response(
        422,
        error.code,
        field=error.field,
        language=language,
        params={"count": count},
        extra={"error_count": count, "items": [item.model_dump() for item in bad]},
    )


@router.get(
    "/stock/template",
    response_class=Response,
    responses={
        200: {"content": {"text/csv": {}}, "description": "sku,name,available; one row per part you supply."},
        **_ERRORS,
    },
)
def stock_template(
    principal: SupplierPrincipal,
    session: DbSession,
    location_id: Annotated[int | None, Query(ge=1, le=MAX_ID, description="One of your plants.")] = None,
) -> Response:
    """The CSV template for stock uploads, pre-filled with your parts and today's available stock."""
    content = inventory_sync.template_csv(session, principal, location_id)
    return Response(
        content,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="stock-template.csv"'},
    )


# ---------------------------------------------------------------- purchase orders


@router.get("/purchase-orders", response_model=PurchaseOrderPage, responses=_ERRORS)
def list_purchase_orders(
    principal: SupplierPrincipal,
    session: DbSession,
    page: RequestedPage,
    status: Annotated[
        list[PurchaseOrderStatus] | None,
        Query(
            description="Only these states (repeat the parameter for several); "
            "`issued` is the inbox of orders awaiting your answer."
        ),
    ] = None,
) -> PurchaseOrderPage:
    """Your purchase orders, newest first, with their totals."""
    rows, total = purchasing.list_purchase_orders(
        session, principal, page=page, status=[s.value for s in status] if status else None
    )
    return PurchaseOrderPage(
        items=[PurchaseOrderSummaryOut(**row) for row in rows],
        page=page.number,
        page_size=page.size,
        total=total,
    )


@router.get("/purchase-orders/{purchase_order_id}", response_model=PurchaseOrderOut, responses=_ERRORS)
def get_purchase_order(
    purchase_order_id: OrderId, principal: SupplierPrincipal, session: DbSession
) -> PurchaseOrderOut:
    """One of your orders with its lines, shipping notices, receipts, incidents and timeline."""
    return PurchaseOrderOut(**purchasing.get_purchase_order(session, principal, purchase_order_id))


@router.post(
    "/purchase-orders/{purchase_order_id}/acknowledge", response_model=PurchaseOrderOut, responses=_ERRORS
)
def acknowledge_purchase_order(
    purchase_order_id: OrderId, body: AcknowledgeIn, principal: SupplierPrincipal, session: DbSession
) -> PurchaseOrderOut:
    """Answer the lines of an issued order, together or not at all: `acknowledge` with a
    `promised_date` (not in your past), `reject` with a `reason`, or `propose` another `quantity`
    and/or `promised_date` for the buyer to decide. Once no line waits, the order is acknowledged
    (or cancelled when every line was rejected). Complaints name the field, e.g.
    `lines[0].promised_date`; an order not awaiting an answer gets 409."""
    answers = [line.model_dump(exclude_none=True) for line in body.lines]
    with fields_renamed("answers", "lines"):
        order = purchasing.respond_to_order(session, principal, purchase_order_id, answers)
    return PurchaseOrderOut(**order)


@router.post(
    "/purchase-orders/{purchase_order_id}/shipments",
    response_model=ShippingNoticeOut,
    status_code=201,
    responses=_ERRORS,
)
def create_shipment(
    purchase_order_id: OrderId, body: ShipmentIn, principal: SupplierPrincipal, session: DbSession
) -> ShippingNoticeOut:
    """Ship (part of) an acknowledged order with an advance shipping notice: carrier, tracking
    number and, per line, whole units and the lot. Never more than is still open on a line
    (422 naming `lines.<i>.quantity`)."""
    notice = purchasing.create_shipping_notice(
        session,
        principal,
        purchase_order_id,
        carrier=body.carrier,
        tracking_number=body.tracking_number,
        lines=[line.model_dump() for line in body.lines],
    )
    return ShippingNoticeOut(**notice)


@router.get("/receipts/{receipt_id}", response_model=ReceiptOut, responses=_ERRORS)
def get_receipt(
    receipt_id: Annotated[int, Path(ge=1, le=MAX_ID)], principal: SupplierPrincipal, session: DbSession
) -> ReceiptOut:
    """A goods receipt of your delivery: accepted and rejected units per lot, and the incidents
    the rejects opened."""
    return ReceiptOut(**purchasing.get_receipt(session, principal, receipt_id))


# ---------------------------------------------------------------- scorecard


@router.get("/scorecard", response_model=ScorecardOut, responses=_ERRORS)
def own_scorecard(principal: SupplierPrincipal, session: DbSession) -> ScorecardOut:
    """Your current score (rolling 12 months) with its standing, each criterion's score, weight and
    figures, the monthly trend and when it was last computed: the same numbers the buyer sees."""
    return scorecard_out(scorecards.supplier_scorecard(session, principal, principal.organisation_id))


def scorecard_out(card: dict) -> ScorecardOut:
    """The API's card from `services.supply.scorecards.supplier_scorecard`."""
    current = card["current"] or {}
    criteria = [
        CriterionOut(
            name=name,
            score=current.get(meta["score"]),
            weight=card["weights"][name],
            figures={figure: current.get(figure) for figure in meta["figures"]},
        )
        for name, meta in scorecards.CRITERIA.items()
    ]
    trend = [TrendPointOut(**{key: row[key] for key in TrendPointOut.model_fields}) for row in card["trend"]]
    return ScorecardOut(
        supplier_id=card["supplier_id"],
        supplier_name=card["supplier_name"],
        period=current.get("period"),
        score=current.get("score"),
        standing=current.get("standing"),
        computed_at=card["computed_at"],
        blocked=card["blocked"],
        blocked_reason=card["blocked_reason"],
        bands=card["bands"],
        criteria=criteria,
        trend=trend,
    )
