"""The admin's directory in a real browser, wide (1440 px) and on a phone (390 px): the users come
25 at a time with "1–25 of n", the search finds a name, e-mail or organisation, and an organisation
is created and edited in its dialog, every bad field named under it at once."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func
from sqlmodel import Session, select

from models import AuditLog, Organisation, User
from tests.e2e.conftest import PHONE, RunningPortal
from tests.e2e.test_portal import sign_in_as

pytestmark = pytest.mark.e2e

WIDE = {"width": 1440, "height": 900}


def _choose(page: Page, trigger: str, option: str) -> None:
    page.click(trigger)
    page.get_by_role("option", name=option, exact=True).click()


@pytest.fixture(params=["wide", "phone"])
def viewport(request, page: Page) -> str:
    page.set_viewport_size(WIDE if request.param == "wide" else PHONE)
    return request.param


def _fits(page: Page, width: int) -> None:
    assert page.evaluate("document.scrollingElement.scrollWidth") <= width


def test_admin_searches_and_pages_the_users(page: Page, portal: RunningPortal, screenshots, viewport) -> None:
    with Session(portal.engine) as session:
        total = session.exec(select(func.count()).select_from(User)).one()
        manager = session.exec(select(User).where(User.email_normalized == "manager@demo.test")).one()
        manager_org = session.get(Organisation, manager.organisation_id).name
        same_org = session.exec(
            select(func.count()).select_from(User).where(User.organisation_id == manager.organisation_id)
        ).one()
    assert total > 25, "the demo data has more users than one page"
    sign_in_as(page, portal, "admin")
    rows = page.locator("#users-table tbody tr")
    label = page.locator(".pager-label")
    expect(label).to_have_text(f"1–25 of {total}")
    expect(rows).to_have_count(25)
    expect(page.locator("#organisations-table")).to_have_count(0)  # it lives on its own page now
    page.screenshot(path=screenshots / f"admin-users-{viewport}.png", full_page=True)

    page.click(".pager-next")
    expect(label).to_have_text(f"26–{min(50, total)} of {total}")
    expect(rows).to_have_count(min(25, total - 25))
    page.click(".pager-previous")
    expect(label).to_have_text(f"1–25 of {total}")

    page.fill("#user-search", "MANAGER@demo")
    expect(label).to_have_text("1–1 of 1")
    expect(rows).to_have_count(1)
    expect(page.locator('[data-user="manager@demo.test"]')).to_contain_text("Manager")

    page.fill("#user-search", manager_org.upper())  # an organisation, in another case
    expect(label).to_have_text(f"1–{min(25, same_org)} of {same_org}")
    page.fill("#user-search", "no such person anywhere")
    expect(label).to_have_text("0–0 of 0")
    expect(page.get_by_text("Nothing matches.")).to_be_visible()

    page.fill("#user-search", "")
    _choose(page, "#user-role-filter", "Supplier")
    with Session(portal.engine) as session:
        suppliers = session.exec(select(func.count()).select_from(User).where(User.role == "supplier")).one()
    expect(label).to_have_text(f"1–{min(25, suppliers)} of {suppliers}")
    _fits(page, page.viewport_size["width"])
    page.screenshot(path=screenshots / f"admin-users-search-{viewport}.png", full_page=True)


def test_admin_creates_and_edits_an_organisation(
    page: Page, portal: RunningPortal, screenshots, viewport
) -> None:
    name = f"Harbour Axle Works {viewport}"
    sign_in_as(page, portal, "admin")
    page.goto(f"{portal.base_url}/admin/organisations")
    expect(page.locator("#page-title")).to_have_text("Organisations")
    expect(page.locator("#organisations-table tbody tr").first).to_be_visible()

    page.click("#new-organisation")
    page.fill("#org-currency", "xyz")
    page.fill("#org-time-zone", "Mars/Olympus")
    page.click("#org-save")
    # Every bad field at once, each under its own field.
    expect(page.locator("#error-name")).to_have_text("Enter the organisation's name.")
    expect(page.locator("#error-kind")).to_have_text("Choose one of the kinds.")
    expect(page.locator("#error-country")).to_contain_text("Choose a country")
    expect(page.locator("#error-currency")).to_have_text("Enter an ISO 4217 currency code, e.g. CNY or EUR.")
    expect(page.locator("#error-time_zone")).to_have_text("Enter an IANA time zone, e.g. Asia/Shanghai.")
    page.screenshot(path=screenshots / f"admin-organisation-errors-{viewport}.png", full_page=True)

    page.fill("#org-name", name)
    _choose(page, "#org-kind", "Supplier")
    _choose(page, "#org-country", "CN · China")
    page.fill("#org-currency", "cny")
    page.fill("#org-time-zone", "Asia/Shanghai")
    page.click("#org-save")
    expect(page.get_by_text(f"Organisation {name} created.")).to_be_visible()
    row = page.locator("#organisations-table tbody tr", has_text=name)
    expect(row).to_contain_text("CNY")
    expect(row).to_contain_text("Asia/Shanghai")

    row.locator(".edit-organisation").click()
    expect(page.locator("#org-name")).to_have_value(name)
    _choose(page, "#org-country", "DE · Germany")
    page.fill("#org-currency", "EUR")
    page.fill("#org-time-zone", "Europe/Berlin")
    page.click("#org-save")
    expect(page.get_by_text(f"Organisation {name} saved.")).to_be_visible()
    expect(row).to_contain_text("EUR")
    expect(row).to_contain_text("Europe/Berlin")
    expect(row).to_contain_text("DE")
    _fits(page, page.viewport_size["width"])
    page.screenshot(path=screenshots / f"admin-organisations-{viewport}.png", full_page=True)

    with Session(portal.engine) as session:
        organisation = session.exec(select(Organisation).where(Organisation.name == name)).one()
        assert (organisation.kind, organisation.country, organisation.currency, organisation.time_zone) == (
            "supplier",
            "DE",
            "EUR",
            "Europe/Berlin",
        )
        actions = session.exec(
            select(AuditLog.action)
            .where(AuditLog.entity == "organisation", AuditLog.entity_id == str(organisation.id))
            .order_by(AuditLog.id)
        ).all()
        assert actions == ["organisation.created", "organisation.updated"]
