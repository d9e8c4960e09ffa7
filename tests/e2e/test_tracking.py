"""Tracking in a real browser against the real worker: a customer's vehicle page shows a new carrier
event and the moved ETA without a reload, and its map draws from the portal's own topojson with no
request leaving the app; the receiving dealer records arrival, the inspection and the handover;
the public /track page answers on a 390 px phone.

The shipment here is the test's own (a new customer's vehicle going to the demo dealer's store), so
the other e2e tests' lists stay as they expect.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from models import (
    Location,
    LocationKind,
    Organisation,
    OrganisationKind,
    Role,
    SalesOrder,
    SalesOrderLine,
    Shipment,
    StockLevel,
    Trim,
    User,
)
from models.types import utcnow
from services.identity.auth import normalize_email, principal_for
from services.logistics.ingest import ingest_payload
from services.logistics.shipments import vin_for_order
from tests.e2e.conftest import DEMO_PASSWORD, RunningPortal
from tests.factories import PASSWORD, make_user
from tests.logistics_world import dhl_document, dhl_event, make_shipment

pytestmark = pytest.mark.e2e

CUSTOMER_EMAIL = "tracking.customer@example.test"
LIVE_WITHIN_MS = 15_000  # commit -> outbox listener -> push (the relay and refresh_eta for the ETA)


@dataclass(frozen=True)
class Tracked:
    id: int
    tracking_number: str
    postcode: str
    leg_number: str


def sign_in(page: Page, portal: RunningPortal, email: str, password: str) -> None:
    page.goto(f"{portal.base_url}/login")
    expect(page.locator("#demo-logins")).to_be_visible()
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("#login-submit")
    page.wait_for_url(lambda url: urlparse(url).path.rstrip("/") not in ("", "/login"))


@pytest.fixture(scope="module")
def tracked(portal: RunningPortal) -> Iterator[Tracked]:
    """A new customer's vehicle on its way from an OEM warehouse to the demo dealer's store, with a
    stale ETA ten days out (as if estimated before the lane had history)."""
    with Session(portal.engine) as session:
        dealer = session.exec(
            select(User).where(User.email_normalized == normalize_email("dealer@demo.test"))
        ).one()
        store = session.exec(
            select(Location)
            .where(Location.organisation_id == dealer.organisation_id, Location.kind == LocationKind.STORE)
            .order_by(Location.id)
        ).first()
        warehouse = session.exec(
            select(Location).where(Location.kind == LocationKind.WAREHOUSE).order_by(Location.id)
        ).first()
        consumers = session.exec(
            select(Organisation)
            .where(Organisation.kind == OrganisationKind.CONSUMER)
            .order_by(Organisation.id)
        ).first()
        customer = make_user(session, Role.CUSTOMER, consumers, email=CUSTOMER_EMAIL)
        session.commit()
        made = make_shipment(
            session,
            buyer=principal_for(customer, consumers),
            source=warehouse,
            destination=store,
            kind="customer_vehicle",
        )
        stock = session.exec(
            select(StockLevel).where(StockLevel.trim_id.is_not(None)).order_by(StockLevel.id)
        ).first()
        trim = session.get(Trim, stock.trim_id)
        session.add(
            SalesOrderLine(
                order_id=made.order_id,
                line_no=1,
                trim_id=trim.id,
                stock_level_id=stock.id,
                item_code=trim.code,
                item_name=trim.name,
                quantity=1,
                unit_price=Decimal("100.00"),
                currency="CNY",
                line_total=Decimal("100.00"),
            )
        )
        session.flush()
        shipment = session.get(Shipment, made.id)
        now = utcnow()
        shipment.vin = vin_for_order(session, session.get(SalesOrder, shipment.order_id))
        shipment.eta, shipment.eta_earliest, shipment.eta_latest = (
            now + timedelta(days=10),
            now + timedelta(days=9),
            now + timedelta(days=12),
        )
        shipment.promised_at = now + timedelta(days=6)
        shipment.promise_at_risk = True
        session.add(shipment)
        session.commit()
        yield Tracked(made.id, made.tracking_number, made.postcode, made.leg_numbers[0])


def test_a_customers_vehicle_page_shows_a_new_event_and_the_moved_eta_live(
    page: Page, portal: RunningPortal, tracked: Tracked, screenshots
):
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    sign_in(page, portal, CUSTOMER_EMAIL, PASSWORD)
    page.goto(f"{portal.base_url}/shipments/{tracked.id}")
    with Session(portal.engine) as session:
        vin = session.get(Shipment, tracked.id).vin
    expect(page.locator("#shipment-vin")).to_have_text(vin)
    expect(page.locator("#shipment-status")).to_have_text("Pending")
    expect(page.locator("#shipment-at-risk")).to_be_visible()
    stale_eta = page.locator("#shipment-eta").inner_text()
    expect(page.locator("#shipment-timeline")).to_have_count(0)  # no event yet: the empty state
    page.wait_for_function("document.querySelector('[data-map=geo] g.geo') !== null")

    departed = (utcnow() - timedelta(hours=1)).isoformat()
    with Session(portal.engine) as session:
        result = ingest_payload(
            session,
            carrier="dhl",
            payload=dhl_document(
                tracked.leg_number,
                dhl_event(
                    departed,
                    "transit",
                    "Departed facility",
                    country="CN",
                    postcode="200000",
                    locality="Shanghai",
                ),
            ),
        )
    assert result.stored == 1

    entry = page.locator("#shipment-timeline [data-timeline-status=in_transit]")
    expect(entry).to_be_visible(timeout=LIVE_WITHIN_MS)
    expect(entry).to_contain_text("Departed facility")
    expect(entry).to_contain_text("DHL transit")
    expect(page.locator("#shipment-status")).to_have_text("In transit")
    expect(page.locator("#shipment-eta")).not_to_have_text(stale_eta, timeout=LIVE_WITHIN_MS)
    expect(page.locator("#shipment-at-risk")).to_have_count(0)
    page.wait_for_function("document.querySelectorAll('[data-map=geo] g.geo').length > 0")
    page.screenshot(path=str(screenshots / "shipment-customer-desktop.png"), full_page=True)

    hosts = {
        urlparse(url).netloc for url in requests if urlparse(url).scheme in ("http", "https", "ws", "wss")
    }
    assert hosts == {urlparse(portal.base_url).netloc}, hosts
    assert any(urlparse(url).path.startswith("/topojson/") for url in requests), "no topojson fetched"


def test_the_dealer_records_the_inspection_and_the_handover(
    page: Page, portal: RunningPortal, tracked: Tracked, screenshots
):
    sign_in(page, portal, "dealer@demo.test", DEMO_PASSWORD)
    page.goto(f"{portal.base_url}/shipments/{tracked.id}")
    button = page.locator("#record-step")
    expect(button).to_have_attribute("data-step", "arrived_at_store")
    button.click()
    expect(page.get_by_text("Recorded: Arrived at the store")).to_be_visible()
    expect(button).to_have_attribute("data-step", "pdi_done")
    page.locator("[data-check=exterior]").click()
    button.click()  # one item ticked: refused, naming the checklist
    expect(page.locator("#step-error-text")).to_have_text(
        "Tick every item of the pre-delivery inspection checklist."
    )
    for item in ("interior", "fluids", "electrics", "tyres", "documents"):
        page.locator(f"[data-check={item}]").click()
    button.click()
    expect(button).to_have_attribute("data-step", "ready_for_handover")
    button.click()
    expect(button).to_have_attribute("data-step", "handed_over")
    page.fill("#signature-name", "Wang Fang")
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_function(  # the map follows the narrower window: nothing sticks out to the right
        "(() => { const svg = document.querySelector('[data-map=geo] .main-svg');"
        " return svg && svg.getBoundingClientRect().right <= window.innerWidth; })()"
    )
    page.screenshot(path=str(screenshots / "shipment-dealer-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})
    button.click()
    expect(page.locator("#dealer-steps")).to_have_count(0)
    expect(page.locator("#shipment-status")).to_have_text("Handed over")
    handover = page.locator("#shipment-timeline [data-timeline-status=handed_over]")
    expect(handover).to_contain_text("Signed by Wang Fang")
    expect(page.locator("#shipment-timeline")).to_contain_text("Pre-delivery inspection done")


def test_the_public_page_works_on_a_phone(
    phone_page: Page, portal: RunningPortal, tracked: Tracked, screenshots
):
    page = phone_page
    page.goto(f"{portal.base_url}/track")
    page.fill("#tracking_number", tracked.tracking_number)
    page.fill("#postcode", "999999")
    page.click("#track-submit")
    expect(page.locator("#track-message")).to_have_text(
        "No shipment matches this tracking number with that postcode or last name."
    )
    expect(page.locator("#track-result")).to_have_count(0)
    page.fill("#postcode", tracked.postcode)
    page.click("#track-submit")
    expect(page.locator("#track-result")).to_be_visible()
    expect(page.locator("#track-message")).to_have_count(0)
    expect(page.locator("#track-timeline")).to_contain_text("Shanghai")
    expect(page.locator("#track-timeline")).to_contain_text("Pre-delivery inspection done")
    assert "Wang Fang" not in page.locator("#track-result").inner_text()  # no personal data
    assert tracked.tracking_number in page.locator("#track-result").inner_text()
    wide = page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")
    assert not wide, "the public page scrolls sideways at 390 px"
    page.screenshot(path=str(screenshots / "track-phone.png"), full_page=True)


def test_the_public_page_checks_the_last_name_instead_of_the_postcode(
    phone_page: Page, portal: RunningPortal, tracked: Tracked, screenshots
):
    with Session(portal.engine) as session:
        buyer = session.exec(
            select(User).where(User.email_normalized == normalize_email(CUSTOMER_EMAIL))
        ).one()
        buyer.full_name = "Chloé Lefèvre"
        session.add(buyer)
        session.commit()
    page = phone_page
    page.goto(f"{portal.base_url}/track")
    page.get_by_role("radio", name="Last name").click()
    expect(page.locator("#postcode")).to_have_count(0)
    page.fill("#tracking_number", tracked.tracking_number)
    page.fill("#last_name", "Lefebvre")
    page.click("#track-submit")
    expect(page.locator("#track-message")).to_have_text(
        "No shipment matches this tracking number with that postcode or last name."
    )
    page.fill("#last_name", "LEFEVRE")  # accents and case do not matter
    page.click("#track-submit")
    expect(page.locator("#track-result")).to_be_visible()
    expect(page.locator("#track-message")).to_have_count(0)
    assert "Lef" not in page.locator("#track-result").inner_text()  # the name is not shown back
    wide = page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")
    assert not wide, "the public page scrolls sideways at 390 px"
    page.screenshot(path=str(screenshots / "track-last-name-phone.png"), full_page=True)
