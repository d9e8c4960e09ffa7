"""The carriers' webhook: `POST /api/v1/carriers/{carrier}/events`.

Not for portal users: the carrier posts a DHL-shaped document (`{"shipments": [...]}`) and signs
the raw body (`X-Carrier-Signature: <hex HMAC-SHA256>` with its secret from Settings). Unsigned or
wrongly signed: 401 and nothing stored. A body over `carrier_webhook_max_bytes`: 413. A body that
is not JSON (400 `request.malformed`) or a part that cannot be read (422 naming the field; readable
parts beside it are stored) is kept as a dead letter; the same events again are stored once (200,
`duplicates`).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Header, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from sqlmodel import Session

from models import EventSource
from models.db import get_engine
from models.settings import get_settings
from portal.api.deps import read_body
from portal.api.errors import error_response, language_for
from portal.api.logistics.schemas import IngestOut
from portal.api.routing import CheckedBodyRoute
from portal.api.schemas import ErrorOut
from services.logistics.carriers import SIGNATURE_HEADER, verify_signature
from services.logistics.ingest import NOT_JSON, SHIPMENT_CHANGED, IngestResult, ingest_payload
from services.platform.errors import AuthenticationFailed, NotFound
from workers.dispatch import kick_relay

router = APIRouter(prefix="/carriers", tags=["carriers"], route_class=CheckedBodyRoute)

_BODY = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "required": ["shipments"],
                "properties": {
                    "shipments": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "id": {"type": "string", "description": "The carrier's tracking number."},
                                "events": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "properties": {
                                            "timestamp": {
                                                "type": "string",
                                                "description": "ISO 8601 with an offset.",
                                            },
                                            "statusCode": {"type": "string"},
                                            "status": {"type": "string"},
                                            "description": {"type": "string"},
                                            "location": {"type": "object"},
                                        },
                                    },
                                },
                            },
                        },
                    }
                },
            }
        }
    },
}


@router.post(
    "/{carrier}/events",
    response_model=IngestOut,
    openapi_extra={"requestBody": _BODY},
    responses={
        401: {"model": ErrorOut, "description": "Unsigned or wrongly signed: nothing stored."},
        404: {"model": ErrorOut, "description": "No such carrier."},
        413: {"model": ErrorOut},
        422: {"model": ErrorOut, "description": "Kept as a dead letter."},
    },
)
async def carrier_events(
    request: Request,
    background: BackgroundTasks,
    carrier: Annotated[str, Path(max_length=40, pattern=r"^[a-z0-9_-]+$")],
    signature: Annotated[
        str | None, Header(alias=SIGNATURE_HEADER, description="Hex HMAC-SHA256 of the raw body.")
    ] = None,
) -> IngestOut | JSONResponse:
    """Take a carrier's pushed events. Idempotent."""
    settings = get_settings()
    body = await read_body(request, settings.carrier_webhook_max_bytes)
    if not verify_signature(settings, carrier, body, signature):
        if carrier not in settings.carriers:
            raise NotFound("carrier.unknown", field="carrier")
        raise AuthenticationFailed("carrier.signature_invalid", field=SIGNATURE_HEADER)
    result = await run_in_threadpool(_ingest, carrier, body)
    if result.stored and settings.uses_sqlite:
        # Embedded mode: relay the "shipment.changed" notice from here, now (no worker hears commits).
        # On PostgreSQL the outbox trigger announces it and the worker's listener relays it, many at
        # a time under load (workers/outbox_listener.py): this request pays nothing for it.
        background.add_task(kick_relay, (SHIPMENT_CHANGED,))
    answer = IngestOut(
        stored=result.stored,
        duplicates=result.duplicates,
        unknown_statuses=result.unknown_statuses,
        shipment_ids=result.shipment_ids,
        dead_letter_ids=result.dead_letter_ids,
    )
    if result.error is not None and result.field == "body" and result.error == NOT_JSON:
        return error_response(
            400, "request.malformed", field="body", language=language_for(request), extra=answer.model_dump()
        )
    if result.error is not None:
        return error_response(
            422,
            "carrier.payload_invalid",
            field=result.field or "body",
            language=language_for(request),
            params={"reason": result.error},
            extra=answer.model_dump(),
        )
    return answer


def _ingest(carrier: str, body: bytes) -> IngestResult:
    with Session(get_engine(), expire_on_commit=False) as session:
        return ingest_payload(session, carrier=carrier, payload=body, source=EventSource.WEBHOOK)
