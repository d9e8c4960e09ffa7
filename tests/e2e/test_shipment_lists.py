"""The shipment list and the managers' exceptions queue in a real browser."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from models import Shipment
from models.types import utcnow
from tests.e2e.conftest import PHONE, RunningPortal
from tests.e2e.test_portal import sign_in_as

pytestmark = pytest.mark.e2e

OPEN = ("in_transit", "at_hub", "out_for_delivery", "info_received")


def _make_one_late(portal: RunningPortal) -> tuple[int, str]:
    with Session(portal.engine) as session:
        shipment = session.exec(
            select(Shipment).where(Shipment.tracking_status.in_(OPEN)).order_by(Shipment.id)
        ).first()
        shipment.promised_at = utcnow() - timedelta(days=3)
        shipment.eta = utcnow() + timedelta(days=2)
        session.add(shipment)
        session.commit()
        return shipment.id, shipment.tracking_number


def test_the_manager_finds_a_late_shipment_in_the_queue_and_takes_it_on(
    page: Page, portal: RunningPortal, screenshots
) -> None:
    shipment_id, number = _make_one_late(portal)
    sign_in_as(page, portal, "manager")
    page.goto(f"{portal.base_url}/manager/exceptions")
    row = page.locator(f'[data-queue="{shipment_id}"]')
    expect(row).to_contain_text("Late")
    expect(row).to_contain_text(number)
    page.screenshot(path=screenshots / "manager-exceptions.png", full_page=True)

    row.locator(".queue-take").click()
    page.click("#queue-submit")
    expect(page.locator("#error-note")).to_have_text("Say what you are doing about it.")
    page.fill("#queue-note", "Called the carrier: truck repaired, leaves tomorrow")
    page.click("#queue-submit")
    expect(row.locator(".queue-acknowledged")).to_contain_text("truck repaired")

    page.goto(f"{portal.base_url}/shipments")
    expect(page.locator("#shipments-table tbody tr").first).to_be_visible()
    page.click("#shipments-late")
    page.get_by_role("option", name="Late only").click()
    page.fill("#shipments-search", number)
    listed = page.locator(f'[data-shipment="{shipment_id}"]')
    expect(listed).to_contain_text("Late")
    expect(page.locator("#shipments-table tbody tr")).to_have_count(1)
    listed.locator(".shipment-link").click()
    page.wait_for_url(lambda url: url.rstrip("/").endswith(f"/shipments/{shipment_id}"))

    page.set_viewport_size(PHONE)
    page.goto(f"{portal.base_url}/shipments")
    expect(page.locator("#shipments-table")).to_be_visible()
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=screenshots / "shipments-phone.png", full_page=True)
