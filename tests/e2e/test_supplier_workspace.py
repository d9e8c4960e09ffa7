"""The supplier workspace in a real browser, with the real Celery worker and beat beside the app:
an order issued by the manager is acknowledged and partly shipped with a lot by the supplier,
received with a reject by the manager; the supplier answers the incident that opened; the
scorecard changes once the recompute task has run. Also: the CSV inventory sync, scoping by
URL, the ranking with its drill-down and the supplier block, and the scorecard settings' rule."""

from __future__ import annotations

import csv
import io
import re
import time
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import func
from sqlmodel import Session, select

from models import (
    Organisation,
    Part,
    PurchaseOrder,
    PurchaseOrderLine,
    QualityIncident,
    StockLevel,
    SupplierScorecard,
    User,
)
from models.inventory import Location
from models.supply import PeriodKind
from services.identity.auth import principal_for
from services.platform.fields import today_in
from services.platform.formatting import format_number
from services.supply import purchasing
from tests.e2e.conftest import DESKTOP, PHONE, RunningPortal
from tests.e2e.test_portal import organisation_of, sign_in, sign_in_as

pytestmark = pytest.mark.e2e

SUPPLIER_EMAIL = "supplier@demo.test"
# The recompute runs through the outbox relay (beat, every 2 s) and the worker: well under this.
SCORECARD_WAIT_SECONDS = 120


def _page(browser: Browser, viewport: dict = DESKTOP) -> Page:
    context = browser.new_context(viewport=viewport, locale="en-US")
    context.set_default_timeout(20_000)
    return context.new_page()


def _rolling_card(session: Session, supplier_id: int) -> SupplierScorecard | None:
    return session.exec(
        select(SupplierScorecard)
        .where(
            SupplierScorecard.supplier_id == supplier_id,
            SupplierScorecard.period_kind == PeriodKind.ROLLING_12,
        )
        .order_by(SupplierScorecard.period.desc())
    ).first()


def _wait_for_recompute(
    portal: RunningPortal, supplier_id: int, rejected: int, received: int
) -> SupplierScorecard:
    """Poll (bounded) until the worker has recomputed the supplier's rolling card with the receipt."""
    deadline = time.monotonic() + SCORECARD_WAIT_SECONDS
    while True:
        with Session(portal.engine, expire_on_commit=False) as session:
            card = _rolling_card(session, supplier_id)
        if card is not None and card.quantity_rejected == rejected and card.quantity_received == received:
            return card
        if time.monotonic() > deadline:
            pytest.fail(
                f"the scorecard was not recomputed within {SCORECARD_WAIT_SECONDS}s: "
                f"{card.quantity_rejected if card else None} rejected, expected {rejected}"
            )
        time.sleep(1)


