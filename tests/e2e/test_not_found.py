"""An address the portal does not have: a signed-in user sees the page-not-found message inside
their own frame (sidebar, header) with a link back to their home; a visitor gets a link to sign in.
Screenshots at 1440 px and 390 px."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import RunningPortal
from tests.e2e.test_portal import HOMES, at, sign_in_as

pytestmark = pytest.mark.e2e

WIDE = {"width": 1440, "height": 900}
MISSING = "/no-such-page"


def test_a_signed_in_dealer_sees_their_frame_and_a_way_home(
    page: Page, portal: RunningPortal, screenshots: Path
) -> None:
    page.set_viewport_size(WIDE)
    sign_in_as(page, portal, "dealer")
    page.goto(f"{portal.base_url}{MISSING}")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    expect(page.locator("#not-found-path")).to_have_text(MISSING)
    # Their own sidebar, and the address they typed stays in the bar.
    expect(page.locator('[data-nav="/orders"]').first).to_be_visible()
    assert page.url.endswith(MISSING)
    expect(page.locator("#not-found-sign-in")).to_have_count(0)
    page.screenshot(path=screenshots / "not-found-dealer-1440.png", full_page=True)
    page.locator("#not-found-home").click()
    page.wait_for_url(at(HOMES["dealer"]))


def test_a_signed_in_dealer_on_a_phone_sees_the_message_and_the_menu(
    phone_page: Page, portal: RunningPortal, screenshots: Path
) -> None:
    sign_in_as(phone_page, portal, "dealer")
    phone_page.goto(f"{portal.base_url}{MISSING}")
    expect(phone_page.get_by_role("heading", name="Page not found")).to_be_visible()
    expect(phone_page.locator("#menu-button")).to_be_visible()
    expect(phone_page.locator("#not-found-home")).to_be_visible()
    phone_page.screenshot(path=screenshots / "not-found-dealer-390.png", full_page=True)


def test_a_visitor_gets_a_link_to_sign_in(
    page: Page, phone_page: Page, portal: RunningPortal, screenshots: Path
) -> None:
    page.set_viewport_size(WIDE)
    for viewer, width in ((page, 1440), (phone_page, 390)):
        viewer.goto(f"{portal.base_url}{MISSING}")
        expect(viewer.get_by_role("heading", name="Page not found")).to_be_visible()
        expect(viewer.locator("#not-found-home")).to_have_count(0)
        expect(viewer.locator("[data-nav]")).to_have_count(0)
        viewer.screenshot(path=screenshots / f"not-found-visitor-{width}.png", full_page=True)
    page.locator("#not-found-sign-in").click()
    page.wait_for_url(at("/login"))


def test_the_page_not_found_speaks_chinese(page: Page, portal: RunningPortal) -> None:
    page.goto(f"{portal.base_url}{MISSING}")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    page.click("#language-switch")
    page.get_by_role("option", name="简体中文").click()
    expect(page.get_by_role("heading", name="页面不存在")).to_be_visible()
    expect(page.locator("#not-found-sign-in")).to_have_text("登录")
