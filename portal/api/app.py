"""Builds the versioned JSON API. Reflex mounts its own app at "" inside this one
(`rx.App(api_transformer=api)`), so every route here, under /api/v1, is matched first."""

from __future__ import annotations

import functools
from pathlib import Path

import fastapi_offline
from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.routing import Match, Mount

from portal.api import health
from portal.api.analytics import kpis
from portal.api.catalog import lists as catalog
from portal.api.catalog import stock
from portal.api.errors import API_PREFIX, BUSY_RESPONSE, install_error_handlers
from portal.api.identity import auth
from portal.api.logistics import carriers, shipments
from portal.api.ordering import orders, payments
from portal.api.pricing import markets as pricing_markets
from portal.api.pricing import prices as pricing_prices
from portal.api.security import SecurityHeaders
from portal.api.showroom import configurator as showroom_configurator
from portal.api.showroom import funnel as showroom_funnel
from portal.api.showroom import test_drives
from portal.api.supply import quality, supplier, suppliers
from services.platform.field_paths import CONVENTION as FIELD_PATHS

_ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]
DOCS_URL = f"{API_PREFIX}/docs"
REDOC_URL = f"{API_PREFIX}/redoc"
# Swagger UI's and ReDoc's dist files, shipped by the pinned fastapi-offline package and served by
# the portal itself: the docs load nothing from any other host.
DOCS_ASSETS_URL = f"{API_PREFIX}/docs-assets"
_DOCS_ASSETS = Path(fastapi_offline.__file__).parent / "static"
# ReDoc's sidebar footer shows Redocly's logo from their CDN, and no option turns it off: the
# portal serves the script with that one address pointing at the docs' own icon instead.
_REDOC_CDN_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"


@functools.cache
def _redoc_script() -> bytes:
    script = (_DOCS_ASSETS / "redoc.standalone.js").read_text(encoding="utf-8")
    return script.replace(_REDOC_CDN_LOGO, f"{DOCS_ASSETS_URL}/favicon.png").encode()


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


def _add_docs(app: FastAPI) -> None:
    """Swagger UI at /api/v1/docs and ReDoc at /api/v1/redoc, from the portal's own assets."""

    async def redoc_script(request: Request) -> Response:
        return Response(_redoc_script(), media_type="text/javascript")

    # Before the mount, which would serve the file as shipped.
    app.add_api_route(
        f"{DOCS_ASSETS_URL}/redoc.standalone.js", redoc_script, methods=["GET"], include_in_schema=False
    )
    app.mount(DOCS_ASSETS_URL, StaticFiles(directory=_DOCS_ASSETS), name="docs-assets")
    favicon = f"{DOCS_ASSETS_URL}/favicon.png"

    async def swagger_ui(request: Request) -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url,
            title=f"{app.title} - Swagger UI",
            oauth2_redirect_url=app.swagger_ui_oauth2_redirect_url,
            swagger_js_url=f"{DOCS_ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{DOCS_ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=favicon,
            # Swagger UI would send the schema of any public host to validator.swagger.io.
            swagger_ui_parameters={"validatorUrl": None},
        )

    async def swagger_ui_redirect(request: Request) -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    async def redoc(request: Request) -> HTMLResponse:
        return get_redoc_html(
            openapi_url=app.openapi_url,
            title=f"{app.title} - ReDoc",
            redoc_js_url=f"{DOCS_ASSETS_URL}/redoc.standalone.js",
            redoc_favicon_url=favicon,
            with_google_fonts=False,
        )

    app.add_api_route(DOCS_URL, swagger_ui, methods=["GET"], include_in_schema=False)
    app.add_api_route(
        app.swagger_ui_oauth2_redirect_url, swagger_ui_redirect, methods=["GET"], include_in_schema=False
    )
    app.add_api_route(REDOC_URL, redoc, methods=["GET"], include_in_schema=False)


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
        docs_url=None,
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=f"{DOCS_URL}/oauth2-redirect",
    )
    install_error_handlers(app)
    _add_docs(app)
    app.add_middleware(SecurityHeaders)
    v1 = APIRouter(prefix=API_PREFIX)
    for module in (auth, health, catalog, stock, orders, payments):
        v1.include_router(module.router)
    # The supplier workspace: the supplier's own API, quality and lots, the managers' ranking.
    for module in (supplier, quality, suppliers):
        v1.include_router(module.router)
    # The O2O showroom: public browsing and booking, the dealer's test-drive desk.
    v1.include_router(test_drives.router)
    v1.include_router(showroom_funnel.router)  # the funnel per store, trim and week
    v1.include_router(showroom_configurator.router)
    # Logistics: shipments and their tracking, the public look-up, the carriers' webhook.
    for module in (shipments, carriers):
        v1.include_router(module.router)
    # Procurement pricing: index values, agreements, suggestions and decisions.
    v1.include_router(pricing_prices.router)
    # Market price lists: markets, list prices, pending changes and decisions.
    v1.include_router(pricing_markets.router)

    # Managers' (and a dealer's own) KPIs, their rows and exports.
    v1.include_router(kpis.router)
    # Any endpoint may find the database pool busy under overload (errors.py `_pool_timeout`).
    app.include_router(v1, responses=BUSY_RESPONSE)
    for path in (API_PREFIX, f"{API_PREFIX}/{{rest:path}}"):
        app.add_api_route(path, _no_such_endpoint, methods=_ALL_METHODS, include_in_schema=False)
    return app


api = create_api()