def test_an_order_from_issue_to_receipt_incident_and_a_changed_scorecard(
    browser: Browser, portal: RunningPortal, screenshots
) -> None:
    with Session(portal.engine, expire_on_commit=False) as session:
        supplier = organisation_of(session, SUPPLIER_EMAIL)
        before = _rolling_card(session, supplier.id)
        supplier_zone = (
            session.exec(select(User).where(User.email_normalized == SUPPLIER_EMAIL)).one().time_zone
        )
    assert before is not None, "the demo seed computes every supplier's scorecard"
    lot = f"E2E-{int(time.time())}"
    manager, seller = _page(browser), _page(browser)
    try:
        # The manager issues an order; bad quantities are refused beside the field.
        sign_in_as(manager, portal, "manager")
        manager.goto(f"{portal.base_url}/manager/purchase-orders/new?supplier={supplier.id}")
        expect(manager.locator("#supplier-standing")).to_be_visible()
        manager.click("#line-part-1")
        manager.get_by_role("option").first.click()
        expect(manager.locator("#line-price-1")).not_to_have_value("")
        manager.fill("#line-quantity-1", "-5")
        manager.click("#issue-submit")
        expect(manager.locator("#error-line-quantity-1")).to_have_text("The quantity cannot be negative.")
        manager.fill("#line-quantity-1", "2.5")
        manager.click("#issue-submit")
        expect(manager.locator("#error-line-quantity-1")).to_have_text("The quantity must be a whole number.")
        manager.fill("#line-quantity-1", "40")
        manager.click("#issue-submit")
        manager.wait_for_url(re.compile(r"/manager/purchase-orders/\d+$"))
        order_id = int(manager.url.rstrip("/").rsplit("/", 1)[-1])
        number = f"PO-{order_id:06d}"
        expect(manager.locator("#page-title")).to_have_text(number)
        expect(manager.locator("#order-status")).to_have_text("Issued")

        # The supplier finds it in its inbox and acknowledges the line; a past date is refused.
        sign_in_as(seller, portal, "supplier")
        seller.goto(f"{portal.base_url}/supplier/purchase-orders")
        expect(seller.locator(f'[data-order="{number}"]')).to_contain_text("Issued")
        seller.locator(f'[data-order="{number}"]').get_by_role("link", name=number).click()
        seller.wait_for_url(re.compile(rf"/supplier/purchase-orders/{order_id}$"))
        today = today_in(supplier_zone)
        seller.fill("#ack-date-1", (today - timedelta(days=1)).isoformat())
        seller.click("#ack-1")
        expect(seller.locator("#error-ack-1")).to_contain_text("cannot be in the past")
        seller.fill("#ack-date-1", (today + timedelta(days=10)).isoformat())
        seller.click("#ack-1")
        expect(seller.locator("#order-status")).to_have_text("Acknowledged")

        # It ships 30 of the 40 in one lot; shipping more than is open is refused beside the field.
        seller.click("#ship-open")
        seller.fill("#ship-carrier", "DHL")
        # A tracking number longer than its field is counted and kept whole, never cut to 80.
        too_long = "JD" + "0" * 90
        seller.fill("#ship-tracking", too_long)
        expect(seller.locator("#ship-tracking-count")).to_have_text("92 / 80")
        expect(seller.locator("#ship-tracking-too-long")).to_have_text("At most 80 characters.")
        assert seller.input_value("#ship-tracking") == too_long
        seller.fill("#ship-tracking", "JD0001-E2E")
        expect(seller.locator("#ship-tracking-count")).to_have_text("10 / 80")
        seller.fill("#ship-qty-1", "50")
        seller.fill("#ship-lot-1", lot)
        seller.click("#ship-submit")
        expect(seller.locator("#error-ship-qty-1")).to_have_text("Line 1: only 40 are still open to ship.")
        seller.fill("#ship-qty-1", "30")
        seller.click("#ship-submit")
        expect(seller.locator("#order-status")).to_have_text("Partly shipped")
        expect(seller.locator(f'[data-shipped-lot="{lot}"]')).to_contain_text("30")
        expect(seller.locator("#timeline")).to_contain_text("Shipping notice sent")

        # The manager receives the lot: 27 accepted, 3 rejected (a reason is required for rejects).
        manager.goto(f"{portal.base_url}/manager/purchase-orders/{order_id}")
        expect(manager.locator("#order-status")).to_have_text("Partly shipped")
        manager.locator("[data-receive]").first.click()
        receiving = manager.locator(f'[data-receive-lot="{lot}"]')
        receiving.locator('input[name^="acc_"]').fill("27")
        receiving.locator('input[name^="rej_"]').fill("3")
        manager.click("#receive-submit")
        expect(receiving).to_contain_text("This field is required.")
        receiving.locator('input[name^="why_"]').fill("scratched housing")
        manager.click("#receive-submit")
        received = manager.locator(f'[data-received-lot="{lot}"]')
        expect(received).to_contain_text("27")
        expect(received).to_contain_text("scratched housing")
        expect(manager.locator("#order-status")).to_have_text("Partly received")
        incident_number = received.get_by_role("link").inner_text()
        assert re.fullmatch(r"QI-\d{6}", incident_number), incident_number
        # Both sides read the same timeline.
        expect(manager.locator("#timeline")).to_contain_text("Goods received")
        seller.reload()
        expect(seller.locator("#timeline")).to_contain_text("Goods received")

        # The supplier sees the incident waiting for it and answers it.
        seller.goto(f"{portal.base_url}/supplier/incidents")
        incident_row = seller.locator(f'[data-incident="{incident_number}"]')
        expect(incident_row).to_contain_text(lot)
        expect(incident_row).to_contain_text("Waiting")
        incident_row.get_by_role("link", name=incident_number).click()
        expect(seller.locator("#incident-status")).to_have_text("Open")
        expect(seller.locator("#incident-description")).to_have_text("scratched housing")
        seller.click("#incident-acknowledge")
        expect(seller.locator("#incident-status")).to_have_text("Acknowledged")
        expect(seller.locator("#incident-response")).to_have_text(re.compile(r"\d+ h \d+ min"))
        seller.fill("#evidence", "photos of the reworked lot")
        seller.click("#incident-resolve")
        expect(seller.locator("#error-containment")).to_have_text("Give the containment action first.")
        seller.fill("#containment", "lot quarantined, 100 % inspection")
        seller.fill("#root-cause", "worn fixture in packing")
        seller.click("#incident-save-analysis")
        expect(seller.locator("#incident-root-cause")).to_have_text("worn fixture in packing")
        seller.fill("#evidence", "photos of the reworked lot")
        seller.click("#incident-resolve")
        expect(seller.locator("#incident-status")).to_have_text("Resolved, awaiting acceptance")

        # The manager accepts the resolution.
        with Session(portal.engine) as session:
            incident_id = session.exec(
                select(QualityIncident.id).where(QualityIncident.lot_number == lot)
            ).one()
        manager.goto(f"{portal.base_url}/manager/incidents/{incident_id}")
        expect(manager.locator("#incident-evidence")).to_have_text("photos of the reworked lot")
        manager.click("#incident-accept")
        expect(manager.locator("#incident-status")).to_have_text("Closed")

        # The task recomputes the scorecard; the supplier's card shows the new quality figures
        # and the very receipt that moved them.
        after = _wait_for_recompute(
            portal, supplier.id, before.quantity_rejected + 3, before.quantity_received + 30
        )
        assert after.computed_at > before.computed_at
        seller.goto(f"{portal.base_url}/supplier/scorecard")
        quality = seller.locator('[data-criterion="quality"]')
        expect(quality).to_contain_text(
            f"{format_number(after.quantity_rejected, 'en')} rejected of "
            f"{format_number(after.quantity_received, 'en')} received"
        )
        expect(quality).to_contain_text(format_number(after.score_quality, "en"))
        expect(seller.locator("#card-score-value")).to_have_text(format_number(after.score, "en"))
        quality.click()
        expect(seller.locator("#explanation")).to_contain_text(lot)
        expect(seller.locator("#explanation")).to_contain_text(incident_number)
        seller.screenshot(path=screenshots / "supplier-scorecard.png", full_page=True)

        seller.goto(f"{portal.base_url}/supplier")
        expect(seller.locator("#dashboard-score-value")).to_have_text(format_number(after.score, "en"))
        expect(seller.locator("#trend .js-plotly-plot")).to_be_visible()
        seller.screenshot(path=screenshots / "supplier-dashboard.png", full_page=True)
    finally:
        manager.context.close()
        seller.context.close()


