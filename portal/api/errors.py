"""Every API error leaves as the same JSON shape, with a translated message and the field at fault:

    {"error": {"code": "<translation key>", "message": "<text>", "field": "<field path or null>"}}

The field is a path in one convention (services/platform/field_paths.py): dots between fields,
list positions in brackets, from 0 (`lines[1].quantity`), whoever found the fault (the request
validation or a service). An error that carries several field errors also lists each of them
under "fields" as {"field", "code", "message"}, in the same convention.

Domain errors keep their own status; request validation gets 422 (400 for a body that is not JSON);
a request that found no free database connection in time (the pool is busy: overload) gets 503 with
Retry-After and code "service.busy"; anything unexpected becomes a 500 with code "internal" and no
traceback.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from services.catalog.lists import MAX_PAGE_SIZE
from services.i18n import translate
from services.platform.errors import DomainError
from services.platform.field_paths import normalise, path

API_PREFIX = "/api/v1"
# How long a client is asked to wait after a 503 for a busy pool: about one pool timeout.
BUSY_RETRY_AFTER_SECONDS = 2
BUSY_CODE = "service.busy"
MAX_PAGE_NUMBER = 1_000_000

# Query fields whose complaints read better in the words the pages use.
_FIELD_KEYS: dict[tuple[str, str], str] = {
    ("page", "greater_than_equal"): "page.number_invalid",
    ("page", "less_than_equal"): "page.number_too_large",
    ("page", "int_parsing"): "page.number_invalid",
    ("page_size", "greater_than_equal"): "page.size_invalid",
    ("page_size", "less_than_equal"): "page.size_invalid",
    ("page_size", "int_parsing"): "page.size_invalid",
}

# Pydantic error type -> message key (each message takes {field} and the error's context).
_TYPE_KEYS: dict[str, str] = {
    "missing": "request.field_required",
    "extra_forbidden": "request.field_unknown",
    "int_parsing": "request.integer_expected",
    "int_type": "request.integer_expected",
    "int_from_float": "request.integer_expected",
    "string_type": "request.text_expected",
    "string_too_short": "request.text_too_short",
    "string_too_long": "request.text_too_long",
    "string_pattern_mismatch": "request.text_invalid",
    "greater_than_equal": "request.number_too_small",
    "less_than_equal": "request.number_too_large",
    "model_attributes_type": "request.body_object_expected",
    "model_type": "request.body_object_expected",
    "dict_type": "request.body_object_expected",
}

# Every message key the API itself may answer with (besides the domain errors' own keys).
MESSAGE_KEYS: frozenset[str] = frozenset(
    {
        *_FIELD_KEYS.values(),
        *_TYPE_KEYS.values(),
        "request.malformed",
        "request.body_required",
        "request.body_too_large",
        "request.field_empty",
        "request.value_invalid",
        "api.not_found",
        "api.method_not_allowed",
        "api.http_error",
        "internal",
        "auth.required",
        "auth.token_invalid",
        BUSY_CODE,
    }
)

# The OpenAPI entry every endpoint shares: what an overloaded portal answers.
BUSY_RESPONSE: dict[int | str, dict[str, Any]] = {
    503: {
        "description": f"The portal is busy (no database connection was free in time); code `{BUSY_CODE}`. "
        "Try again after the seconds in `Retry-After`.",
        "headers": {
            "Retry-After": {
                "description": "Seconds to wait before trying again.",
                "schema": {"type": "integer"},
            }
        },
    }
}


def language_for(request: Request) -> str:
    """Chinese when the client's first preference is Chinese, English otherwise."""
    accept = request.headers.get("accept-language", "")
    first = accept.split(",", 1)[0].strip().lower()
    return "zh" if first.startswith("zh") else "en"


def _display(value: object) -> object:
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return value


def message_for(code: str, language: str = "en", **params: object) -> str:
    """The translated message; a message whose placeholders are not all given shows unfilled."""
    shown = {key: _display(value) for key, value in params.items()}
    try:
        return translate(code, language, **shown)
    except (KeyError, IndexError, ValueError):
        return translate(code, language)


def error_response(
    status: int,
    code: str,
    /,
    *,
    field: str | None = None,
    language: str = "en",
    headers: Mapping[str, str] | None = None,
    extra: Mapping[str, Any] | None = None,
    params: Mapping[str, object] | None = None,
) -> JSONResponse:
    """The one error body every API failure uses; `params` fill the message's placeholders."""
    message = message_for(code, language, **(params or {}))
    body: dict[str, Any] = {"code": code, "message": message, "field": normalise(field)}
    if extra:
        body.update(extra)
    all_headers = dict(headers or {})
    if status == 401:
        all_headers.setdefault("WWW-Authenticate", "Bearer")
    return JSONResponse({"error": body}, status_code=status, headers=all_headers or None)


