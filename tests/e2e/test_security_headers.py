"""The Content-Security-Policy in a real browser: every page of every role (the manager's overview
with its Plotly charts included) renders and stays live under it, and Chromium reports no
violation, neither as a `securitypolicyviolation` event nor on the console."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from portal.components.frame import SECTIONS
from tests.e2e.conftest import RunningPortal
from tests.e2e.test_portal import HOMES, at, sign_in

pytestmark = pytest.mark.e2e

# Collects every violation the page reports, from the first script on.
_LISTEN = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


@pytest.mark.parametrize("role", sorted(SECTIONS))
def test_every_page_of_the_role_works_under_the_csp_without_a_violation(
    page: Page, portal: RunningPortal, role: str
) -> None:
    console: list[str] = []
    page.on(
        "console",
        lambda message: (
            console.append(message.text)
            if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text
            else None
        ),
    )
    page.add_init_script(_LISTEN)
    first = page.goto(f"{portal.base_url}/login")
    assert "frame-ancestors 'none'" in first.headers["content-security-policy"]
    assert first.headers["x-frame-options"] == "DENY"
    assert first.headers["x-content-type-options"] == "nosniff"
    sign_in(page, portal, f"{role}@demo.test")
    page.wait_for_url(at(HOMES[role]))
    violations: dict[str, list[str]] = {}
    for _label, route, _icon in SECTIONS[role]:
        page.goto(f"{portal.base_url}{route}")
        page.wait_for_url(at(route))
        # The page is live (its on_load ran over the websocket and filled the frame).
        expect(page.locator("main, [data-testid], body").first).to_be_visible()
        page.wait_for_load_state("networkidle")
        if route == HOMES["manager"] and role == "manager":
            expect(page.locator(".js-plotly-plot").first).to_be_visible()
        found = page.evaluate("window.__cspViolations")
        if found:
            violations[route] = found
    assert violations == {}
    assert console == []


def test_a_toast_the_server_sends_shows_under_the_csp(page: Page, portal: RunningPortal) -> None:
    """Reflex runs the scripts its backend sends (toasts among them) with eval(): the policy allows
    it, and the dealer sees the toast of a part added to the cart."""
    page.add_init_script(_LISTEN)
    sign_in(page, portal, "dealer@demo.test")
    page.wait_for_url(at(HOMES["dealer"]))
    page.click('[data-nav="/catalogue"]')
    page.locator("#parts-table tbody tr .add-to-cart").first.click()
    expect(page.get_by_text("is in your cart.").first).to_be_visible()
    assert page.evaluate("window.__cspViolations") == []
