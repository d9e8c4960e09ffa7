"""The dealer's test-drive desk in a real browser: a booking made through the public API appears on
the open calendar without a reload, the dealer checks the visitor in and out (a wrong odometer is
refused, naming the field), and the completed drive turns into an order that shows where it came
from; the phone layout lists the drives by time.

The accounts belong to a dealer organisation the other e2e tests do not look at (the third one)
and a new customer, so their lists stay as those tests expect.
"""

from __future__ import annotations

import json
import urllib.request
from datetime import date, timedelta
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from models import Location, Organisation, OrganisationKind, Role, SalesOrder, StockLevel, Trim
from models.showroom import DemoCar, TestDrive
from tests.e2e.conftest import RunningPortal
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.e2e

DEALER_EMAIL = "desk.dealer@example.test"
CUSTOMER_EMAIL = "desk.customer@example.test"
VISITOR = "Desk Visitor"


def sign_in(page: Page, portal: RunningPortal, email: str) -> None:
    page.goto(f"{portal.base_url}/login")
    expect(page.locator("#demo-logins")).to_be_visible()
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(lambda url: urlparse(url).path.rstrip("/") == "/dealer")


@pytest.fixture(scope="module")
def desk(portal: RunningPortal) -> dict:
    """A dealer user of the third dealer organisation, a customer with the visitor's e-mail, and
    the store (the first by name, the one the calendar opens on) and trim to book, with a unit in
    stock for the order."""
    with Session(portal.engine) as session:
        org = session.exec(
            select(Organisation).where(Organisation.kind == OrganisationKind.DEALER).order_by(Organisation.id)
        ).all()[2]
        consumers = session.exec(
            select(Organisation).where(Organisation.kind == OrganisationKind.CONSUMER)
        ).first()
        make_user(session, Role.DEALER, org, email=DEALER_EMAIL)
        make_user(session, Role.CUSTOMER, consumers, email=CUSTOMER_EMAIL)
        store = session.exec(
            select(Location)
            .where(Location.organisation_id == org.id, Location.kind == "store")
            .order_by(Location.name, Location.id)
        ).first()
        car = session.exec(
            select(DemoCar).where(DemoCar.location_id == store.id, DemoCar.active).order_by(DemoCar.id)
        ).first()
        trim = session.get(Trim, car.trim_id)
        stock = session.exec(
            select(StockLevel).where(StockLevel.location_id == store.id, StockLevel.trim_id == trim.id)
        ).first()
        if stock is None:
            session.add(StockLevel(location_id=store.id, trim_id=trim.id, on_hand=1))
        else:
            stock.on_hand += 1
            session.add(stock)
        session.commit()
        return {"store_id": store.id, "store_name": store.name, "trim": trim.code, "trim_id": trim.id}


def _api(portal: RunningPortal, path: str, body: dict | None = None, headers: dict | None = None) -> dict:
    request = urllib.request.Request(
        f"{portal.base_url}{path}",
        data=None if body is None else json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **(headers or {})},
        method="GET" if body is None else "POST",
    )
    with urllib.request.urlopen(request, timeout=20) as response:
        return json.loads(response.read())


def _first_free_slot(portal: RunningPortal, desk: dict) -> str:
    today = date.today()
    found = _api(
        portal,
        f"/api/v1/test-drives/availability?trim={desk['trim']}&dealer={desk['store_id']}"
        f"&from={(today + timedelta(days=1)).isoformat()}&to={(today + timedelta(days=5)).isoformat()}",
    )
    assert found["slots"], "the store offers no slot in the next days"
    return found["slots"][0]["starts_at"]


def _open_week(page: Page) -> None:
    page.click("#desk-view")
    page.get_by_role("option", name="Week").click()
    expect(page.locator("#desk-zone")).to_contain_text("store time")


