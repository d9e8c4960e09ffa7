"""Security headers and CORS as a browser meets them: every API answer (errors included) carries the
Content-Security-Policy, nosniff, a Referrer-Policy and no framing; the token and other personal
answers are never cached; another site's page gets no CORS permission, with or without
credentials, unless Settings lists its origin (and "*" can never be listed)."""

from __future__ import annotations

import re

import pytest
import reflex as rx
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlmodel import Session

from models.db import get_engine
from models.settings import Settings
from portal.api.app import create_api
from portal.api.security import same_origin_or_listed
from rxconfig import config
from tests.factories import PASSWORD, make_org, make_user

pytestmark = pytest.mark.postgres

EVIL = "https://evil.example"


@pytest.fixture
def client(pg_url: str) -> TestClient:
    """The API with the CORS middleware Reflex adds to it when it mounts its app inside."""
    app = create_api()
    rx.App._add_cors(app)
    return TestClient(app)


def _assert_security_headers(response) -> None:
    policy = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy
    assert "default-src 'self'" in policy
    assert "object-src 'none'" in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    assert response.headers["x-frame-options"] == "DENY"


def test_the_token_and_personal_answers_carry_the_headers_and_are_never_cached(client):
    with Session(get_engine()) as session:
        user = make_user(session, "dealer", make_org(session, "dealer"))
        session.commit()
        email = user.email
    token = client.post("/api/v1/auth/token", json={"email": email, "password": PASSWORD})
    assert token.status_code == 200
    orders = client.get("/api/v1/orders", headers={"Authorization": f"Bearer {token.json()['access_token']}"})
    assert orders.status_code == 200

    for response in (token, orders):
        _assert_security_headers(response)
        assert response.headers["cache-control"] == "no-store"


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/api/v1/openapi.json", 200),
        ("GET", "/api/v1/orders", 401),
        ("GET", "/api/v1/no-such-thing", 404),
        ("POST", "/api/v1/auth/token", 400),
    ],
)
def test_every_api_answer_errors_included_carries_them(client, method, path, status):
    response = client.request(method, path, content=b"{", headers={"Content-Type": "application/json"})

    assert response.status_code == status
    _assert_security_headers(response)
    assert response.headers["cache-control"] == "no-store"


def test_another_sites_page_gets_no_cors_permission_with_or_without_credentials(client):
    simple = client.get("/api/v1/openapi.json", headers={"Origin": EVIL, "Cookie": "a=b"})
    preflight = client.options(
        "/api/v1/orders",
        headers={
            "Origin": EVIL,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )

    assert "access-control-allow-origin" not in simple.headers
    assert "access-control-allow-origin" not in preflight.headers
    assert tuple(config.cors_allowed_origins) == ()


def test_settings_take_exact_origins_and_refuse_a_wildcard():
    assert Settings(cors_allowed_origins=["https://erp.example.com"]).cors_allowed_origins == [
        "https://erp.example.com"
    ]
    for bad in ("*", "https://*.example.com", "https://erp.example.com/", "erp.example.com"):
        with pytest.raises(ValidationError, match="CORS_ALLOWED_ORIGINS"):
            Settings(cors_allowed_origins=[bad])


def test_the_live_connection_takes_the_pages_own_origin_or_a_listed_one():
    from portal.portal import app

    environ = {"wsgi.url_scheme": "http", "HTTP_HOST": "portal.example.com"}
    default = app.sio.eio.cors_allowed_origins  # Engine.IO would check nothing with Reflex's []
    listed = same_origin_or_listed(["https://erp.example.com"])

    assert default("http://portal.example.com", environ)
    assert not default(EVIL, environ)
    assert not default("https://erp.example.com", environ)
    assert listed("https://erp.example.com", environ)
    assert not listed(EVIL, environ)
    assert not listed("https://portal.example.com.evil.example", environ)


@pytest.mark.parametrize("path", ["/api/v1/docs", "/api/v1/redoc"])
def test_the_api_docs_load_only_the_portals_own_assets_under_the_normal_policy(client, path):
    """Swagger UI and ReDoc work offline: every script, style and icon they name is served by the
    portal itself, and their pages carry the same policy as every other answer."""
    page = client.get(path)
    assert page.status_code == 200
    _assert_security_headers(page)
    assert (
        page.headers["content-security-policy"]
        == client.get("/api/v1/health").headers["content-security-policy"]
    )
    assets = re.findall(r"""(?:src|href)=["']([^"']+)["']|url: ?["']([^"']+)["']""", page.text)
    named = [next(url for url in found if url) for found in assets]
    assert named, page.text
    if path.endswith("/docs"):
        assert '"validatorUrl": null' in page.text  # never the schema to validator.swagger.io
    for url in named:
        assert url.startswith("/api/v1/"), url
        asset = client.get(url)
        assert asset.status_code == 200, url
        # Not even the scripts name another host to load from (ReDoc's own logo is one).
        assert "cdn.redoc.ly" not in asset.text and "cdn.jsdelivr.net" not in asset.text, url
