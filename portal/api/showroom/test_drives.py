"""The showroom's public API (no login): trims, the dealer locator, availability, holds, booking
and the visitor's manage link; and the dealer's desk (bearer token, dealer role): check-in,
check-out, no-show, move.

A slot taken in between answers 409 `test_drive.just_taken` with `next_slots`; a tampered manage
token 403, an expired or replaced one 410; bad input 4xx naming the field.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from sqlmodel import select

from models import Trim, VehicleModel
from models.settings import get_settings
from portal.api.deps import CurrentPrincipal, DbSession
from portal.api.errors import error_response, language_for
from portal.api.routing import CheckedBodyRoute
from portal.api.schemas import ErrorOut
from services.platform.errors import DomainError, PermissionDenied
from services.showroom import availability, booking, dealer_desk, invites, locator
from services.showroom.booking import SlotTaken
from services.showroom.stores import store_rules

router = APIRouter(tags=["showroom"], route_class=CheckedBodyRoute)
_MAX_ID = 2**31 - 1
_ERRORS = {
    400: {"model": ErrorOut},
    403: {"model": ErrorOut},
    404: {"model": ErrorOut},
    409: {"model": ErrorOut, "description": "`test_drive.just_taken` carries `next_slots`."},
    410: {"model": ErrorOut},
    422: {"model": ErrorOut},
}
# The dealer's desk needs a signed-in dealer: without a token it answers 401.
_DEALER_ERRORS = {401: {"model": ErrorOut}, **_ERRORS}
ManageToken = Annotated[
    str | None,
    Header(alias="X-Manage-Token", max_length=200, description="The token of the visitor's manage link."),
]


def _taken(exc: SlotTaken, request: Request) -> JSONResponse:
    return error_response(
        409,
        exc.code,
        field=exc.field,
        language=language_for(request),
        extra={"next_slots": [slot.as_dict() for slot in exc.next_slots]},
    )


@router.get("/showroom/trims")
def list_trims(session: DbSession) -> list[dict[str, Any]]:
    """Every trim with its model, powertrain, range or consumption, power and list price."""
    rows = session.exec(
        select(Trim, VehicleModel)
        .join(VehicleModel, VehicleModel.id == Trim.model_id)
        .order_by(VehicleModel.name, Trim.price)
    ).all()
    session.commit()
    return [
        {
            "code": trim.code,
            "name": trim.name,
            "model": model.name,
            "body": model.body,
            "powertrain": trim.powertrain,
            "range_km": trim.range_km,
            "consumption_l_per_100km": None
            if trim.consumption_l_per_100km is None
            else str(trim.consumption_l_per_100km),
            "power_kw": trim.power_kw,
            "price": str(trim.price),
            "currency": trim.currency,
            "image": trim.image,
        }
        for trim, model in rows
    ]


@router.get("/dealers", responses=_ERRORS)
def find_dealers(
    session: DbSession,
    near: Annotated[str | None, Query(max_length=60, description="latitude,longitude")] = None,
    postcode: Annotated[str | None, Query(max_length=20)] = None,
    city: Annotated[str | None, Query(max_length=100)] = None,
    trim: Annotated[str | None, Query(max_length=40, description="only stores with a demo car of it")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> list[dict[str, Any]]:
    """Test-drive stores nearest first (great-circle km), opening hours in each store's zone."""
    origin = locator.resolve_origin(near=near, postcode=postcode, city=city)
    found = locator.nearest_dealers(session, origin, trim_code=trim, limit=limit)
    session.commit()
    return [dealer.as_dict() for dealer in found]


@router.get("/test-drives/availability", responses=_ERRORS)
def test_drive_availability(
    session: DbSession,
    trim: Annotated[str, Query(max_length=40)],
    dealer: Annotated[int, Query(ge=1, le=_MAX_ID)],
    from_: Annotated[date, Query(alias="from", description="first local day, YYYY-MM-DD")],
    to: Annotated[date, Query(description="last local day, YYYY-MM-DD")],
) -> dict[str, Any]:
    """Free slots (a suitable car and a salesperson both free), UTC with the store's local time."""
    first, last = availability.check_range(from_, to, get_settings().test_drive_max_days)
    trim_row = availability.trim_by_code(session, trim)
    rules = store_rules(session, dealer)
    slots = availability.free_slots(session, rules, trim_row, first, last)
    session.commit()
    return {
        "dealer_id": rules.location_id,
        "trim": trim_row.code,
        "time_zone": rules.zone.key,
        "slots": [slot.as_dict() for slot in slots],
    }


