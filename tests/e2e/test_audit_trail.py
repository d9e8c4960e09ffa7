"""The admin's audit trail in a real browser: entries with before and after, the filters, the
CSV export, and the phone layout."""

from __future__ import annotations

import csv
import io

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session

from models import AuditLog, Organisation
from tests.e2e.conftest import PHONE, RunningPortal
from tests.e2e.test_portal import sign_in_as

pytestmark = pytest.mark.e2e


def test_admin_filters_the_audit_trail_and_exports_it(page: Page, portal: RunningPortal, screenshots) -> None:
    with Session(portal.engine) as session:
        organisation = session.query(Organisation).order_by(Organisation.id).first()
        organisation_name = organisation.name
        session.add(
            AuditLog(
                action="e2e.price_changed",
                entity="trim",
                entity_id="TR-E2E",
                organisation_id=organisation.id,
                before={"price": "41000.00"},
                after={"price": "43500.00"},
            )
        )
        session.commit()
    sign_in_as(page, portal, "admin")
    expect(page.locator('[data-nav="/admin/audit"]')).to_be_visible()  # the admin's sidebar offers it
    page.goto(f"{portal.base_url}/admin/audit")
    expect(page.locator("#page-title")).to_have_text("Audit trail")
    expect(page.locator("#audit-table tbody tr").first).to_be_visible()

    page.click("#audit-action")
    page.get_by_role("option", name="e2e.price_changed").click()
    rows = page.locator("#audit-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("43500.00")
    expect(rows.first).to_contain_text("41000.00")
    expect(rows.first).to_contain_text(organisation_name)
    expect(rows.first).to_contain_text("System")
    page.screenshot(path=screenshots / "admin-audit.png", full_page=True)

    with page.expect_download() as download:
        page.click("#audit-export")
    lines = list(csv.reader(io.StringIO(download.value.path().read_text())))
    assert lines[0][:4] == ["at", "actor", "organisation", "action"]
    assert [line[3] for line in lines[1:]] == ["e2e.price_changed"]

    page.fill("#audit-since", "2030-01-02")
    page.fill("#audit-until", "2030-01-01")
    expect(page.locator("#audit-range-error")).to_have_text("The end date is before the start date.")
    page.click("#audit-clear")
    expect(page.locator("#audit-range-error")).to_have_count(0)
    expect(page.locator("#audit-table tbody tr").nth(1)).to_be_visible()

    page.set_viewport_size(PHONE)
    expect(page.locator("#audit-table")).to_be_visible()
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=screenshots / "admin-audit-phone.png", full_page=True)
