"""What every endpoint may ask for: a database session, the caller, a page of results, a raw body."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.security import OAuth2PasswordBearer
from sqlmodel import Session
from starlette.exceptions import HTTPException

from models.db import get_engine
from portal.api.errors import API_PREFIX, MAX_PAGE_NUMBER
from services.catalog.lists import MAX_PAGE_SIZE, Page
from services.identity.auth import Principal, resolve_token
from services.platform.errors import AuthenticationFailed

# Control characters (NUL above all) can never be stored or searched for; refuse them up front.
PRINTABLE = r"^[^\x00-\x1f\x7f]*$"
# The same for text of several lines: tabs and line breaks are allowed there.
PRINTABLE_LINES = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"

bearer_scheme = OAuth2PasswordBearer(tokenUrl=f"{API_PREFIX}/auth/token", auto_error=False)


def db_session() -> Iterator[Session]:
    """One session per request, closed (and rolled back if uncommitted) when the request ends."""
    with Session(get_engine(), expire_on_commit=False) as session:
        yield session


DbSession = Annotated[Session, Depends(db_session)]
BearerToken = Annotated[str | None, Depends(bearer_scheme)]


def current_principal(session: DbSession, token: BearerToken) -> Principal:
    """The caller behind `Authorization: Bearer <token>` (see `authenticate`)."""
    return authenticate(session, token)


def authenticate(session: Session, token: str | None) -> Principal:
    """The principal behind a bearer token.

    Raises AuthenticationFailed (401, with WWW-Authenticate: Bearer) when the header is missing
    or the token is unknown, expired, revoked or belongs to a deactivated user.
    """
    if not token:
        raise AuthenticationFailed("auth.required", field="authorization")
    principal = resolve_token(session, token)
    if principal is None:
        raise AuthenticationFailed("auth.token_invalid", field="authorization")
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def page_params(
    page: Annotated[int, Query(ge=1, le=MAX_PAGE_NUMBER, description="Page number, from 1.")] = 1,
    page_size: Annotated[
        int, Query(ge=1, le=MAX_PAGE_SIZE, description=f"Rows per page, 1 to {MAX_PAGE_SIZE}.")
    ] = 50,
) -> Page:
    """The requested page; out-of-range numbers are refused with 422 naming the field."""
    return Page(number=page, size=page_size)


RequestedPage = Annotated[Page, Depends(page_params)]
SearchText = Annotated[
    str | None, Query(max_length=100, pattern=PRINTABLE, description="Text to look for (case-insensitive).")
]


async def read_body(request: Request, max_bytes: int) -> bytes:
    """The raw body, exactly as sent, for an endpoint that reads it itself. Refused with 413
    (`request.body_too_large`) past `max_bytes`, without reading it all first: a declared
    Content-Length over the limit is refused before a byte is read."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise HTTPException(413)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise HTTPException(413)
        chunks.append(chunk)
    return b"".join(chunks)
