"""Shipments: the caller's list (filters carrier, status, late) and one shipment's timeline with its
ETA; the public look-up by tracking number and postcode or last name. Scoped in services/logistics/views.py: a
customer reads its own orders' shipments, a dealer its stores', managers all; another's shipment
answers 404 like one that does not exist."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request

from portal.api.deps import PRINTABLE, CurrentPrincipal, DbSession, RequestedPage
from portal.api.logistics.schemas import (
    ExceptionQueueOut,
    PublicTrackingOut,
    QueueEntryOut,
    ShipmentDetailOut,
    ShipmentPage,
    ShipmentSummaryOut,
)
from portal.api.schemas import ErrorOut
from services.logistics import exceptions, views
from services.logistics.public_limits import take_public_lookup

router = APIRouter(tags=["logistics"])

_MAX_ID = 2**31 - 1
_ERRORS = {
    401: {"model": ErrorOut},
    403: {"model": ErrorOut},
    404: {"model": ErrorOut},
    422: {"model": ErrorOut},
}
StatusFilter = Annotated[
    str | None,
    Query(max_length=20, pattern=r"^[a-z_]+$", description="One normalised status, e.g. in_transit."),
]


@router.get("/shipments", response_model=ShipmentPage, responses=_ERRORS)
def list_shipments(
    principal: CurrentPrincipal,
    session: DbSession,
    page: RequestedPage,
    carrier: Annotated[str | None, Query(max_length=40, pattern=PRINTABLE, description="e.g. dhl")] = None,
    status: StatusFilter = None,
    late: Annotated[bool | None, Query(description="Only late (true) or only on time (false).")] = None,
    lane: Annotated[
        str | None, Query(max_length=200, pattern=PRINTABLE, description="A lane, e.g. CN-SHA>DE-HAM/sea.")
    ] = None,
    q: Annotated[
        str | None,
        Query(
            max_length=views.MAX_QUERY_LENGTH,
            pattern=PRINTABLE,
            description="A tracking number, VIN or order number (exact, or a prefix of 4+ characters).",
        ),
    ] = None,
    sort: Annotated[
        Literal["newest", "oldest", "eta", "promise", "last_event"], Query(description="The order.")
    ] = "newest",
) -> ShipmentPage:
    """The shipments you may see, newest first unless `sort` says otherwise."""
    items, total = views.list_shipments(
        session, principal, page, carrier=carrier, status=status, late=late, lane=lane, query=q, sort=sort
    )
    return ShipmentPage(
        items=[ShipmentSummaryOut.of(item) for item in items],
        page=page.number,
        page_size=page.size,
        total=total,
    )


@router.get("/shipments/exceptions", response_model=ExceptionQueueOut, responses=_ERRORS)
def exception_queue(principal: CurrentPrincipal, session: DbSession) -> ExceptionQueueOut:
    """Managers: the shipments someone must act on (in exception, late against the promise, or
    silent longer than their lane's usual gap), most urgent first, with who must act and since
    when, and who acknowledged them."""
    entries = exceptions.exceptions_queue(session, principal)
    return ExceptionQueueOut(items=[QueueEntryOut(**asdict(entry)) for entry in entries], total=len(entries))


@router.get("/shipments/{shipment_id}", response_model=ShipmentDetailOut, responses=_ERRORS)
def get_shipment(
    principal: CurrentPrincipal, session: DbSession, shipment_id: Annotated[int, Path(ge=1, le=_MAX_ID)]
) -> ShipmentDetailOut:
    """One shipment: its legs, its timeline (oldest event first) and its ETA with the range."""
    return ShipmentDetailOut.of(views.shipment_detail(session, principal, shipment_id))


@router.get(
    "/track/{tracking_number}",
    response_model=PublicTrackingOut,
    responses={
        404: {
            "model": ErrorOut,
            "description": "`tracking.not_found`: the same answer for an unknown number, "
            "a wrong postcode and a wrong last name.",
        },
        422: {
            "model": ErrorOut,
            "description": "A malformed field, or not exactly one of `postcode` and `last_name` "
            "(`tracking.postcode_or_last_name`).",
        },
        429: {"model": ErrorOut, "description": "Too many look-ups from your address; see Retry-After."},
    },
)
def track(
    request: Request,
    session: DbSession,
    tracking_number: Annotated[str, Path(min_length=4, max_length=80, pattern=r"^[A-Za-z0-9-]+$")],
    postcode: Annotated[
        str | None,
        Query(
            min_length=2,
            max_length=20,
            pattern=r"^[A-Za-z0-9 -]+$",
            description="The delivery address's postcode (or give `last_name` instead).",
        ),
    ] = None,
    last_name: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=100,
            pattern=r"^[^\x00-\x1f\x7f]+$",
            description="The order's last name (the buyer's family name; accents and case do not "
            "matter), instead of `postcode`.",
        ),
    ] = None,
) -> PublicTrackingOut:
    """Public: a shipment's progress by its tracking number and either the delivery postcode or
    the order's last name, exactly one of them (no login). Rate-limited per client address."""
    take_public_lookup(request.client.host if request.client else "")
    return PublicTrackingOut.of(
        views.public_tracking(session, tracking_number, postcode, last_name=last_name)
    )
