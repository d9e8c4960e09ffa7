"""The bank's payment notices: `POST /api/v1/payments/notify`.

Not for portal users: the bank posts the notice body and signs it with the shared secret
(`X-Payment-Signature: <hex HMAC-SHA256 of the raw body>`). A notice that is unsigned or wrongly
signed gets 401 and changes nothing; a repeated notice changes nothing (200 with action
"nothing"); an approval for an order already cancelled is refunded.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Header, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field
from sqlmodel import Session

from models.db import get_engine
from portal.api.deps import read_body
from portal.api.routing import CheckedBodyRoute
from portal.api.schemas import ErrorOut
from services.ordering import payments
from services.ordering.gateway import SIGNATURE_HEADER
from services.ordering.placement import ORDER_CHANGED
from workers.dispatch import kick_relay

router = APIRouter(prefix="/payments", tags=["payments"], route_class=CheckedBodyRoute)

MAX_NOTICE_BYTES = 16 * 1024


class NoticeResult(BaseModel):
    order_id: int
    action: str = Field(description="completed, cancelled, refunded, waiting or nothing (already done).")
    order_status: str | None
    payment_status: str | None


_NOTICE_BODY = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "required": ["idempotency_key", "reference", "status", "amount", "currency"],
                "properties": {
                    "idempotency_key": {"type": "string", "description": "The payment's key (PAY-SO-...)."},
                    "reference": {"type": "string", "description": "The bank's capture reference."},
                    "status": {"type": "string", "enum": ["approved", "declined"]},
                    "amount": {"type": "string", "description": 'Exact decimal, e.g. "1250.00".'},
                    "currency": {"type": "string"},
                    "reason": {"type": "string", "description": "Why it was declined."},
                },
            }
        }
    },
}


@router.post(
    "/notify",
    response_model=NoticeResult,
    openapi_extra={"requestBody": _NOTICE_BODY},
    responses={
        401: {"model": ErrorOut, "description": "Unsigned or wrongly signed: nothing changed."},
        404: {"model": ErrorOut},
        413: {"model": ErrorOut},
        422: {"model": ErrorOut},
    },
)
async def payment_notice(
    request: Request,
    background: BackgroundTasks,
    signature: Annotated[
        str | None, Header(alias=SIGNATURE_HEADER, description="Hex HMAC-SHA256 of the raw body.")
    ] = None,
) -> NoticeResult:
    """Act on the bank's notice about a payment. Idempotent."""
    body = await read_body(request, MAX_NOTICE_BYTES)  # the signature covers these exact bytes
    outcome = await run_in_threadpool(_handle, body, signature)
    if outcome.action != "nothing":
        background.add_task(kick_relay, (ORDER_CHANGED,))
    return NoticeResult(
        order_id=outcome.order_id,
        action=outcome.action,
        order_status=outcome.order_status,
        payment_status=outcome.payment_status,
    )


def _handle(body: bytes, signature: str | None) -> payments.PaymentOutcome:
    with Session(get_engine(), expire_on_commit=False) as session:
        return payments.handle_payment_notice(session, body, signature)
