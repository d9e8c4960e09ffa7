"""The KPI dashboard in Chromium, as the demo manager: the tiles for this month; another period and a
dealer change every tile and the address keeps the filters (a shared link opens the same view); a
figure opens its rows and exports them as XLSX (the file opens and holds the same rows); a target
recolours its tile; the attention panel's flag opens its week's orders; a dealer sees its own stores
only; the page fits a 390 px phone."""

from __future__ import annotations

import io
from urllib.parse import parse_qs, urlparse

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import PHONE, RunningPortal
from tests.e2e.test_portal import sign_in_as

pytestmark = pytest.mark.e2e


def _values(page: Page) -> dict[str, str]:
    return page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('.kpi-tile')].map(tile => [
            tile.dataset.tile,
            (tile.querySelector('.tile-value') || tile.querySelector('.tile-no-data')).innerText
        ]))"""
    )


def _pick(page: Page, select_id: str, option: str) -> None:
    page.click(f"#{select_id}")
    page.get_by_role("option", name=option, exact=True).click()


def test_a_manager_filters_drills_exports_and_sets_a_target(
    page: Page, portal: RunningPortal, screenshots
) -> None:
    page.set_viewport_size({"width": 1440, "height": 900})
    sign_in_as(page, portal, "manager")
    page.goto(f"{portal.base_url}/manager/kpis")
    expect(page.locator('.kpi-tile[data-tile="gmv"] .tile-value')).to_be_visible()
    expect(page.locator(".kpi-tile")).to_have_count(17)  # every tile, planning's and pricing's too
    month = _values(page)
    assert month["gmv"] != "—" and month["orders"] != "—"
    # The month so far has its month-end projection.
    expect(page.locator('.kpi-tile[data-tile="gmv"] .tile-projection')).to_contain_text("Month end")
    page.screenshot(path=screenshots / "kpis-month-1440.png", full_page=True)

    _pick(page, "kpi-period", "Year")
    page.wait_for_url("**/manager/kpis?period=year**")
    expect(page.locator('.kpi-tile[data-tile="orders"] .tile-value')).not_to_have_text(month["orders"])
    year = _values(page)
    assert year["gmv"] != month["gmv"]
    # Pricing's savings backtest and planning's stored forecasts feed their tiles.
    assert year["procurement_savings"] != "—" and year["forecast_accuracy"] != "—"

    # A vehicle model narrows every sales tile; back to all of them.
    page.click("#kpi-category")
    page.get_by_role("option").nth(1).click()
    page.wait_for_url("**category=**")
    expect(page.locator('.kpi-tile[data-tile="gmv"] .tile-value')).not_to_have_text(year["gmv"])
    page.click("#kpi-category")
    page.get_by_role("option").nth(0).click()
    expect(page.locator('.kpi-tile[data-tile="gmv"] .tile-value')).to_have_text(year["gmv"])

    # A country (named in the viewer's language) narrows them too.
    page.click("#kpi-country")
    page.get_by_role("option").nth(1).click()
    page.wait_for_url("**country=**")
    expect(page.locator('.kpi-tile[data-tile="gmv"] .tile-value')).not_to_have_text(year["gmv"])
    page.click("#kpi-country")
    page.get_by_role("option").nth(0).click()
    expect(page.locator('.kpi-tile[data-tile="gmv"] .tile-value')).to_have_text(year["gmv"])

    page.click("#kpi-dealer")
    dealer_option = page.get_by_role("option").nth(1)
    dealer_name = dealer_option.inner_text()
    dealer_option.click()
    page.wait_for_url("**dealer=**")
    expect(page.locator('.kpi-tile[data-tile="orders"] .tile-value')).not_to_have_text(year["orders"])
    query = parse_qs(urlparse(page.url).query)
    assert query["period"] == ["year"] and query["dealer"][0].isdigit()
    assert dealer_name

    # The shared address opens the same view in a fresh page.
    shared, dealer_orders = page.url, _values(page)["orders"]
    page.goto(f"{portal.base_url}/manager")
    page.goto(shared)
    expect(page.locator('.kpi-tile[data-tile="orders"] .tile-value')).to_have_text(dealer_orders)

    page.locator('.kpi-tile[data-tile="orders"] .tile-drill[data-kind="orders"]').click()
    expect(page.locator("#drill-dialog")).to_be_visible()
    pager = page.locator("#drill-pager").inner_text()
    total = int(pager.rsplit("·", 1)[1].split()[0].replace(",", ""))
    assert total > 0
    expect(page.locator("#drill-table tbody tr").first).to_be_visible()
    with page.expect_download() as download:
        page.click("#drill-xlsx")
    assert download.value.suggested_filename.startswith(
        "orders-"
    ) and download.value.suggested_filename.endswith(".xlsx")
    with open(download.value.path(), "rb") as file:
        workbook = load_workbook(io.BytesIO(file.read()), read_only=True)
    sheet = workbook.active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "order_number" and len(rows) - 1 == total
    page.screenshot(path=screenshots / "kpis-drill-1440.png")
    page.keyboard.press("Escape")

    page.locator('.kpi-tile[data-tile="orders"] .tile-set-target').click()
    page.fill("#target-input", "abc")
    page.click("#target-save")
    expect(page.locator("#target-error")).to_be_visible()
    page.fill("#target-input", "1000000")
    page.click("#target-save")
    expect(page.locator('.kpi-tile[data-tile="orders"]')).to_have_attribute("data-tone", "missed")
    expect(page.locator('.kpi-tile[data-tile="orders"] .tile-target')).to_be_visible()
    # the target is drawn on the tile's chart
    expect(page.locator('.kpi-tile[data-tile="orders"] .tile-sparkline-target')).to_have_count(1)
    page.locator('.kpi-tile[data-tile="orders"] .tile-set-target').click()
    page.fill("#target-input", "1")
    page.click("#target-save")
    expect(page.locator('.kpi-tile[data-tile="orders"]')).to_have_attribute("data-tone", "met")
    page.screenshot(path=screenshots / "kpis-target-1440.png", full_page=True)
    # Leave no target behind for the other tests.
    page.locator('.kpi-tile[data-tile="orders"] .tile-set-target').click()
    page.fill("#target-input", "")
    page.click("#target-save")
    expect(page.locator('.kpi-tile[data-tile="orders"]')).to_have_attribute("data-tone", "none")

    # A manager imports a day's FX rates: a bad row is named and nothing stored, then a good file.
    page.click("#kpi-fx-open")
    expect(page.locator("#kpi-fx-dialog")).to_be_visible()
    for data in (b"day,currency,rate\n2026-11-30,EURO,7.8\n", b"day,currency,rate\n2026-11-30,EUR,7.81\n"):
        with page.expect_response(lambda response: "/_upload" in response.url) as upload:
            page.set_input_files(
                "#fx-upload input[type=file]",
                files=[{"name": "rates.csv", "mimeType": "text/csv", "buffer": data}],
            )
        upload.value.finished()
        if b"EURO" in data:
            expect(page.locator("#kpi-fx-errors")).to_contain_text("rows[2].currency")
    expect(page.locator("#kpi-fx-done")).to_contain_text("EUR")
    page.screenshot(path=screenshots / "kpis-fx-1440.png")
    page.keyboard.press("Escape")

    # The attention panel: the demo dealer whose orders collapsed last week comes first; its link
    # opens that week's orders of that dealer.
    page.goto(f"{portal.base_url}/manager/kpis")
    flag = page.locator("#kpi-attention .attention-flag").first
    expect(flag).to_have_attribute("data-direction", "low")
    expect(flag).to_contain_text("below the usual")
    page.screenshot(path=screenshots / "kpis-attention-1440.png")
    flag.locator(".attention-open").click()
    page.wait_for_url("**period=custom**")
    query = parse_qs(urlparse(page.url).query)
    assert query["dealer"][0].isdigit() and query["from"] and query["to"]
    expect(page.locator("#drill-dialog")).to_be_visible()
    expect(page.locator("#drill-table tbody tr").first).to_be_visible()


def test_a_dealer_sees_its_own_stores_on_a_phone(
    browser: Browser, portal: RunningPortal, screenshots
) -> None:
    context = browser.new_context(viewport=PHONE, locale="en-US")
    context.set_default_timeout(20_000)
    phone = context.new_page()
    try:
        sign_in_as(phone, portal, "dealer")
        phone.goto(f"{portal.base_url}/dealer/kpis")
        expect(phone.locator('.kpi-tile[data-tile="gmv"] .tile-value')).to_be_visible()
        # Network-only figures (suppliers' scorecards, incidents) are not a dealer's.
        expect(phone.locator('.kpi-tile[data-tile="supplier_on_time"]')).to_have_count(0)
        expect(phone.locator("#kpi-dealer")).to_have_count(0)
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"the dashboard scrolls sideways on a phone ({width}px)"
        phone.screenshot(path=screenshots / "kpis-dealer-390.png", full_page=True)
    finally:
        context.close()