def test_supplier_dashboard_counts_its_own_work_on_a_phone(
    browser: Browser, portal: RunningPortal, screenshots
) -> None:
    from services.identity.auth import principal_for
    from services.supply.scorecards import supplier_dashboard

    with Session(portal.engine) as session:
        user = session.exec(select(User).where(User.email_normalized == SUPPLIER_EMAIL)).one()
        board = supplier_dashboard(
            session, principal_for(user, session.get(Organisation, user.organisation_id))
        )
    phone = _page(browser, PHONE)
    try:
        sign_in_as(phone, portal, "supplier")
        for key in ("open_orders", "awaiting_answer", "due_this_week", "late", "incidents_awaiting"):
            expect(phone.locator(f"#work-{key}")).to_have_text(format_number(board[key], "en"))
        expect(phone.locator("#dashboard-score-standing")).to_be_visible()
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"the dashboard is {width}px wide on a phone"
        phone.screenshot(path=screenshots / "supplier-dashboard-phone.png", full_page=True)
    finally:
        phone.context.close()


def _csv(rows: list[tuple[str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(("sku", "available"))
    writer.writerows(rows)
    return buffer.getvalue().encode()


def _upload(page: Page, name: str, data: bytes) -> None:
    """Choose a file and wait until its upload has finished: the page shows an upload's result as it
    streams in, and Reflex drops a second upload on the same field while the first is still open,
    so a person (or a test) choosing the next file too early would have it ignored."""
    with page.expect_response(lambda response: "/_upload" in response.url) as upload:
        page.set_input_files(
            "#stock-csv input[type=file]", files=[{"name": name, "mimeType": "text/csv", "buffer": data}]
        )
    upload.value.finished()


def test_supplier_syncs_stock_by_csv_with_row_errors_and_a_confirmation(
    page: Page, portal: RunningPortal, screenshots
) -> None:
    with Session(portal.engine) as session:
        supplier = organisation_of(session, SUPPLIER_EMAIL)
        plant = session.exec(
            select(Location)
            .where(Location.organisation_id == supplier.id, Location.kind == "plant")
            .order_by(Location.id)
        ).first()
        parts = session.exec(select(Part).where(Part.supplier_id == supplier.id).order_by(Part.sku)).all()
        other = session.exec(select(Part).where(Part.supplier_id != supplier.id)).first()
        stock = session.exec(
            select(StockLevel).where(StockLevel.location_id == plant.id, StockLevel.part_id == parts[0].id)
        ).first()
        current = stock.on_hand if stock else 0
        target, sku, other_sku = current + 7, parts[0].sku, other.sku
        part_count = len(parts)

    sign_in_as(page, portal, "supplier")
    page.goto(f"{portal.base_url}/supplier/inventory")
    expect(page.locator("#last-sync")).to_be_visible()
    with page.expect_download() as download:
        page.click("#download-template")
    template = list(csv.reader(io.StringIO(download.value.path().read_text())))
    assert template[0] == ["sku", "name", "available"] and len(template) == part_count + 1

    # A file that is not CSV UTF-8 is refused with a plain message; nothing changes.
    _upload(page, "stock.csv", "sku,available\nBRD-001,\xe9\n".encode("latin-1"))
    expect(page.locator("#file-error")).to_contain_text("not UTF-8")
    _upload(page, "stock.csv", b"part,qty\nA,1\n")
    expect(page.locator("#file-error")).to_contain_text("Missing columns: sku, available")

    _upload(
        page,
        "stock.csv",
        _csv(
            [
                (sku, str(target)),
                (parts[1].sku, "-4"),
                ("NO-SUCH-SKU", "5"),
                (other_sku, "3"),
                (parts[2].sku, "2.5"),
            ]
        ),
    )
    expect(page.locator("#preview-summary")).to_contain_text(
        "5 rows — 1 can be applied (1 change the stock), 4 have errors"
    )
    errors = page.locator("#csv-errors")
    expect(errors.locator('[data-error-row="3"]')).to_contain_text("cannot be negative")
    expect(errors.locator('[data-error-row="4"]')).to_contain_text("Unknown SKU NO-SUCH-SKU")
    expect(errors.locator('[data-error-row="5"]')).to_contain_text(f"{other_sku} is not one of your parts")
    expect(errors.locator('[data-error-row="6"]')).to_contain_text("must be a whole number")
    expect(page.locator('#csv-valid [data-valid-row="2"]')).to_contain_text(format_number(target, "en"))
    page.screenshot(path=screenshots / "supplier-inventory-preview.png", full_page=True)
    with Session(portal.engine) as session:  # the preview changed nothing
        row = session.exec(
            select(StockLevel).where(StockLevel.location_id == plant.id, StockLevel.part_id == parts[0].id)
        ).first()
        assert (row.on_hand if row else 0) == current

    page.click("#apply-csv")
    # Applying waits for the upload's handler to let go of the page's state: on a loaded machine that
    # can take longer than Playwright's default 5 s.
    expect(page.get_by_text("Stock updated: 1 rows applied, 1 changed, 4 skipped.")).to_be_visible(
        timeout=15_000
    )
    expect(page.locator("#preview")).to_have_count(0)
    with Session(portal.engine) as session:
        row = session.exec(
            select(StockLevel).where(StockLevel.location_id == plant.id, StockLevel.part_id == parts[0].id)
        ).one()
        assert row.on_hand == target
    expect(page.locator("#last-sync")).to_contain_text("CSV upload")


def test_another_supplier_cannot_open_the_first_suppliers_order_or_incident(
    page: Page, portal: RunningPortal
) -> None:
    with Session(portal.engine) as session:
        first = organisation_of(session, SUPPLIER_EMAIL)
        order_id = session.exec(select(PurchaseOrder.id).where(PurchaseOrder.supplier_id == first.id)).first()
        incident_id = session.exec(
            select(QualityIncident.id).where(QualityIncident.supplier_id == first.id)
        ).first()
        other = session.exec(
            select(User).where(User.role == "supplier", User.organisation_id != first.id).order_by(User.id)
        ).first()
        other_email = other.email
    sign_in(page, portal, other_email)
    page.wait_for_url(re.compile(r"/supplier$"))
    page.goto(f"{portal.base_url}/supplier/purchase-orders/{order_id}")
    expect(page.locator("#not-found")).to_have_text("Purchase order not found.")
    expect(page.locator("#lines-table")).to_have_count(0)
    page.goto(f"{portal.base_url}/supplier/incidents/{incident_id}")
    expect(page.locator("#not-found")).to_have_text("Quality incident not found.")
    page.goto(f"{portal.base_url}/supplier/purchase-orders")
    expect(page.locator(f'[data-order="PO-{order_id:06d}"]')).to_have_count(0)


def test_manager_ranks_filters_drills_in_and_blocks_a_supplier(
    page: Page, portal: RunningPortal, screenshots
) -> None:
    sign_in_as(page, portal, "manager")
    page.goto(f"{portal.base_url}/manager/suppliers")
    table = page.locator("#ranking-table")
    expect(table.locator("[data-supplier]").first).to_be_visible()
    expect(page.locator("#scatter .js-plotly-plot")).to_be_visible()
    page.screenshot(path=screenshots / "manager-ranking.png", full_page=True)
    # A dot of the scatter opens that supplier's card.
    with Session(portal.engine) as session:
        everyone = set(session.exec(select(Organisation.name).where(Organisation.kind == "supplier")).all())
    dot = page.locator("#scatter .scatterlayer .point").first.bounding_box()
    x, y = dot["x"] + dot["width"] / 2, dot["y"] + dot["height"] / 2
    page.mouse.move(x - 4, y)
    page.mouse.move(x, y)
    page.mouse.click(x, y)
    page.wait_for_url(re.compile(r"/manager/suppliers/\d+$"))
    expect(page.locator("#card-score-standing")).to_be_visible()
    assert page.locator("#page-title").inner_text() in everyone
    page.goto(f"{portal.base_url}/manager/suppliers")
    expect(table.locator("[data-supplier]").first).to_be_visible()
    with Session(portal.engine) as session:
        period = session.exec(
            select(func.max(SupplierScorecard.period)).where(
                SupplierScorecard.period_kind == PeriodKind.ROLLING_12
            )
        ).one()
        poor = session.exec(
            select(SupplierScorecard.supplier_id, Organisation.name)
            .join(Organisation, Organisation.id == SupplierScorecard.supplier_id)
            .where(
                SupplierScorecard.period_kind == PeriodKind.ROLLING_12,
                SupplierScorecard.period == period,
                SupplierScorecard.standing == "poor",
            )
            .order_by(SupplierScorecard.score)
        ).all()
    names = {name for _id, name in poor}
    page.click("#standing-filter")
    page.get_by_role("option", name="Poor", exact=True).click()
    rows = table.locator("[data-supplier]")
    expect(rows.first).to_contain_text("Poor")
    shown = set(rows.evaluate_all("rows => rows.map(row => row.dataset.supplier)"))
    assert shown and shown <= names, shown - names

    # Drill into the poorest supplier's card; an order to it warns.
    supplier_id, name = poor[0]
    rows.filter(has_text=name).get_by_role("link", name=name).click()
    page.wait_for_url(re.compile(rf"/manager/suppliers/{supplier_id}$"))
    expect(page.locator("#page-title")).to_have_text(name)
    expect(page.locator("#card-score-standing")).to_have_text("Poor")
    page.locator('[data-criterion="on_time"]').click()
    expect(page.locator("#explain-table")).to_be_visible()
    page.goto(f"{portal.base_url}/manager/purchase-orders/new?supplier={supplier_id}")
    expect(page.locator("#poor-message")).to_contain_text("Poor standing")

    # Blocked: a reason is required; then new orders to it are refused with a message.
    with Session(portal.engine) as session:
        orders_before = session.exec(
            select(func.count()).select_from(PurchaseOrder).where(PurchaseOrder.supplier_id == supplier_id)
        ).one()
    page.goto(f"{portal.base_url}/manager/suppliers/{supplier_id}")
    page.click("#block-toggle")
    page.click("#block-submit")
    expect(page.locator("#error-block-reason")).to_have_text("This field is required.")
    page.fill("#block-reason", "repeated late deliveries")
    page.click("#block-submit")
    expect(page.locator("#blocked-callout")).to_contain_text("repeated late deliveries")
    try:
        page.goto(f"{portal.base_url}/manager/purchase-orders/new?supplier={supplier_id}")
        expect(page.locator("#blocked-message")).to_contain_text("is blocked")
        page.click("#line-part-1")
        page.get_by_role("option").first.click()
        page.fill("#line-quantity-1", "10")
        # "Issue" cannot act for a blocked supplier: it is disabled and says why beside it.
        expect(page.locator("#issue-submit")).to_be_disabled()
        expect(page.locator("#issue-blocked")).to_contain_text("is blocked: lift the block")
        with Session(portal.engine) as session:
            assert (
                session.exec(
                    select(func.count())
                    .select_from(PurchaseOrder)
                    .where(PurchaseOrder.supplier_id == supplier_id)
                ).one()
                == orders_before
            )
    finally:
        page.goto(f"{portal.base_url}/manager/suppliers/{supplier_id}")
        page.click("#block-toggle")
        page.click("#block-submit")
        expect(page.locator("#blocked-callout")).to_have_count(0)


def test_scorecard_weights_must_add_up_to_100(page: Page, portal: RunningPortal) -> None:
    sign_in_as(page, portal, "manager")
    page.goto(f"{portal.base_url}/manager/scorecard-settings")
    expect(page.get_by_text("The default settings are in force.")).to_be_visible()
    expect(page.locator("#weight-total")).to_have_text("Total 100 of 100")
    page.fill("#weight-on_time", "31")
    expect(page.locator("#weight-total")).to_have_text("Total 101 of 100")
    page.click("#settings-save")
    expect(page.locator("#error-weights")).to_have_text(
        "The weights must add up to 100 (they add up to 101)."
    )


def test_supplier_acknowledges_all_lines_with_one_date_keeping_a_lines_own(
    page: Page, portal: RunningPortal, screenshots
) -> None:
    with Session(portal.engine) as session:
        supplier = organisation_of(session, SUPPLIER_EMAIL)
        user = session.exec(select(User).where(User.email_normalized == "manager@demo.test")).one()
        manager = principal_for(user, session.get(Organisation, user.organisation_id))
        parts = session.exec(
            select(Part).where(Part.supplier_id == supplier.id).order_by(Part.id).limit(3)
        ).all()
        warehouse = session.exec(
            select(Location).where(
                Location.organisation_id == user.organisation_id, Location.kind == "warehouse"
            )
        ).first()
        supplier_zone = (
            session.exec(select(User).where(User.email_normalized == SUPPLIER_EMAIL)).one().time_zone
        )
        today = today_in(supplier_zone)
        order = purchasing.issue_purchase_order(
            session,
            manager,
            supplier_id=supplier.id,
            ship_to_location_id=warehouse.id,
            lines=[
                {
                    "part_id": part.id,
                    "unit_price": str(part.list_price),
                    "quantity": 5 * (n + 1),
                    "requested_date": (today + timedelta(days=14)).isoformat(),
                }
                for n, part in enumerate(parts)
            ],
        )
    own, one = today + timedelta(days=21), today + timedelta(days=12)
    sign_in_as(page, portal, "supplier")
    page.goto(f"{portal.base_url}/supplier/purchase-orders/{order['id']}")
    expect(page.locator("#ack-all")).to_have_text("Acknowledge all 3 lines")
    # Line 1 gets a past date of its own, line 2 a good one; the one date for the rest is past too:
    # both refusals show at once, each beside the date that caused it.
    page.fill("#ack-date-1", (today - timedelta(days=2)).isoformat())
    page.fill("#ack-date-2", own.isoformat())
    page.fill("#ack-all-date", (today - timedelta(days=1)).isoformat())
    page.click("#ack-all")
    expect(page.locator("#error-ack-1")).to_contain_text("cannot be in the past")
    expect(page.locator("#error-ack-all")).to_contain_text("cannot be in the past")
    expect(page.locator("#error-ack-2")).to_have_count(0)
    expect(page.locator("#error-ack-3")).to_have_count(0)
    page.screenshot(path=screenshots / "supplier-acknowledge-all-errors.png", full_page=True)

    page.fill("#ack-date-1", one.isoformat())
    page.fill("#ack-all-date", one.isoformat())
    page.click("#ack-all")
    expect(page.get_by_text("3 lines acknowledged.")).to_be_visible()
    expect(page.locator("#order-status")).to_have_text("Acknowledged")
    with Session(portal.engine) as session:
        promised = session.exec(
            select(PurchaseOrderLine.line_no, PurchaseOrderLine.promised_date)
            .where(PurchaseOrderLine.purchase_order_id == order["id"])
            .order_by(PurchaseOrderLine.line_no)
        ).all()
    assert [tuple(row) for row in promised] == [(1, one), (2, own), (3, one)]
