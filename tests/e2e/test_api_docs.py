"""The API's interactive docs work offline: Swagger UI at /api/v1/docs and ReDoc at /api/v1/redoc
load their scripts and styles from the portal itself, list the operations, ask no other host for
anything and run under the portal's normal Content-Security-Policy without a violation."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import RunningPortal
from tests.e2e.test_security_headers import _LISTEN

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("path", ["/api/v1/docs", "/api/v1/redoc"])
def test_the_api_docs_list_the_operations_from_the_portals_own_assets(
    page: Page, portal: RunningPortal, path: str
) -> None:
    own_host = urlparse(portal.base_url).netloc
    foreign: list[str] = []
    page.on(
        "request",
        lambda request: (
            foreign.append(request.url)
            if urlparse(request.url).scheme in ("http", "https", "ws", "wss")
            and urlparse(request.url).netloc != own_host
            else None
        ),
    )
    console: list[str] = []
    page.on(
        "console",
        lambda message: console.append(message.text) if "Content Security Policy" in message.text else None,
    )
    page.add_init_script(_LISTEN)

    answer = page.goto(f"{portal.base_url}{path}")
    assert answer is not None and answer.status == 200
    # The same policy as every page: no CDN is allowed in it any more.
    policy = answer.headers["content-security-policy"]
    assert "script-src 'self' 'unsafe-inline' 'unsafe-eval';" in policy
    assert "http" not in policy
    expect(page.get_by_text("/api/v1/orders", exact=True).first).to_be_attached()
    expect(page.get_by_text("/api/v1/auth/token", exact=True).first).to_be_visible()
    page.wait_for_load_state("networkidle")

    assert foreign == []
    assert page.evaluate("window.__cspViolations") == []
    assert console == []
