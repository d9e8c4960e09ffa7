"""The API's route class: a JSON body is checked (strict UTF-8, nesting at most
`json_input.MAX_DEPTH`, valid JSON) before FastAPI parses it, and a body that fails gets 400
`request.malformed`, but only after the caller's checks: the endpoint's dependencies (who is
calling, with which role) run first, so a caller who may not use the endpoint learns nothing from
a malformed body. Every endpoint that takes a body documents the 400.
"""

from __future__ import annotations

import contextlib
import email.message
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from portal.api.schemas import ErrorOut
from services.platform import json_input
from services.platform.json_input import MalformedBody

MALFORMED_RESPONSE = {
    "model": ErrorOut,
    "description": "`request.malformed`: the body is not JSON, not UTF-8, or nests deeper than "
    f"{json_input.MAX_DEPTH} levels. Checked after authentication and the role.",
}


def is_json(content_type: str | None) -> bool:
    """Whether FastAPI would parse a body of this content type as JSON."""
    if not content_type:
        return False
    message = email.message.Message()
    message["content-type"] = content_type
    subtype = message.get_content_subtype()
    return message.get_content_maintype() == "application" and (
        subtype == "json" or subtype.endswith("+json")
    )


def takes_body(route: APIRoute) -> bool:
    """Whether the endpoint reads a request body (a declared one, or one documented by hand)."""
    return route.body_field is not None or "requestBody" in (route.openapi_extra or {})


def guard_before_malformed(guard: Callable[[Request], None]) -> Callable:
    """For an endpoint that checks its caller itself (not in a dependency): `guard(request)` runs
    (in the thread pool) before a malformed body is refused, and raises the caller's 401 or 403."""

    def mark(endpoint: Callable) -> Callable:
        endpoint.body_guard = guard
        return endpoint

    return mark


class CheckedBodyRoute(APIRoute):
    """An APIRoute whose JSON body is checked before it is parsed (see the module's doc)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if takes_body(self):
            self.responses = {**self.responses, 400: MALFORMED_RESPONSE}

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        if self.body_field is None:  # the endpoint reads its raw body itself, with json_input
            return handler
        body_required = self.body_field.field_info.is_required()
        guard = getattr(self.endpoint, "body_guard", None)

        async def checked(request: Request) -> Response:
            if not is_json(request.headers.get("content-type")):
                return await handler(request)
            raw = await request.body()
            if not raw:
                return await handler(request)
            try:
                request._json = json_input.loads(raw)  # Starlette's cache: FastAPI parses nothing again
            except MalformedBody:
                if not body_required:
                    raise
                # Let the dependencies run on no body at all: they refuse a caller who may not be
                # here (401, 403); for anyone else the missing body stands for the malformed one.
                request._body = b""
                with contextlib.suppress(RequestValidationError):
                    await handler(request)
                if guard is not None:
                    await run_in_threadpool(guard, request)
                raise MalformedBody() from None
            return await handler(request)

        return checked
