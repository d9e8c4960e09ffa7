"""Bearer tokens: the same login, session table and throttling as the sign-in page."""

from __future__ import annotations

import asyncio
from typing import Annotated
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, Header, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from sqlmodel import Session, select
from starlette.concurrency import run_in_threadpool

from models import UserSession
from portal.api.deps import BearerToken, CurrentPrincipal, DbSession, read_body
from portal.api.routing import CheckedBodyRoute
from portal.api.schemas import ErrorOut, OrganisationOut, TokenOut, TokenRequest, UserOut
from services.identity import auth
from services.identity.passwords import token_digest
from services.platform import json_input
from services.platform.json_input import MalformedBody

router = APIRouter(prefix="/auth", tags=["auth"], route_class=CheckedBodyRoute)

_FORM = "application/x-www-form-urlencoded"
MAX_BODY_BYTES = 16 * 1024  # an e-mail and a password
_TOKEN_BODY = {
    "required": True,
    "content": {
        "application/json": {"schema": TokenRequest.model_json_schema()},
        _FORM: {
            "schema": {
                "type": "object",
                "required": ["username", "password"],
                "properties": {
                    "username": {"type": "string", "description": "The e-mail address."},
                    "password": {"type": "string"},
                },
            }
        },
    },
}


def _body_errors(exc: ValidationError, rename: dict[str, str] | None = None) -> RequestValidationError:
    rename = rename or {}
    return RequestValidationError(
        [
            {**error, "loc": ("body", *(rename.get(str(part), part) for part in error["loc"]))}
            for error in exc.errors(include_url=False, include_context=True)
        ]
    )


async def token_request(request: Request) -> TokenRequest:
    """The credentials, from a JSON body {email, password} or an OAuth2 password form
    (username, password). A body that is not UTF-8 JSON raises MalformedBody (400), a wrong
    shape RequestValidationError (422)."""
    raw = await read_body(request, MAX_BODY_BYTES)
    if not raw.strip():
        raise RequestValidationError([{"type": "missing", "loc": ("body",), "msg": "Field required"}])
    content_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if content_type == _FORM:
        try:
            form = parse_qs(raw.decode("utf-8"), keep_blank_values=True)
        except UnicodeDecodeError:
            raise MalformedBody() from None
        fields = {"email": form["username"][0]} if "username" in form else {}
        if "password" in form:
            fields["password"] = form["password"][0]
        try:
            return TokenRequest.model_validate(fields)
        except ValidationError as exc:
            raise _body_errors(exc, {"email": "username"}) from None
    data = json_input.loads(raw)
    try:
        return TokenRequest.model_validate(data)
    except ValidationError as exc:
        raise _body_errors(exc) from None


@router.post(
    "/token",
    response_model=TokenOut,
    openapi_extra={"requestBody": _TOKEN_BODY},
    responses={
        400: {"model": ErrorOut},
        401: {"model": ErrorOut},
        422: {"model": ErrorOut},
        429: {
            "model": ErrorOut,
            "description": "Too many failed attempts from this address; "
            "see the Retry-After header (seconds).",
        },
    },
)
async def issue_token(
    credentials: Annotated[TokenRequest, Depends(token_request)],
    session: DbSession,
    request: Request,
    device_token: Annotated[
        str,
        Header(
            alias="X-Device-Token",
            description="The `device_token` of an earlier successful token answer for the same e-mail. "
            "A missing, invalid, expired or other account's token is ignored.",
        ),
    ] = "",
) -> TokenOut:
    """Exchange e-mail and password for a bearer token (and a new device token).

    The same answer, after the same time, for an unknown e-mail and a wrong password (401). Each
    recent failure from the caller's address makes the answer wait a little longer; too many
    answer 429 with Retry-After. No account is ever locked: failures from one address never
    refuse the owner at another. A request with a valid `X-Device-Token` is counted per device
    instead of per address (5 failures in 15 minutes by default, then 429 for that token).
    """
    client_address = request.client.host if request.client else ""
    delay = await run_in_threadpool(
        auth.login_delay, email=credentials.email, client_address=client_address, device_token=device_token
    )
    if delay > 0:
        await asyncio.sleep(delay)  # waits without holding a worker thread
    return await run_in_threadpool(
        _issue_token,
        session,
        credentials,
        client_address,
        request.headers.get("user-agent", ""),
        device_token,
    )


def _issue_token(
    session: Session, credentials: TokenRequest, client_address: str, user_agent: str, device_token: str
) -> TokenOut:
    token, principal = auth.login(
        session,
        email=credentials.email,
        password=credentials.password,
        client_address=client_address,
        user_agent=user_agent,
        device_token=device_token,
    )
    expires_at = session.exec(
        select(UserSession.expires_at).where(UserSession.token_hash == token_digest(token))
    ).one()
    return TokenOut(
        access_token=token,
        expires_at=expires_at,
        device_token=auth.device_token_for(principal),
        user=UserOut(
            email=principal.email,
            full_name=principal.full_name,
            role=principal.role,
            language=principal.language,
            organisation=OrganisationOut(
                id=principal.organisation_id,
                name=principal.organisation_name,
                kind=principal.organisation_kind,
            ),
        ),
    )


@router.post("/logout", status_code=204, responses={401: {"model": ErrorOut}})
def revoke_token(_principal: CurrentPrincipal, token: BearerToken, session: DbSession) -> Response:
    """Revoke the bearer token of this request; it is refused from then on."""
    auth.logout(session, token)
    return Response(status_code=204)