def field_name(location: Sequence[object]) -> str | None:
    """The field path of a pydantic error location: ("query", "page_size") -> "page_size",
    ("body", "items", 0, "sku") -> "items[0].sku", ("body",) -> "body"."""
    parts = [part if isinstance(part, int) else str(part) for part in location[1:] if part != "__root__"]
    if not parts:
        return str(location[0]) if location else None
    return path(*parts)


def field_errors(exc: DomainError, language: str) -> list[dict[str, Any]]:
    """Every field error that `exc` carries (its `field_errors`, each with a field, a code and
    params) as the API lists them; empty for an error about one field."""
    return [
        {
            "field": normalise(error.field),
            "code": error.code,
            "message": message_for(error.code, language, **error.params),
        }
        for error in getattr(exc, "field_errors", None) or ()
    ]


def describe_validation_error(error: Mapping[str, Any]) -> tuple[int, str, str | None, dict[str, object]]:
    """(status, message key, field, params) for one pydantic/FastAPI validation error."""
    kind = error.get("type", "")
    location = tuple(error.get("loc", ()))
    if kind == "json_invalid":
        return 400, "request.malformed", "body", {}
    field = field_name(location)
    if location == ("body",) and kind == "missing":
        return 422, "request.body_required", "body", {}
    context = dict(error.get("ctx") or {})
    params: dict[str, object] = {"field": field, "reason": error.get("msg", "")}
    for name in ("ge", "gt", "le", "lt", "min_length", "max_length"):
        if name in context:
            params[name] = context[name]
    if location and location[0] == "query" and (field, kind) in _FIELD_KEYS:
        params.update(max=MAX_PAGE_SIZE if field == "page_size" else MAX_PAGE_NUMBER)
        return 422, _FIELD_KEYS[(field, kind)], field, params
    if kind == "string_too_short" and context.get("min_length") == 1:
        return 422, "request.field_empty", field, params
    return 422, _TYPE_KEYS.get(kind, "request.value_invalid"), field, params


async def _domain_error(request: Request, exc: DomainError) -> JSONResponse:
    extra = {}
    until = exc.params.get("until")
    if isinstance(until, datetime):
        extra["until"] = until.astimezone(UTC).isoformat()
    retry_after = exc.params.get("retry_after")
    headers = {"Retry-After": str(retry_after)} if isinstance(retry_after, int) else None
    language = language_for(request)
    if fields := field_errors(exc, language):
        extra["fields"] = fields
    return error_response(
        exc.status,
        exc.code,
        field=exc.field,
        language=language,
        headers=headers,
        extra=extra,
        params=exc.params,
    )


async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = list(exc.errors())
    first = errors[0] if errors else {"type": "value_error", "loc": ("body",), "msg": ""}
    status, code, field, params = describe_validation_error(first)
    return error_response(status, code, field=field, language=language_for(request), params=params)


async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
    if not request.url.path.startswith(API_PREFIX + "/") and request.url.path != API_PREFIX:
        return PlainTextResponse(str(exc.detail), status_code=exc.status_code, headers=exc.headers)
    code = {404: "api.not_found", 405: "api.method_not_allowed", 413: "request.body_too_large"}.get(
        exc.status_code, "api.http_error"
    )
    return error_response(
        exc.status_code,
        code,
        field="body" if exc.status_code == 413 else None,
        language=language_for(request),
        headers=exc.headers,
        params={"path": request.url.path, "method": request.method, "http_status": exc.status_code},
    )


async def _pool_timeout(request: Request, exc: PoolTimeout) -> Response:
    # Overload, not a fault: every connection of this process's pool stayed busy for the pool
    # timeout. The budget check at start-up keeps the pools within the server's limit, so this,
    # not PostgreSQL's "too many clients", is what a burst meets.
    headers = {"Retry-After": str(BUSY_RETRY_AFTER_SECONDS)}
    if not request.url.path.startswith(API_PREFIX):
        return PlainTextResponse("Service busy, please retry", status_code=503, headers=headers)
    return error_response(503, BUSY_CODE, language=language_for(request), headers=headers)


async def _unexpected_error(request: Request, exc: Exception) -> Response:
    # Starlette re-raises `exc` after this response is sent, so the server still logs the traceback.
    if not request.url.path.startswith(API_PREFIX):
        return PlainTextResponse("Internal Server Error", status_code=500)
    return error_response(500, "internal", language=language_for(request))


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers that give every failure the JSON error shape."""
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(PoolTimeout, _pool_timeout)
    app.add_exception_handler(Exception, _unexpected_error)
