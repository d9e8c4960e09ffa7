"""Builds the versioned JSON API. Reflex mounts its own app at "" inside this one
(`rx.App(api_transformer=api)`), so every route here, under /api/v1, is matched first."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI, Request
from starlette.exceptions import HTTPException
from starlette.routing import Match, Mount

from portal.api import health
from portal.api.catalog import lists as catalog
from portal.api.catalog import stock
from portal.api.errors import API_PREFIX, BUSY_RESPONSE, install_error_handlers
from portal.api.identity import auth
from portal.api.logistics import carriers, shipments
from portal.api.ordering import orders, payments
from portal.api.security import SecurityHeaders
from portal.api.showroom import test_drives
from portal.api.supply import quality, supplier, suppliers
from services.platform.field_paths import CONVENTION as FIELD_PATHS

_ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]


async def _no_such_endpoint(request: Request) -> None:
    """Anything else under /api/v1: 405 when the path exists with other methods, 404 otherwise
    (never handed on to the Reflex app behind, which would answer with a page)."""
    # Mounts (the Reflex app behind) match every path; only our own routes count here.
    routes = [
        route
        for route in request.app.router.routes
        if not isinstance(route, Mount) and getattr(route, "endpoint", None) is not _no_such_endpoint
    ]
    allowed = [
        method
        for method in _ALL_METHODS
        if any(route.matches({**request.scope, "method": method})[0] == Match.FULL for route in routes)
    ]
    if allowed:
        raise HTTPException(405, headers={"Allow": ", ".join(allowed)})
    raise HTTPException(404)


def create_api() -> FastAPI:
    """A fresh API application (tests build their own; the portal uses `api`)."""
    app = FastAPI(
        title="Automotive portal API",
        version="1",
        description="Catalogue, stock and health of the automotive B2B portal. "
        "Get a bearer token from `POST /api/v1/auth/token`.\n\n"
        'Every error answers `{"error": {"code", "message", "field"}}`; '
        f"`field` names the input at fault as a field path. {FIELD_PATHS}",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=f"{API_PREFIX}/docs/oauth2-redirect",
    )
    install_error_handlers(app)
    app.add_middleware(SecurityHeaders)
    v1 = APIRouter(prefix=API_PREFIX)
    for module in (auth, health, catalog, stock, orders, payments):
        v1.include_router(module.router)
    # The supplier workspace: the supplier's own API, quality and lots, the managers' ranking.
    for module in (supplier, quality, suppliers):
        v1.include_router(module.router)
    # The O2O showroom: public browsing and booking, the dealer's test-drive desk.
    v1.include_router(test_drives.router)
    # Logistics: shipments and their tracking, the public look-up, the carriers' webhook.
    for module in (shipments, carriers):
        v1.include_router(module.router)
    # Any endpoint may find the database pool busy under overload (errors.py `_pool_timeout`).
    app.include_router(v1, responses=BUSY_RESPONSE)
    for path in (API_PREFIX, f"{API_PREFIX}/{{rest:path}}"):
        app.add_api_route(path, _no_such_endpoint, methods=_ALL_METHODS, include_in_schema=False)
    return app


api = create_api()
