"""The notification centre in a real browser: the bell on a supplier's page counts a purchase order
the manager issues while the page is open (pushed live, no reload), the entry opens the order and is
marked read; the inbox page pages the entries, marks all read and keeps the reader's choice of how
each kind reaches them; Chinese readers read Chinese. Desktop and phone screenshots."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session, select

from models import Location, Notification, Organisation, Part, User
from services.identity.auth import principal_for
from services.platform.fields import today_in
from services.supply import purchasing
from tests.e2e.conftest import PHONE, RunningPortal
from tests.e2e.test_portal import organisation_of, sign_in_as

pytestmark = pytest.mark.e2e

SUPPLIER_EMAIL = "supplier@demo.test"


def _issue_order(portal: RunningPortal, quantity: int) -> dict:
    """The manager issues a one-line order to the demo supplier (straight through the service, as
    another person's browser would)."""
    with Session(portal.engine) as session:
        supplier = organisation_of(session, SUPPLIER_EMAIL)
        user = session.exec(select(User).where(User.email_normalized == "manager@demo.test")).one()
        manager = principal_for(user, session.get(Organisation, user.organisation_id))
        part = session.exec(select(Part).where(Part.supplier_id == supplier.id).order_by(Part.id)).first()
        warehouse = session.exec(
            select(Location).where(
                Location.organisation_id == user.organisation_id, Location.kind == "warehouse"
            )
        ).first()
        return purchasing.issue_purchase_order(
            session,
            manager,
            supplier_id=supplier.id,
            ship_to_location_id=warehouse.id,
            lines=[
                {
                    "part_id": part.id,
                    "unit_price": str(part.list_price),
                    "quantity": quantity,
                    "requested_date": (today_in(manager.time_zone) + timedelta(days=14)).isoformat(),
                }
            ],
        )


def _unread(portal: RunningPortal) -> int:
    with Session(portal.engine) as session:
        user = session.exec(select(User).where(User.email_normalized == SUPPLIER_EMAIL)).one()
        return len(
            session.exec(
                select(Notification.id).where(Notification.user_id == user.id, Notification.read_at.is_(None))
            ).all()
        )


def _count_text(unread: int) -> str:
    return "9+" if unread > 9 else str(unread)


def test_the_bell_counts_a_new_purchase_order_live_and_its_entry_opens_the_order(
    page: Page, portal: RunningPortal, screenshots
) -> None:
    sign_in_as(page, portal, "supplier")
    page.goto(f"{portal.base_url}/supplier/purchase-orders")
    expect(page.locator("#bell")).to_be_visible()
    before = _unread(portal)
    if before:
        expect(page.locator("#bell-count")).to_have_text(_count_text(before))

    order = _issue_order(portal, 7)
    # Pushed to the open page: no reload, no navigation.
    expect(page.locator("#bell-count")).to_have_text(_count_text(before + 1), timeout=15_000)
    page.click("#bell")
    entry = page.locator(".bell-entry").first
    expect(entry).to_contain_text(f"New purchase order {order['number']}")
    expect(entry).to_have_attribute("data-read", "false")
    page.screenshot(path=screenshots / "notifications-bell.png")
    entry.click()
    page.wait_for_url(f"**/supplier/purchase-orders/{order['id']}")
    expect(page.locator("#page-title")).to_contain_text(order["number"])
    if before:
        expect(page.locator("#bell-count")).to_have_text(_count_text(before))
    else:
        expect(page.locator("#bell-count")).to_have_count(0)
    assert _unread(portal) == before


def test_the_inbox_marks_all_read_and_keeps_each_kinds_delivery(
    page: Page, portal: RunningPortal, screenshots
) -> None:
    order = _issue_order(portal, 3)
    sign_in_as(page, portal, "supplier")
    page.goto(f"{portal.base_url}/notifications")
    expect(page.locator("#page-title")).to_have_text("Notifications")
    first = page.locator(".inbox-entry").first
    expect(first).to_contain_text(f"New purchase order {order['number']}")
    expect(page.locator("#bell-count")).to_be_visible()

    preference = page.locator('.notification-preference[data-kind="purchase_order.issued"]')
    preference.locator("button").click()
    page.get_by_role("option", name="Daily e-mail digest").click()
    expect(page.get_by_text("Saved: New purchase orders — Daily e-mail digest")).to_be_visible()
    page.screenshot(path=screenshots / "notifications-inbox.png", full_page=True)

    page.click("#inbox-mark-all")
    expect(page.locator("#bell-count")).to_have_count(0)
    expect(page.locator('.inbox-entry[data-read="false"]')).to_have_count(0)
    page.click("#inbox-unread-only")
    expect(page.get_by_text("No unread notifications.")).to_be_visible()

    page.reload()
    preference = page.locator('.notification-preference[data-kind="purchase_order.issued"]')
    expect(preference.locator("button")).to_contain_text("Daily e-mail digest")
    assert _unread(portal) == 0


def test_a_chinese_reader_on_a_phone_reads_the_inbox_in_chinese(
    browser: Browser, portal: RunningPortal, screenshots
) -> None:
    order = _issue_order(portal, 4)
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    context.set_default_timeout(20_000)
    phone = context.new_page()
    try:
        sign_in_as(phone, portal, "supplier")
        phone.locator("#language-switch").click()
        phone.get_by_role("option", name="简体中文").click()
        phone.goto(f"{portal.base_url}/notifications")
        expect(phone.locator("#page-title")).to_have_text("通知")
        expect(phone.locator(".inbox-entry").first).to_contain_text(f"下达新采购订单 {order['number']}")
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"the inbox scrolls sideways on a phone ({width}px)"
        phone.screenshot(path=screenshots / "notifications-inbox-phone-zh.png", full_page=True)
        phone.locator("#language-switch").click()
        phone.get_by_role("option", name="English").click()
    finally:
        context.close()