@router.post("/test-drives/holds", status_code=201, responses=_ERRORS)
def hold_test_drive_slot(
    session: DbSession,
    request: Request,
    body: Annotated[
        dict[str, Any],
        Body(examples=[{"trim": "TR-AURA-LR", "dealer": 7, "starts_at": "2026-03-23T10:00:00+01:00"}]),
    ],
) -> Any:
    """Hold a slot for `test_drive_hold_minutes` (5) while the visitor fills the form; returns the
    hold and its `hold_token` (keep it: it confirms the hold)."""
    try:
        held = booking.hold_slot(
            session,
            trim=body.get("trim"),
            dealer=body.get("dealer"),
            starts_at=body.get("starts_at"),
            visitor_token=body.get("visitor_token"),
        )
    except SlotTaken as exc:
        return _taken(exc, request)
    return JSONResponse(held.as_dict(), status_code=201)


@router.post(
    "/test-drives",
    status_code=201,
    responses=_ERRORS,
    openapi_extra={
        "parameters": [
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": True,
                "schema": {"type": "string", "minLength": 1, "maxLength": booking.MAX_IDEMPOTENCY_KEY},
            }
        ]
    },
)
def book_test_drive(
    session: DbSession,
    request: Request,
    body: Annotated[
        dict[str, Any],
        Body(
            examples=[
                {
                    "hold_id": 12,
                    "hold_token": "...",
                    "visitor_name": "Anna Weber",
                    "phone": "+49 89 1234567",
                    "email": "anna@example.com",
                    "licence_number": "B072RRE2I55",
                    "licence_expires_on": "2031-05-01",
                }
            ]
        ),
    ],
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key", include_in_schema=False)] = None,
) -> Any:
    """Book: confirm a hold (`hold_id`, `hold_token`) or book `trim`, `dealer`, `starts_at`
    directly; `language` ("en" or "zh", default the Accept-Language's) is the e-mails'.
    201 with the manage token; the same Idempotency-Key again: 200, the same drive."""
    try:
        booked = booking.book(
            session,
            idempotency_key=idempotency_key,
            # The visitor's e-mails are in `language` ("en", "zh"), else in their browser's.
            visitor={"language": language_for(request), **body},
            hold_id=body.get("hold_id"),
            hold_token=body.get("hold_token"),
            trim=body.get("trim"),
            dealer=body.get("dealer"),
            starts_at=body.get("starts_at"),
        )
    except SlotTaken as exc:
        return _taken(exc, request)
    except DomainError as exc:
        if exc.field == "idempotency_key":
            exc.field = "Idempotency-Key"
        raise
    return JSONResponse(booked.as_dict(), status_code=200 if booked.replayed else 201)


def _token(token: str | None) -> str:
    if not token:
        raise PermissionDenied("test_drive.token_required", field="X-Manage-Token")
    return token


@router.get(
    "/test-drives/{token}/invite.ics",
    response_class=Response,
    responses={
        200: {"content": {"text/calendar": {}}, "description": "The drive's calendar invite (iCalendar)."},
        403: {"model": ErrorOut},
        410: {"model": ErrorOut},
    },
)
def test_drive_invite(token: Annotated[str, Path(max_length=200)], session: DbSession) -> Response:
    """The visitor's "Add to calendar" file, by the manage token: the drive's current time (the
    same calendar entry as the e-mailed invites: same UID, its SEQUENCE), a cancelling one for a
    cancelled drive. A tampered token 403, an expired or replaced one 410."""
    invite = invites.invite_for_token(session, token)
    return Response(
        invite.content,
        media_type=invite.content_type,
        headers={"Content-Disposition": f'attachment; filename="{invite.filename}"'},
    )


@router.get("/test-drives/{drive_id}", responses=_ERRORS)
def read_test_drive(
    drive_id: Annotated[int, Path(ge=1, le=_MAX_ID)], session: DbSession, token: ManageToken = None
) -> Any:
    """The visitor's drive behind the manage token."""
    booked = booking.view_by_token(session, _token(token))
    if booked.drive.id != drive_id:
        raise PermissionDenied("test_drive.link_invalid", field="X-Manage-Token")
    return booked.as_dict()


