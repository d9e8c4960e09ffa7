"""Dynamic procurement pricing in a real browser, with the real Celery worker and beat beside the app:
a manager imports a month of index values (a bad file first: its rows are listed and nothing is
stored), the re-pricing runs from the outbox and the suggestions appear in the queue with their
explanations; one inside the single-approval band is approved in bulk, one above the four-eyes
threshold takes two different managers (the first one twice is refused); the supplier sees its new
price in its inbox, and only its own. Screenshots of every pricing page at desktop and phone width."""

from __future__ import annotations

import csv
import io
import re
import time
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import func
from sqlmodel import Session, select

from models import (
    AgreementTerm,
    IndexValue,
    MarketIndex,
    Organisation,
    Part,
    PriceAgreement,
    PriceSuggestion,
    User,
)
from models.accounts import OrganisationKind
from services.i18n import translate
from services.pricing.formula import add_months, window_average, window_months
from services.pricing.indices import monthly_levels
from tests.e2e.conftest import DESKTOP, PHONE, RunningPortal
from tests.e2e.test_chinese_walk import PAGE_TEXT, names_without_translation, untranslated
from tests.e2e.test_portal import _set_language, at, organisation_of, sign_in, sign_in_as

pytestmark = pytest.mark.e2e

SUPPLIER_EMAIL = "supplier@demo.test"
# The re-pricing leaves through the outbox (beat relays every few seconds) to the worker.
REPRICE_WAIT_SECONDS = 120


def _page(browser: Browser, viewport: dict = DESKTOP) -> Page:
    context = browser.new_context(
        viewport=viewport,
        locale="en-US",
        is_mobile=viewport["width"] < 500,
        has_touch=viewport["width"] < 500,
    )
    context.set_default_timeout(20_000)
    return context.new_page()


def _agreement(session: Session, *, supplier_id: int | None = None, index: str) -> PriceAgreement:
    """The demo agreement on one index only (`index`), of `supplier_id` when given, else of anyone else."""
    single = (
        select(AgreementTerm.agreement_id)
        .group_by(AgreementTerm.agreement_id)
        .having(func.count(AgreementTerm.id) == 1)
    )
    query = (
        select(PriceAgreement)
        .join(AgreementTerm, AgreementTerm.agreement_id == PriceAgreement.id)
        .join(MarketIndex, MarketIndex.id == AgreementTerm.index_id)
        .where(MarketIndex.code == index, PriceAgreement.id.in_(single))
        .order_by(PriceAgreement.id)
    )
    if supplier_id is not None:
        query = query.where(PriceAgreement.supplier_id == supplier_id)
    else:
        supplier = organisation_of(session, SUPPLIER_EMAIL)
        query = query.where(PriceAgreement.supplier_id != supplier.id)
    agreement = session.exec(query).first()
    assert agreement is not None, f"the demo seed has no single-index agreement on {index}"
    return agreement


def _last_month_value_for(session: Session, agreement: PriceAgreement, change: Decimal, today: date) -> str:
    """The value of last month that moves `agreement`'s formula price to current x (1 + change):
    solved from P = P0 x (a + w x avg_t / avg_0), avg_t being the mean of the term's window, whose
    newest month is last month (the demo terms: 3-month average, lag 1)."""
    term, index = session.exec(
        select(AgreementTerm, MarketIndex)
        .join(MarketIndex, MarketIndex.id == AgreementTerm.index_id)
        .where(AgreementTerm.agreement_id == agreement.id)
    ).one()
    levels = monthly_levels(session, [index.id])[index.id]
    months = window_months(today, term.window_months, term.lag_months)
    assert months[-1] == add_months(today, -1), "the demo terms lag one month"
    base = window_average(levels, window_months(agreement.base_date, term.window_months, term.lag_months))
    target = Decimal(agreement.current_price) * (1 + change)
    average = (
        (target / Decimal(agreement.base_price) - Decimal(agreement.fixed_share))
        * base
        / Decimal(term.weight)
    )
    value = average * len(months) - sum(levels[month] for month in months[:-1])
    assert value > 0
    return str(value.quantize(Decimal("0.01")))


