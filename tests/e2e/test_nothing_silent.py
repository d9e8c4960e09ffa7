"""Nothing silent, in a real browser: a form names every bad field at once, a text longer than
its field is counted and refused (never cut), and a weight's refusal speaks of a weight."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from services.i18n import translate
from services.supply import quality
from tests.e2e.conftest import RunningPortal
from tests.e2e.test_portal import sign_in_as

pytestmark = pytest.mark.e2e


def test_the_complaint_form_names_every_bad_field_and_counts_a_long_description(
    page: Page, portal: RunningPortal, screenshots
) -> None:
    limit = quality.MAX_DESCRIPTION_LENGTH
    sign_in_as(page, portal, "manager")
    page.goto(f"{portal.base_url}/manager/incidents")
    page.click("#report-complaint")
    expect(page.locator("#complaint-description-count")).to_have_text(f"0 / {limit}")
    page.fill("#complaint-sku", "NO-SUCH-PART")
    page.fill("#complaint-lot", "LOT-1")
    page.fill("#complaint-quantity", "-3")
    too_long = "Brake noise reported by dealers. " * 100  # 3,300 characters
    page.fill("#complaint-description", too_long)

    # Counted as typed and kept whole: the field says how far over it is, nothing is cut.
    expect(page.locator("#complaint-description-count")).to_have_text(f"{len(too_long)} / {limit}")
    expect(page.locator("#complaint-description-too-long")).to_have_text(f"At most {limit} characters.")
    assert len(page.input_value("#complaint-description")) == len(too_long)

    page.click("#complaint-submit")
    # The unknown part does not hide the negative quantity: both are named, each by its field.
    expect(page.locator("#error-complaint-sku")).to_have_text(translate("incident.part_unknown", "en"))
    expect(page.locator("#error-complaint-quantity")).to_have_text(translate("quantity.negative", "en"))
    expect(page.locator("#complaint-description-too-long")).to_be_visible()
    page.screenshot(path=screenshots / "complaint-every-error.png")

    page.fill("#complaint-description", too_long[:limit])
    expect(page.locator("#complaint-description-count")).to_have_text(f"{limit} / {limit}")
    expect(page.locator("#complaint-description-too-long")).to_have_count(0)


def test_scorecard_weights_name_every_bad_weight_as_a_weight(
    page: Page, portal: RunningPortal, screenshots
) -> None:
    sign_in_as(page, portal, "manager")
    page.goto(f"{portal.base_url}/manager/scorecard-settings")
    expect(page.locator("#weight-on_time")).not_to_have_value("")
    page.fill("#weight-on_time", "abc")
    page.fill("#weight-fill_rate", "-5")
    page.fill("#weight-quality", "12345")
    expect(page.locator("#weight-quality")).to_have_value("12345")  # not cut to four digits
    page.click("#settings-save")
    expect(page.locator("#error-weight-on_time")).to_have_text(
        translate("scorecard.weight_not_a_number", "en", value="abc")
    )
    expect(page.locator("#error-weight-fill_rate")).to_have_text(translate("scorecard.weight_range", "en"))
    expect(page.locator("#error-weight-quality")).to_have_text(translate("scorecard.weight_range", "en"))
    for field in ("on_time", "fill_rate", "quality"):
        expect(page.locator(f"#error-weight-{field}")).not_to_contain_text("quantity")
    page.screenshot(path=screenshots / "scorecard-weights-every-error.png", full_page=True)