@router.patch("/test-drives/{drive_id}", responses=_ERRORS)
def reschedule_test_drive(
    drive_id: Annotated[int, Path(ge=1, le=_MAX_ID)],
    session: DbSession,
    request: Request,
    body: Annotated[dict[str, Any], Body(examples=[{"starts_at": "2026-03-24T11:00:00+01:00"}])],
    token: ManageToken = None,
) -> Any:
    """Reschedule until the store's cutoff; answers the drive with its new manage token."""
    _same_drive(drive_id, token)
    try:
        return booking.reschedule(session, token=_token(token), starts_at=body.get("starts_at")).as_dict()
    except SlotTaken as exc:
        return _taken(exc, request)


@router.delete("/test-drives/{drive_id}", responses=_ERRORS)
def cancel_test_drive(
    drive_id: Annotated[int, Path(ge=1, le=_MAX_ID)], session: DbSession, token: ManageToken = None
) -> Any:
    """Cancel until the store's cutoff."""
    _same_drive(drive_id, token)
    return booking.cancel(session, token=_token(token)).as_dict()


def _same_drive(drive_id: int, token: str | None) -> None:
    if not _token(token).split(".", 1)[0] == str(drive_id):
        raise PermissionDenied("test_drive.link_invalid", field="X-Manage-Token")


# --- the dealer's desk -------------------------------------------------------------------------


@router.post("/dealer/test-drives/{drive_id}/check-in", responses=_DEALER_ERRORS)
def check_in_test_drive(
    drive_id: Annotated[int, Path(ge=1, le=_MAX_ID)],
    principal: CurrentPrincipal,
    session: DbSession,
    body: Annotated[
        dict[str, Any],
        Body(examples=[{"licence_seen": True, "odometer_out_km": 1204, "energy_out_percent": 88}]),
    ],
) -> Any:
    drive = dealer_desk.check_in(
        session,
        principal,
        drive_id,
        licence_seen=body.get("licence_seen"),
        odometer_out_km=body.get("odometer_out_km"),
        energy_out_percent=body.get("energy_out_percent"),
    )
    return dealer_desk.drive_row(drive, session.get(Trim, drive.trim_id).code)


@router.post("/dealer/test-drives/{drive_id}/check-out", responses=_DEALER_ERRORS)
def check_out_test_drive(
    drive_id: Annotated[int, Path(ge=1, le=_MAX_ID)],
    principal: CurrentPrincipal,
    session: DbSession,
    body: Annotated[
        dict[str, Any],
        Body(examples=[{"odometer_in_km": 1231, "energy_in_percent": 80, "notes": "liked it"}]),
    ],
) -> Any:
    drive = dealer_desk.check_out(
        session,
        principal,
        drive_id,
        odometer_in_km=body.get("odometer_in_km"),
        energy_in_percent=body.get("energy_in_percent"),
        notes=body.get("notes", ""),
    )
    return dealer_desk.drive_row(drive, session.get(Trim, drive.trim_id).code)


@router.post("/dealer/test-drives/{drive_id}/no-show", responses=_DEALER_ERRORS)
def no_show_test_drive(
    drive_id: Annotated[int, Path(ge=1, le=_MAX_ID)], principal: CurrentPrincipal, session: DbSession
) -> Any:
    drive = dealer_desk.mark_no_show(session, principal, drive_id)
    return dealer_desk.drive_row(drive, session.get(Trim, drive.trim_id).code)


@router.post("/dealer/test-drives/{drive_id}/move", responses=_DEALER_ERRORS)
def move_test_drive(
    drive_id: Annotated[int, Path(ge=1, le=_MAX_ID)],
    principal: CurrentPrincipal,
    session: DbSession,
    body: Annotated[dict[str, Any], Body(examples=[{"car_id": 3}])],
) -> Any:
    drive = dealer_desk.move(
        session, principal, drive_id, car_id=body.get("car_id"), salesperson_id=body.get("salesperson_id")
    )
    return dealer_desk.drive_row(drive, session.get(Trim, drive.trim_id).code)


@router.post("/dealer/test-drives/walk-ins", status_code=201, responses=_DEALER_ERRORS)
def walk_in_test_drive(
    principal: CurrentPrincipal, session: DbSession, request: Request, body: Annotated[dict[str, Any], Body()]
) -> Any:
    try:
        drive = dealer_desk.walk_in(
            session,
            principal,
            trim=body.get("trim"),
            visitor=body,
            starts_at=body.get("starts_at"),
            store=body.get("store"),  # a location id; needed when the dealer has several stores
        )
    except SlotTaken as exc:
        return _taken(exc, request)
    return JSONResponse(dealer_desk.drive_row(drive, session.get(Trim, drive.trim_id).code), status_code=201)