def _csv(rows: list[tuple[str, str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(("index", "period", "value"))
    writer.writerows(rows)
    return buffer.getvalue().encode()


def _upload(page: Page, name: str, data: bytes) -> None:
    """Choose a file and wait until its upload has been answered (Reflex drops a second upload on the
    same field while the first is open)."""
    with page.expect_response(lambda response: "/_upload" in response.url) as upload:
        page.set_input_files(
            "#index-csv input[type=file]", files=[{"name": name, "mimeType": "text/csv", "buffer": data}]
        )
    upload.value.finished()


def _wait_for_suggestion(portal: RunningPortal, agreement_id: int, after_id: int) -> PriceSuggestion:
    """Poll (bounded) until the worker has re-priced the agreement (a suggestion newer than `after_id`)."""
    deadline = time.monotonic() + REPRICE_WAIT_SECONDS
    while True:
        with Session(portal.engine, expire_on_commit=False) as session:
            suggestion = session.exec(
                select(PriceSuggestion)
                .where(PriceSuggestion.agreement_id == agreement_id, PriceSuggestion.id > after_id)
                .order_by(PriceSuggestion.id.desc())
            ).first()
        if suggestion is not None:
            return suggestion
        if time.monotonic() > deadline:
            pytest.fail(f"agreement {agreement_id} was not re-priced within {REPRICE_WAIT_SECONDS}s")
        time.sleep(1)


def _row(page: Page, sku: str):
    return page.locator(f"#suggestions-table tr[data-sku='{sku}']")


def _open_explanation(page: Page, sku: str):
    _row(page, sku).locator(".open-suggestion").click()
    dialog = page.locator("#explanation-dialog")
    expect(dialog).to_be_visible()
    return dialog


def test_index_import_repricing_four_eyes_and_the_suppliers_new_price(
    browser: Browser, portal: RunningPortal, screenshots
) -> None:
    today = datetime.now(UTC).date()
    last_month = add_months(today, -1)
    with Session(portal.engine, expire_on_commit=False) as session:
        supplier = organisation_of(session, SUPPLIER_EMAIL)
        own = _agreement(session, supplier_id=supplier.id, index="HRC")  # the supplier's: +2 %, one manager
        other = _agreement(session, index="CU")  # another supplier's: +4 %, two managers
        own_sku, other_sku = session.get(Part, own.part_id).sku, session.get(Part, other.part_id).sku
        hrc = _last_month_value_for(session, own, Decimal("0.02"), today)
        copper = _last_month_value_for(session, other, Decimal("0.04"), today)
        stored_values = session.exec(select(func.count(IndexValue.id))).one()
        newest = session.exec(select(func.max(PriceSuggestion.id))).one() or 0
        oem = session.exec(select(Organisation).where(Organisation.kind == OrganisationKind.OEM)).first()
        second_manager = session.exec(
            select(User.email_normalized)
            .where(
                User.role == "manager",
                User.organisation_id == oem.id,
                User.email_normalized != "manager@demo.test",
                User.language == "en",
            )
            .order_by(User.id)
        ).first()
    assert second_manager, "the demo seed has a second manager"
    period = f"{last_month:%Y-%m}"

    manager = _page(browser)
    sign_in_as(manager, portal, "manager")
    manager.goto(f"{portal.base_url}/manager/prices/indices")
    expect(manager.locator("#indices-table tr[data-index='CU']")).to_be_visible()

    # A bad file: every bad row is listed with its number, and nothing is stored.
    _upload(manager, "bad.csv", _csv([("HRC", period, hrc), ("XX", period, "1"), ("CU", period, "-5")]))
    expect(manager.locator("#import-refused")).to_contain_text("Nothing was imported")
    expect(manager.locator("#import-errors tr[data-error-row]")).to_have_count(2)
    expect(manager.locator("#import-errors tr[data-error-row='3']")).to_contain_text("index")
    expect(manager.locator("#import-errors tr[data-error-row='4']")).to_contain_text("value")
    with Session(portal.engine) as session:
        assert session.exec(select(func.count(IndexValue.id))).one() == stored_values
    manager.screenshot(path=screenshots / "pricing-import-errors.png", full_page=True)

    # The month's values (last month's figures, revised): stored, and the re-pricing runs.
    _upload(manager, "month.csv", _csv([("HRC", period, hrc), ("CU", period, copper)]))
    expect(manager.locator("#import-result")).to_contain_text("2 replaced")
    expect(manager.locator("#indices-table tr[data-index='CU']")).to_contain_text(
        re.compile(re.escape(f"{Decimal(copper):,.2f}"))
    )
    manager.screenshot(path=screenshots / "pricing-import-done.png", full_page=True)
    own_suggestion = _wait_for_suggestion(portal, own.id, newest)
    other_suggestion = _wait_for_suggestion(portal, other.id, newest)
    assert own_suggestion.required_approvals == 1, own_suggestion.change_pct
    assert other_suggestion.required_approvals == 2, other_suggestion.change_pct

    # The queue: largest money at stake first, each row with its approvals; a row opens its explanation.
    manager.goto(f"{portal.base_url}/manager/prices")
    expect(_row(manager, own_sku)).to_contain_text("0 of 1 approvals")
    expect(_row(manager, other_sku)).to_contain_text("0 of 2 approvals")
    dialog = _open_explanation(manager, own_sku)
    terms = dialog.locator(".explanation-line[data-kind='term']")
    expect(terms).to_have_count(1)
    expect(terms.first).to_contain_text(re.compile(r"Steel hot-rolled coil [+−][\d.]+ % × weight 0\.45 = \+"))
    expect(dialog.locator(".explanation-line[data-kind='proposal']")).to_contain_text("+2.0 %")
    manager.screenshot(path=screenshots / "pricing-explanation.png", full_page=True)
    manager.keyboard.press("Escape")
    expect(dialog).to_be_hidden()

    # The four-eyes change cannot be ticked for the bulk approval; the single-approval one can.
    expect(_row(manager, other_sku).locator(".select-suggestion")).to_be_disabled()
    _row(manager, own_sku).locator(".select-suggestion").click()
    expect(manager.locator("#approve-selected")).to_have_text(re.compile(r"Approve selected \(1\)"))
    manager.click("#approve-selected")
    expect(manager.get_by_text("Approved 1 price suggestions.").first).to_be_visible()
    expect(_row(manager, own_sku)).to_have_count(0)  # no longer open

    # Four eyes: the first manager's approval counts once; the same manager again is refused.
    _open_explanation(manager, other_sku)
    manager.click("#approve-suggestion")
    expect(manager.get_by_text("your approval is recorded (1 of 2)").first).to_be_visible()
    expect(_row(manager, other_sku)).to_contain_text("1 of 2 approvals")
    _open_explanation(manager, other_sku)
    manager.click("#approve-suggestion")
    expect(manager.get_by_text(translate("pricing.already_approved", "en")).first).to_be_visible()
    manager.screenshot(path=screenshots / "pricing-queue-four-eyes.png", full_page=True)

    second = _page(browser)
    sign_in(second, portal, second_manager)
    second.wait_for_url(at("/manager"))
    second.goto(f"{portal.base_url}/manager/prices")
    expect(_row(second, other_sku)).to_contain_text("1 of 2 approvals")
    _open_explanation(second, other_sku)
    second.click("#approve-suggestion")
    expect(second.get_by_text("the new price is approved").first).to_be_visible()
    expect(_row(second, other_sku)).to_have_count(0)
    second.context.close()

    with Session(portal.engine) as session:
        own_now = session.get(PriceAgreement, own.id)
        other_now = session.get(PriceAgreement, other.id)
        assert own_now.current_price == own_suggestion.proposed_price
        assert other_now.current_price == other_suggestion.proposed_price
        new_price = own_now.current_price

    # The agreement's page: the price history chart with its index and corridor, the terms beside it.
    manager.goto(f"{portal.base_url}/manager/prices/agreements/{own.id}")
    expect(manager.locator("#page-title")).to_contain_text(own_sku)
    expect(manager.locator("#price-history-chart .js-plotly-plot")).to_be_visible()
    expect(manager.locator("#agreement-current")).to_contain_text(f"{new_price:,.2f}")
    expect(manager.locator("#agreement-terms")).to_contain_text("Steel hot-rolled coil")
    expect(manager.locator("#agreement-decisions")).to_contain_text("approved")
    manager.screenshot(path=screenshots / "pricing-agreement.png", full_page=True)
    manager.context.close()

    # The supplier sees the new price of its own agreement, and nothing of another supplier's.
    supplier_page = _page(browser)
    sign_in_as(supplier_page, portal, "supplier")
    supplier_page.goto(f"{portal.base_url}/supplier/price-changes")
    row = supplier_page.locator(f"#price-changes-table tr[data-sku='{own_sku}']").first
    expect(row).to_contain_text("in force")
    expect(row.locator(".price-now")).to_contain_text(f"{new_price:,.2f}")
    expect(supplier_page.locator(f"#price-changes-table tr[data-sku='{other_sku}']")).to_have_count(0)
    supplier_page.screenshot(path=screenshots / "pricing-supplier-inbox.png", full_page=True)
    supplier_page.context.close()


def test_pricing_pages_fit_a_phone_and_read_in_chinese(
    browser: Browser, portal: RunningPortal, screenshots
) -> None:
    with Session(portal.engine) as session:
        agreement_id = session.exec(select(func.min(PriceAgreement.id))).one()
    allowed = names_without_translation(portal)
    for role, paths in (
        (
            "manager",
            [
                "/manager/prices",
                "/manager/prices/indices",
                "/manager/prices/savings",
                f"/manager/prices/agreements/{agreement_id}",
            ],
        ),
        ("supplier", ["/supplier/price-changes"]),
    ):
        email = f"{role}@demo.test"
        phone = _page(browser, PHONE)
        sign_in_as(phone, portal, role)
        for path in paths:
            phone.goto(f"{portal.base_url}{path}")
            expect(phone.locator("#page-title")).to_be_visible()
            expect(phone.locator(".rt-Skeleton")).to_have_count(0)
            scroll = phone.evaluate(
                "document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth"
            )
            assert scroll <= 0, f"{path} scrolls sideways on a phone"
            phone.screenshot(path=screenshots / f"pricing-390{path.replace('/', '-')}.png", full_page=True)
        phone.context.close()
        _set_language(portal, email, "zh")
        try:
            wide = _page(browser, DESKTOP)
            sign_in_as(wide, portal, role)
            for path in paths:
                wide.goto(f"{portal.base_url}{path}")
                expect(wide.locator("#page-title")).to_be_visible()
                expect(wide.locator(".rt-Skeleton")).to_have_count(0)
                words = untranslated(wide.evaluate(PAGE_TEXT), allowed)
                assert words == [], f"{path}: Latin words on the Chinese page: {sorted(set(words))}"
                wide.screenshot(path=screenshots / f"pricing-zh{path.replace('/', '-')}.png", full_page=True)
            wide.context.close()
        finally:
            _set_language(portal, email, "en")
