"""The visitor's test drive in Chromium, no login: choose a slot (held, with a countdown), fill the
form (a licence expiring before the drive refused under its field), confirm, see the confirmation,
open the manage link and reschedule; a second browser taking the same slot meanwhile is told it was
just taken and offered three alternatives; the whole flow at 390 px without horizontal scroll; a
tampered manage link says it is not valid. Screenshots at 1280 and 390 px."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import func
from sqlmodel import Session, select

from models import Trim
from models.showroom import DemoCar
from models.types import utcnow
from services.showroom import availability
from services.showroom.stores import store_rules
from state.shared import routes
from tests.e2e.conftest import DESKTOP, PHONE, RunningPortal

pytestmark = pytest.mark.e2e


def _single_car_store(portal: RunningPortal) -> tuple[int, int]:
    """A (trim id, store id) whose store has exactly one demo car of the trim (so a second hold of
    the same slot is refused) and at least five free slots in the next 14 days."""
    with Session(portal.engine) as session:
        rows = session.exec(
            select(DemoCar.trim_id, DemoCar.location_id)
            .where(DemoCar.active)
            .group_by(DemoCar.trim_id, DemoCar.location_id)
            .having(func.count() == 1)
            .order_by(DemoCar.location_id, DemoCar.trim_id)
        ).all()
        for trim_id, location_id in rows:
            rules = store_rules(session, location_id)
            today = rules.local_day(utcnow())
            slots = availability.free_slots(
                session, rules, session.get(Trim, trim_id), today, today + timedelta(days=13)
            )
            if len(slots) >= 5:
                return trim_id, location_id
    pytest.fail("the demo seed has no store with a single demo car of a trim and free slots")


def _open(page: Page, portal: RunningPortal, trim_id: int, location_id: int) -> None:
    page.goto(f"{portal.base_url}{routes.test_drive_booking(trim_id, location_id)}")
    expect(page.locator("#booking-car")).not_to_be_empty()
    expect(page.locator(".slot").first).to_be_visible()


def _fill(page: Page, *, expires: str) -> None:
    page.locator("#field-visitor_name").fill("Anna Weber")
    page.locator("#field-phone").fill("+49 89 1234567")
    page.locator("#field-email").fill("anna@example.com")
    page.locator("#field-licence_number").fill("B072RRE2I55")
    page.locator("#field-licence_expires_on").fill(expires)


def _no_horizontal_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def _download_invite(page) -> str:
    """Click "Add to calendar" and read the downloaded .ics."""
    with page.expect_download() as download:
        page.locator("#add-to-calendar").click()
    assert download.value.suggested_filename.endswith(".ics")
    return Path(download.value.path()).read_text()


def _uid(ics: str) -> str:
    return next(line for line in ics.splitlines() if line.startswith("UID:"))


def test_a_visitor_books_and_reschedules_while_a_second_visitor_gets_just_taken(
    browser: Browser, portal: RunningPortal, screenshots: Path
) -> None:
    trim_id, location_id = _single_car_store(portal)
    first = browser.new_context(viewport=DESKTOP, locale="en-US", timezone_id="America/New_York")
    second = browser.new_context(viewport=DESKTOP, locale="en-US")
    try:
        page, other = first.new_page(), second.new_page()
        for each in (page, other):
            each.set_default_timeout(20_000)
        _open(page, portal, trim_id, location_id)
        _open(other, portal, trim_id, location_id)
        expect(page.locator("#zone-label")).to_contain_text("America/New_York")
        page.screenshot(path=screenshots / "test-drive-book-1280.png", full_page=True)

        # A day two free days ahead, so the drive is well before the dealer's change cutoff.
        day = page.locator("#day-picker button:enabled").nth(2)
        day_id = day.get_attribute("id")
        day.click()
        slot = page.locator(f'.slot[data-day="{day_id.removeprefix("day-")}"]').first
        start = slot.get_attribute("data-start")
        slot.click()
        expect(page.locator("#hold-countdown")).to_have_text(re.compile(r"^[45]:[0-5][0-9]$"))

        # The second visitor clicks the same slot (still on their screen): just taken.
        other.locator(f"#{day_id}").click()
        other.locator(f'.slot[data-start="{start}"]').click()
        expect(other.locator("#just-taken")).to_contain_text("just taken")
        expect(other.locator("#just-taken .alternative")).to_have_count(3)
        other.screenshot(path=screenshots / "test-drive-just-taken-1280.png", full_page=True)
        other.locator("#just-taken .alternative").first.click()
        expect(other.locator("#booking-form")).to_be_visible()

        # A licence expiring before the drive is refused under its field; then it books.
        _fill(page, expires=(date.today() - timedelta(days=1)).isoformat())
        page.locator("#confirm-booking").click()
        expect(page.locator("#error-licence_expires_on")).to_contain_text("expires")
        page.locator("#field-licence_expires_on").fill((date.today() + timedelta(days=3650)).isoformat())
        page.locator("#confirm-booking").click()
        expect(page.locator("#confirmation")).to_be_visible()
        when = page.locator("#confirmed-when").inner_text()
        assert when
        expect(page.locator("#confirmed-salesperson")).not_to_be_empty()
        expect(page.locator("#confirmed-dealer")).not_to_be_empty()
        page.screenshot(path=screenshots / "test-drive-confirmed-1280.png", full_page=True)
        first_invite = _download_invite(page)
        assert "METHOD:REQUEST" in first_invite and "SEQUENCE:1" in first_invite

        page.locator("#manage-link").click()
        expect(page.locator("#manage-when")).to_have_text(when)
        old_link = page.url
        page.locator("#reschedule").click()
        later = page.locator("#day-picker button:enabled").nth(4)
        later_id = later.get_attribute("id")
        later.click()
        page.locator(f'.slot[data-day="{later_id.removeprefix("day-")}"]').first.click()
        expect(page.locator("#manage-when")).not_to_have_text(when)
        expect(page.locator("#manage-status")).to_have_text("Booked")
        expect(page.locator("#cancel-drive")).to_be_visible()
        page.screenshot(path=screenshots / "test-drive-manage-1280.png", full_page=True)
        # "Add to calendar" now gives the same calendar entry (UID), updated (SEQUENCE 2).
        moved_invite = _download_invite(page)
        assert "SEQUENCE:2" in moved_invite and _uid(moved_invite) == _uid(first_invite)

        # The old link stopped working (replaced: expired); a tampered one is not valid.
        manage_url = page.url
        page.goto(old_link)
        expect(page.locator("#link-expired")).to_contain_text("This link has expired")
        page.goto(manage_url[:-3] + ("AAA" if not manage_url.endswith("AAA") else "BBB"))
        expect(page.locator("#link-invalid")).to_contain_text("This link is not valid")
    finally:
        first.close()
        second.close()


def test_the_whole_visitor_flow_at_390_px(browser: Browser, portal: RunningPortal, screenshots: Path) -> None:
    trim_id, location_id = _single_car_store(portal)
    context = browser.new_context(viewport=PHONE, locale="en-US", is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        page.set_default_timeout(20_000)
        # Without a trim in the address the visitor chooses one first.
        page.goto(f"{portal.base_url}{routes.TEST_DRIVE_BOOK}")
        expect(page.locator("#choose-trim")).to_be_visible()
        expect(page.locator("#day-picker")).to_have_count(0)
        _open(page, portal, trim_id, location_id)
        _no_horizontal_scroll(page)
        page.screenshot(path=screenshots / "test-drive-book-390.png", full_page=True)
        day = page.locator("#day-picker button:enabled").nth(3)
        day_id = day.get_attribute("id")
        day.click()
        page.locator(f'.slot[data-day="{day_id.removeprefix("day-")}"]').last.click()
        expect(page.locator("#booking-form")).to_be_visible()
        _no_horizontal_scroll(page)
        _fill(page, expires=(date.today() + timedelta(days=3650)).isoformat())
        page.screenshot(path=screenshots / "test-drive-form-390.png", full_page=True)
        page.locator("#confirm-booking").click()
        expect(page.locator("#confirmation")).to_be_visible()
        _no_horizontal_scroll(page)
        page.screenshot(path=screenshots / "test-drive-confirmed-390.png", full_page=True)
        page.locator("#manage-link").click()
        expect(page.locator("#manage-when")).not_to_be_empty()
        page.locator("#reschedule").click()
        expect(page.locator(".slot").first).to_be_visible()
        _no_horizontal_scroll(page)
        page.screenshot(path=screenshots / "test-drive-manage-390.png", full_page=True)
    finally:
        context.close()
