"""Chinese means Chinese: every demo role, switched to Chinese, walks every page of its navigation
(read from the frame's sidebar) and one object page under each list, and no Latin-script word is
left on screen except codes, SKUs and ids (a token with a digit or a dash, an all-caps code like
VIN, EUR or PO), e-mail addresses, URLs, numbers and names that have no translation (people's
names, and the Latin surnames the companies' Chinese names keep). Screenshots of a few pages."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import text

from services.supply.inventory_sync import TEMPLATE_COLUMNS
from tests.e2e.conftest import RunningPortal
from tests.e2e.test_portal import HOMES, _set_language, at, sign_in_as

pytestmark = pytest.mark.e2e

WIDE = {"width": 1440, "height": 900}
ROLES = ("admin", "manager", "supplier", "dealer", "customer")
LATIN_WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ɏ]+(?:['’][A-Za-zÀ-ÖØ-öø-ɏ]+)*")
# Where a token ends: white space and the punctuation of both scripts.
TOKEN_SPLIT = re.compile(r"[\s,;:!?()\[\]{}<>\"“”‘’'、，。；：！？（）【】《》·•|…]+")
# An IANA time zone ('Asia/Shanghai', 'America/Indiana/Indianapolis'): an identifier, not prose.
TIME_ZONE = re.compile(r"^[A-Z][A-Za-z]+(/[A-Z][A-Za-z_]+)+$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
URL = re.compile(r"^(https?://|www\.)|\.(test|com|cn|org)(/|$)")
SCREENSHOTS = {
    "/catalogue",
    "/manager/incidents",
    "/supplier/purchase-orders",
    "/showroom",
    "/admin/organisations",
}
# A page's text is taken once it has stopped changing for this long (its data has arrived).
SETTLED_MS = 800
# The page's text without what is shown as written (`data-verbatim`: what a person typed, a
# carrier's own event text, a file's column names), which no translation applies to.
PAGE_TEXT = """() => {
    let text = document.body.innerText;
    for (const element of document.querySelectorAll("[data-verbatim]")) {
        const verbatim = element.innerText.trim();
        if (verbatim) text = text.split(verbatim).join(" ");
    }
    return text;
}"""
WAIT_SETTLED = """([settledMs]) => {
    const text = document.body.innerText;
    const now = performance.now();
    if (window.__walkText !== text) { window.__walkText = text; window.__walkSince = now; return false; }
    return now - window.__walkSince >= settledMs;
}"""


def names_without_translation(portal: RunningPortal) -> set[str]:
    """The Latin words of names kept as written: people's names, and the Latin parts of the
    Chinese names (a foreign company's founder's surname)."""
    queries = (
        "SELECT full_name FROM user_account",
        "SELECT full_name FROM salesperson",
        "SELECT visitor_name FROM test_drive",
        "SELECT name_zh FROM organisation",
        "SELECT name_zh FROM location",
        "SELECT name_zh FROM trim",
        "SELECT name FROM organisation WHERE name_zh IS NULL",
    )
    # The column names a CSV upload must carry: typed into the file as they are, in every language.
    words: set[str] = set(TEMPLATE_COLUMNS)
    with portal.engine.connect() as connection:
        for query in queries:
            for (value,) in connection.execute(text(query)):
                words.update(LATIN_WORD.findall(value or ""))
    return words


def untranslated(page_text: str, allowed: set[str]) -> list[str]:
    """The Latin-script words of `page_text` that are not codes, addresses, numbers or names."""
    found = []
    for token in TOKEN_SPLIT.split(page_text):
        token = token.strip(".-–—+*#%&=_~")
        if not token or not LATIN_WORD.search(token):
            continue
        if EMAIL.match(token) or URL.search(token) or TIME_ZONE.match(token):
            continue
        if re.search(r"[\d-]", token):  # SKUs, ids, VINs with digits, 'PO-12', '4x4', '150kW'
            continue
        for word in LATIN_WORD.findall(token.replace("/", " ")):
            if word.isupper() or word in allowed:  # VIN, EUR, SUV, LED; a person's name
                continue
            found.append(word)
    return found


def _settle(page: Page) -> str:
    expect(page.locator("h1").first).to_be_visible()
    page.wait_for_function(WAIT_SETTLED, arg=[SETTLED_MS], polling=200, timeout=20_000)
    return page.evaluate(PAGE_TEXT)


def _nav_paths(page: Page) -> list[str]:
    expect(page.locator("[data-nav]").first).to_be_visible()
    hrefs = page.locator("[data-nav]").evaluate_all("links => links.map(link => link.dataset.nav)")
    return list(dict.fromkeys(hrefs))


def _object_page(page: Page, list_path: str) -> str | None:
    """The first link on the page to an object under `list_path` (an order, an incident), if any."""
    hrefs = page.locator("main a[href], a[href]").evaluate_all(
        "links => links.map(link => new URL(link.href).pathname)"
    )
    prefix = list_path.rstrip("/") + "/"
    return next((href for href in hrefs if href.startswith(prefix) and href != prefix), None)


@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_the_role_reads_in_chinese(
    page: Page, portal: RunningPortal, screenshots: Path, role: str
) -> None:
    email = f"{role}@demo.test"
    allowed = names_without_translation(portal)
    page.set_viewport_size(WIDE)
    _set_language(portal, email, "zh")
    try:
        sign_in_as(page, portal, role)
        expect(page.locator("#header-role").first).not_to_have_text(re.compile("[A-Za-z]"))
        offending: dict[str, list[str]] = {}
        visited: list[str] = []
        for path in _nav_paths(page):
            page.goto(f"{portal.base_url}{path}")
            page.wait_for_url(at(path))
            page_text = _settle(page)
            if words := untranslated(page_text, allowed):
                offending[path] = words
            visited.append(path)
            if path in SCREENSHOTS:
                page.screenshot(path=screenshots / f"zh-{role}{path.replace('/', '-')}.png", full_page=True)
            if (child := _object_page(page, path)) and child not in visited:
                page.goto(f"{portal.base_url}{child}")
                page.wait_for_url(at(urlparse(child).path))
                if words := untranslated(_settle(page), allowed):
                    offending[child] = words
                visited.append(child)
                if path in SCREENSHOTS:
                    page.screenshot(
                        path=screenshots / f"zh-{role}{path.replace('/', '-')}-object.png", full_page=True
                    )
        assert HOMES[role] in visited and len(visited) >= 2, visited
        report = "\n".join(f"  {path}: {', '.join(sorted(set(words)))}" for path, words in offending.items())
        assert not offending, f"{role}: Latin-script text left on Chinese pages:\n{report}"
    finally:
        _set_language(portal, email, "en")
