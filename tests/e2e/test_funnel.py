"""The dealer's home shows its test-drive funnel (seeded views, drives and orders) in Chromium."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.conftest import RunningPortal
from tests.e2e.test_portal import sign_in_as


def test_the_dealer_home_shows_the_funnel_and_its_trend(page: Page, portal: RunningPortal, screenshots):
    sign_in_as(page, portal, "dealer")
    page.goto(f"{portal.base_url}/dealer")
    funnel_chart = page.locator("#funnel-chart")
    expect(page.locator("#funnel-chart .funnellayer .trace")).to_have_count(1, timeout=60_000)
    expect(funnel_chart).to_contain_text("Trim page views")
    expect(page.locator("#funnel-trend .scatterlayer .trace")).to_have_count(2)
    page.screenshot(path=screenshots / "funnel-dealer.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=screenshots / "funnel-dealer-390.png", full_page=True)
