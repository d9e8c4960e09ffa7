"""The manager's stock list filtered by location, part category and low stock in a real browser; the
supplier's "My parts" and the two wordings of the supplier card."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import case, func
from sqlmodel import Session, select

from models import Location, Organisation, Part, StockLevel, User
from models.settings import get_settings
from services.catalog.lists import Page as CatalogPage
from services.catalog.lists import list_stock
from services.identity.auth import principal_for
from tests.e2e.conftest import PHONE, RunningPortal
from tests.e2e.test_portal import organisation_of, sign_in_as

pytestmark = pytest.mark.e2e

WIDE = {"width": 1440, "height": 900}


def _a_warehouse_category_with_some_low_rows(session: Session) -> tuple[Location, str]:
    """An OEM warehouse and a part category there with a few low rows among more that are not."""
    low = func.sum(
        case((StockLevel.on_hand - StockLevel.reserved <= get_settings().low_stock_threshold, 1), else_=0)
    )
    location_id, category = session.exec(
        select(Location.id, Part.category)
        .join(StockLevel, StockLevel.location_id == Location.id)
        .join(Part, Part.id == StockLevel.part_id)
        .where(Location.kind == "warehouse")
        .group_by(Location.id, Part.category)
        .having(low.between(1, 20))
        .having(func.count() > low)
        .order_by(low.desc(), Location.code, Part.category)
    ).first()
    return session.get(Location, location_id), category


def _shown(page: Page) -> list[list[str]]:
    return page.locator("#stock-table tbody tr").evaluate_all(
        """rows => rows.map(row => [
            row.querySelector('[data-location]').dataset.location,
            row.querySelector('code').textContent.trim(),
        ])"""
    )


def _pager(total: int) -> str:
    pages = max(1, -(-total // 25))
    return f"Page 1 of {pages:,} · {total:,} {'row' if total == 1 else 'rows'}"


def _pick(page: Page, trigger: str, option: str) -> None:
    page.click(trigger)
    page.get_by_role("option", name=option, exact=True).click()


def test_the_manager_narrows_the_stock_list_by_location_category_and_low_stock(
    page: Page, portal: RunningPortal, screenshots
) -> None:
    with Session(portal.engine) as session:
        location, category = _a_warehouse_category_with_some_low_rows(session)
        user = session.exec(select(User).where(User.email_normalized == "manager@demo.test")).one()
        manager = principal_for(user, session.get(Organisation, user.organisation_id))

        def expected(**filters) -> tuple[list[list[str]], int]:
            rows, total = list_stock(session, manager, page=CatalogPage(1, 25), **filters)
            return [[row["location_code"], row["item_code"]] for row in rows], total

        at_location = expected(location_id=location.id)
        in_category = expected(location_id=location.id, category=category)
        low_only = expected(location_id=location.id, category=category, low_only=True)
    threshold = get_settings().low_stock_threshold
    assert 0 < low_only[1] < in_category[1] <= at_location[1]

    sign_in_as(page, portal, "manager")
    page.set_viewport_size(WIDE)
    page.goto(f"{portal.base_url}/stock")
    expect(page.locator("#stock-table tbody tr").first).to_be_visible()

    _pick(page, "#stock-location-filter", f"{location.name} · {location.code}")
    expect(page.locator(".pager-label")).to_have_text(_pager(at_location[1]))
    assert _shown(page) == at_location[0]

    _pick(page, "#stock-category-filter", category)
    expect(page.locator(".pager-label")).to_have_text(_pager(in_category[1]))
    assert _shown(page) == in_category[0]

    page.click("#stock-low-only")
    expect(page.locator(".pager-label")).to_have_text(_pager(low_only[1]))
    assert _shown(page) == low_only[0]
    # Every row left is marked low: its available units are at or under the threshold.
    badges = page.locator("#stock-table tbody tr td:last-child .rt-Badge")
    expect(badges).to_have_count(low_only[1])
    assert all(int(text.replace(",", "")) <= threshold for text in badges.all_inner_texts())
    page.screenshot(path=screenshots / "stock-filters-1440.png", full_page=True)

    # With the search as well: a text no row of these has leaves the empty state, not an empty table.
    page.fill("#stock-search", "no-such-part-anywhere")
    expect(page.get_by_text("No stock rows match these filters.")).to_be_visible()
    expect(page.locator("#stock-table tbody tr")).to_have_count(0)
    page.fill("#stock-search", "")
    expect(page.locator("#stock-table tbody tr")).to_have_count(low_only[1])

    page.set_viewport_size(PHONE)
    expect(page.locator("#stock-low-only")).to_be_visible()
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=screenshots / "stock-filters-390.png", full_page=True)


def test_the_supplier_reads_my_parts_and_the_manager_a_card_that_speaks_to_the_manager(
    page: Page, portal: RunningPortal, screenshots
) -> None:
    with Session(portal.engine) as session:
        supplier = organisation_of(session, "supplier@demo.test")
        supplier_id, supplier_name = supplier.id, supplier.name
    sign_in_as(page, portal, "supplier")
    page.goto(f"{portal.base_url}/catalogue")
    expect(page.locator("#page-title")).to_have_text("My parts")
    expect(page.locator("#parts-table tbody tr").first).to_be_visible()
    headers = page.locator("#parts-table thead th").all_inner_texts()
    assert "Supplier" not in headers and "Category" in headers
    expect(page.locator("#parts-table tbody")).not_to_contain_text(supplier_name)

    page.goto(f"{portal.base_url}/supplier/scorecard")
    expect(page.locator("#page-subtitle")).to_have_text(
        "The same numbers the carmaker sees. Click a criterion to see the orders and incidents that moved it."
    )

    manager = page.context.browser.new_context(viewport=WIDE, locale="en-US")
    try:
        other = manager.new_page()
        sign_in_as(other, portal, "manager")
        other.goto(f"{portal.base_url}/manager/suppliers/{supplier_id}")
        expect(other.locator("#page-title")).to_have_text(supplier_name)
        expect(other.locator("#page-subtitle")).to_contain_text(
            "Scorecard, orders and quality of this supplier"
        )
        other.goto(f"{portal.base_url}/catalogue")
        expect(other.locator("#page-title")).to_have_text("Catalogue")
        expect(other.locator("#parts-table thead")).to_contain_text("Supplier")
    finally:
        manager.close()
