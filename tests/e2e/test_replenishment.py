"""A replenishment proposal in Chromium: the demo planner proposes from the seeded forecast run, edits
one line, approves, and sees the purchase orders issued; opens the proposal's policy simulation and
sees the four figures for both policies (also on a phone, without a sideways scroll); the supplier
then finds its order in its purchase-order list."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session, select

from models import PurchaseOrder, PurchaseOrderLine
from services.supply.numbers import po_number
from tests.e2e.conftest import PHONE, RunningPortal
from tests.e2e.test_portal import organisation_of, sign_in_as

pytestmark = pytest.mark.e2e


def test_propose_edit_approve_and_the_supplier_sees_the_order(
    page: Page, browser: Browser, portal: RunningPortal, screenshots
) -> None:
    page.set_viewport_size({"width": 1440, "height": 900})
    sign_in_as(page, portal, "manager")
    page.goto(f"{portal.base_url}/manager/planning")
    page.click("#planning-proposals")
    expect(page.locator("#propose-replenishment")).to_be_visible()
    page.click("#proposal-service-level")
    page.get_by_role("option", name="98.0%").click()
    page.click("#propose-replenishment")
    page.wait_for_url("**/manager/planning/proposals/*")
    quantities = page.locator("#proposal-lines tbody input")
    expect(quantities.first).to_be_visible()
    # The level chosen is the one each line's reason names, with its z.
    expect(page.locator("#proposal-lines tbody tr").first).to_contain_text("service level 98.0%, z 2.054")
    quantities.first.fill("7")
    page.screenshot(path=screenshots / "proposal-1440.png", full_page=True)
    page.click("#approve-proposal")
    page.click("#confirm-approve")
    orders = page.locator(".proposal-order")
    expect(orders.first).to_be_visible()
    with Session(portal.engine) as session:
        supplier = organisation_of(session, "supplier@demo.test")
        issued = session.exec(select(PurchaseOrder).order_by(PurchaseOrder.id.desc())).all()
        numbers = {
            po_number(order.id) for order in issued if order.notes.startswith("Replenishment proposal")
        }
        own = [o for o in issued if o.supplier_id == supplier.id and po_number(o.id) in numbers]
        proposed = [o.id for o in issued if po_number(o.id) in numbers]
        edited = session.exec(
            select(PurchaseOrderLine.quantity).where(PurchaseOrderLine.purchase_order_id.in_(proposed))
        ).all()
    assert set(orders.all_inner_texts()) == numbers and 7 in edited
    assert own, "the demo supplier supplies some of the proposed parts"
    proposal_url = page.url
    page.click("#simulate-proposal")
    page.wait_for_url("**/manager/planning/simulation?proposal=*")
    figures = page.locator("#simulation-figures tbody tr")
    expect(figures).to_have_count(4)
    for row in figures.all():
        expect(row.locator(".simulation-proposal")).to_contain_text(re.compile(r"\d"))
        expect(row.locator(".simulation-min-max").last).to_contain_text(re.compile(r"\d"))
    expect(page.locator("#simulation-locations tbody tr").first).to_be_visible()
    expect(page.locator("#simulation-chart .js-plotly-plot")).to_be_attached()
    page.screenshot(path=screenshots / "simulation-1440.png", full_page=True)
    simulation_url = page.url
    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    small = phone.new_page()
    sign_in_as(small, portal, "manager")
    small.goto(proposal_url)
    expect(small.locator(".proposal-order").first).to_be_visible()
    small.screenshot(path=screenshots / "proposal-390.png", full_page=True)
    small.goto(simulation_url)
    expect(small.locator("#simulation-figures tbody tr")).to_have_count(4)
    # On a phone the min/max figure sits under the proposal's (its column steps aside).
    expect(small.locator("#simulation-figures tbody tr .simulation-min-max").first).to_be_visible()
    expect(small.locator("#simulation-chart .js-plotly-plot")).to_be_attached()
    assert small.evaluate(
        "document.scrollingElement.scrollWidth <= document.scrollingElement.clientWidth + 1"
    ), "the simulation page scrolls sideways on a phone"
    small.screenshot(path=screenshots / "simulation-390.png", full_page=True)
    phone.close()
    supplier_context = browser.new_context()
    supplier_page = supplier_context.new_page()
    sign_in_as(supplier_page, portal, "supplier")
    supplier_page.goto(f"{portal.base_url}/supplier/purchase-orders")
    expect(supplier_page.get_by_text(po_number(own[0].id)).first).to_be_visible()
    supplier_context.close()