def test_the_desk_shows_a_new_booking_live_checks_in_and_out_and_orders(
    page: Page, phone_page: Page, portal: RunningPortal, desk: dict, screenshots
) -> None:
    sign_in(page, portal, DEALER_EMAIL)
    page.click('[data-nav="/dealer/test-drives"]')
    expect(page.locator("#desk-calendar")).to_be_visible()
    page.screenshot(path=screenshots / "desk-calendar-day.png", full_page=True)
    _open_week(page)
    page.evaluate("() => { window.__samePage = true; }")
    starts_at = _first_free_slot(portal, desk)
    booked = _api(
        portal,
        "/api/v1/test-drives",
        {
            "trim": desk["trim"],
            "dealer": desk["store_id"],
            "starts_at": starts_at,
            "visitor_name": VISITOR,
            "phone": "+49 89 1234567",
            "email": CUSTOMER_EMAIL,
            "licence_number": "B072RRE2I55",
            "licence_expires_on": "2035-05-01",
        },
        {"Idempotency-Key": "desk-e2e-1"},
    )
    drive_id = booked["id"]
    block = page.locator(f'#desk-calendar [data-kind="drive"][data-drive="{drive_id}"]').first
    expect(block).to_be_visible()  # pushed to the open page: no reload
    assert page.evaluate("() => window.__samePage === true")
    page.screenshot(path=screenshots / "desk-calendar-week.png", full_page=True)

    block.click()
    panel = page.locator("#desk-panel")
    expect(panel).to_contain_text(VISITOR)
    with Session(portal.engine) as session:
        odometer = session.get(DemoCar, session.get(TestDrive, drive_id).car_id).odometer_km
    page.click("#desk-licence-seen")
    page.fill("#desk-odometer-out", str(odometer))
    page.fill("#desk-energy-out", "85")
    page.screenshot(path=screenshots / "desk-panel.png")
    page.click("#desk-check-in")
    expect(page.get_by_text("Checked in.").first).to_be_visible()

    block.click()
    expect(page.locator("#desk-status")).to_have_text("Checked in")
    page.fill("#desk-odometer-in", str(odometer - 1))
    page.fill("#desk-energy-in", "70")
    page.click("#desk-check-out")
    expect(panel).to_contain_text(f"Enter a whole number from {odometer} to")  # under the odometer field
    page.fill("#desk-odometer-in", str(odometer + 25))
    page.fill("#desk-notes", "Liked the range")
    page.click("#desk-check-out")
    expect(page.get_by_text("Checked out: the drive is completed.").first).to_be_visible()
    with Session(portal.engine) as session:
        drive = session.get(TestDrive, drive_id)
        assert (drive.status, drive.odometer_in_km) == ("completed", odometer + 25)

    page.click('[data-nav="/dealer/leads"]')
    page.fill("#leads-search", CUSTOMER_EMAIL)
    lead = page.locator(f'[data-lead="{CUSTOMER_EMAIL}"]')
    expect(lead).to_have_count(1)
    expect(page.locator("#leads-table tbody tr")).to_have_count(1)
    lead.locator(".lead-turn-into-order").click()
    expect(page.get_by_text("placed with its deposit").first).to_be_visible()
    page.screenshot(path=screenshots / "desk-leads.png", full_page=True)
    order_link = lead.locator(".lead-order")
    expect(order_link).to_be_visible()
    expect(lead.locator(".lead-turn-into-order")).to_have_count(0)
    with Session(portal.engine) as session:
        orders = session.exec(select(SalesOrder).where(SalesOrder.test_drive_id == drive_id)).all()
        assert len(orders) == 1 and orders[0].deposit is not None
    order_link.click()
    expect(page.locator("#order-from-drive")).to_have_text(f"#{drive_id}")

    sign_in(phone_page, portal, DEALER_EMAIL)
    phone_page.goto(f"{portal.base_url}/dealer/test-drives")
    # Today's list may be empty (the drive is on another day of the week): wait for the page, not it.
    expect(phone_page.locator("#desk-zone")).to_contain_text("store time")
    _open_week(phone_page)
    item = phone_page.locator(f'#desk-list [data-drive="{drive_id}"]')
    expect(item).to_contain_text(VISITOR)
    expect(item).to_contain_text("Completed")
    expect(phone_page.locator("#desk-calendar")).to_be_hidden()
    phone_page.screenshot(path=screenshots / "desk-phone.png", full_page=True)
