"""The wide lists fit the screen: at 1440 px no column hides behind a sideways scroll, and on a
390 px phone the key columns are on screen (the secondary ones step aside)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from services.i18n import translate
from tests.e2e.conftest import PHONE, RunningPortal
from tests.e2e.test_portal import HOMES, at, sign_in

pytestmark = pytest.mark.e2e

WIDE = {"width": 1440, "height": 900}

# (role, address, table id, the headers that must be on a phone's screen)
LISTS = [
    ("manager", "/manager/incidents", "incidents-table", ("incident.number", "purchase.status")),
    ("supplier", "/supplier/incidents", "incidents-table", ("incident.number", "purchase.status")),
    ("manager", "/manager/purchase-orders", "orders-table", ("purchase.number", "purchase.status")),
    ("supplier", "/supplier/purchase-orders", "orders-table", ("purchase.number", "purchase.status")),
    ("dealer", "/orders", "orders-table", ("orders.number", "orders.status")),
    ("manager", "/shipments", "shipments-table", ()),
    ("manager", "/stock", "stock-table", ()),
    ("admin", "/admin", "users-table", ()),
    ("admin", "/admin/audit", "audit-table", ()),
    ("manager", "/manager/prices", "suggestions-table", ("pricing.col.part", "pricing.col.change")),
    (
        "supplier",
        "/supplier/price-changes",
        "price-changes-table",
        ("pricing.col.part", "pricing.col.status"),
    ),
    ("manager", "/manager/prices/indices", "indices-table", ("pricing.col.code", "pricing.col.latest_value")),
    ("manager", "/manager/planning", "planning-table", ("planning.part", "planning.value_at_risk")),
    (
        "manager",
        "/manager/planning/simulation",
        "simulation-locations",
        ("simulation.location", "simulation.figure.fill_rate", "simulation.figure.stockout_rate"),
    ),
    (
        "manager",
        "/manager/pricing/markets",
        "market-prices-table",
        ("market_lists.col.item", "market_lists.col.price"),
    ),
]

# What a table measures in the page: how far it reaches past its box, and where each header is.
_MEASURE = """(root) => {
    const table = root.tagName === 'TABLE' ? root : root.querySelector('table');
    let box = root.parentElement;
    while (box && box.clientWidth === 0) { box = box.parentElement; }
    const scrollers = [root.parentElement, root, ...root.querySelectorAll('*')].filter((element) => {
        const style = getComputedStyle(element);
        return ['auto', 'scroll'].includes(style.overflowX) && element.scrollWidth > element.clientWidth + 1;
    });
    const boxRight = box.getBoundingClientRect().right;
    const headers = [...table.querySelectorAll('thead th')].map((cell) => {
        const rect = cell.getBoundingClientRect();
        return {
            text: cell.innerText.trim(),
            shown: getComputedStyle(cell).display !== 'none' && rect.width > 0,
            left: rect.left,
            right: rect.right,
        };
    });
    return {
        tableWidth: table.getBoundingClientRect().width,
        boxWidth: box.clientWidth,
        boxRight,
        scrollers: scrollers.map((element) => [element.className, element.scrollWidth, element.clientWidth]),
        headers,
        pageScroll: document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth,
    };
}"""

# How many lines each cell of a column takes (a line is a distinct top of the text's line boxes).
_LINES = """(root, column) => {
    const table = root.tagName === 'TABLE' ? root : root.querySelector('table');
    return [...table.querySelectorAll('tbody tr')].map((row) => {
        const cell = row.children[column];
        if (!cell) { return 0; }
        const range = document.createRange();
        range.selectNodeContents(cell);
        const rects = [...range.getClientRects()].filter((r) => r.width > 0);
        return new Set(rects.map((r) => Math.round(r.top))).size;
    });
}"""


def _signed_in(browser: Browser, portal: RunningPortal, role: str, viewport: dict) -> Page:
    context = browser.new_context(
        viewport=viewport,
        locale="en-US",
        is_mobile=viewport["width"] < 500,
        has_touch=viewport["width"] < 500,
    )
    context.set_default_timeout(20_000)
    page = context.new_page()
    sign_in(page, portal, f"{role}@demo.test")
    page.wait_for_url(at(HOMES[role]))
    return page


def _open(page: Page, portal: RunningPortal, address: str, table_id: str):
    page.goto(f"{portal.base_url}{address}")
    table = page.locator(f"#{table_id}")
    expect(table.locator("tbody tr").first).to_be_visible()
    expect(table.locator("tbody tr .rt-Skeleton")).to_have_count(0)
    return table


@pytest.mark.parametrize(("role", "address", "table_id", "key_headers"), LISTS)
def test_a_wide_list_shows_every_column_at_1440_px(
    browser: Browser, portal: RunningPortal, screenshots, role, address, table_id, key_headers
) -> None:
    page = _signed_in(browser, portal, role, WIDE)
    table = _open(page, portal, address, table_id)
    measured = table.evaluate(_MEASURE)
    page.screenshot(path=screenshots / f"table-{role}-{table_id}-1440.png", full_page=True)
    assert measured["scrollers"] == [], f"{address}: sideways scroll {measured['scrollers']}"
    assert measured["tableWidth"] <= measured["boxWidth"] + 1, measured
    hidden = [
        h["text"] for h in measured["headers"] if not h["shown"] or h["right"] > measured["boxRight"] + 1
    ]
    assert hidden == [], f"{address}: columns off-screen at 1440 px: {hidden}"
    assert measured["pageScroll"] <= 0
    page.context.close()


@pytest.mark.parametrize(("role", "address", "table_id", "key_headers"), LISTS)
def test_a_wide_list_keeps_its_key_columns_on_a_phone(
    browser: Browser, portal: RunningPortal, screenshots, role, address, table_id, key_headers
) -> None:
    page = _signed_in(browser, portal, role, PHONE)
    table = _open(page, portal, address, table_id)
    measured = table.evaluate(_MEASURE)
    page.screenshot(path=screenshots / f"table-{role}-{table_id}-390.png", full_page=True)
    assert measured["pageScroll"] <= 0, f"{address}: the page scrolls sideways on a phone"
    if key_headers:  # a list that keeps its key columns shows them whole: no sideways scroll
        assert measured["scrollers"] == [], f"{address}: sideways scroll on a phone {measured['scrollers']}"
    shown = {h["text"]: h for h in measured["headers"] if h["shown"]}
    for key in key_headers:
        header = shown.get(translate(key, "en"))
        assert header is not None, f"{address}: {key} is hidden on a phone"
        assert header["left"] >= 0 and header["right"] <= PHONE["width"], f"{address}: {key} off-screen"
    page.context.close()


@pytest.mark.parametrize("role", ["manager", "supplier"])
def test_supplier_and_ship_to_names_take_at_most_two_lines(
    browser: Browser, portal: RunningPortal, role
) -> None:
    page = _signed_in(browser, portal, role, WIDE)
    table = _open(page, portal, f"/{role}/purchase-orders", "orders-table")
    headers = [h["text"] for h in table.evaluate(_MEASURE)["headers"]]
    columns = [translate("purchase.ship_to", "en")]
    if role == "manager":
        columns.append(translate("catalogue.supplier", "en"))
    for name in columns:
        lines = table.evaluate(_LINES, headers.index(name))
        assert lines and max(lines) <= 2, f"{name} wraps over {max(lines)} lines"
    page.context.close()
