"""The admin's dead-letter page in a real browser: the kept payloads of one carrier, a row opening
the whole payload as indented JSON, Replay storing a letter that can now be read (it leaves the
unresolved list) and saying why one still fails, and the phone layout.

The letters are the test's own, of a carrier no other test uses, on a shipment of its own."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from models import DeadLetter, EventSource, Location, LocationKind, Organisation, ShipmentEvent, User
from services.identity.auth import normalize_email, principal_for
from tests.e2e.conftest import PHONE, RunningPortal
from tests.e2e.test_portal import sign_in_as
from tests.logistics_world import dhl_event, make_shipment

pytestmark = pytest.mark.e2e

CARRIER = "e2e-freight"


def _letters(portal: RunningPortal) -> tuple[int, int, int]:
    """(shipment id, a letter that reads now, a letter that never will)."""
    with Session(portal.engine) as session:
        dealer = session.exec(
            select(User).where(User.email_normalized == normalize_email("dealer@demo.test"))
        ).one()
        store = session.exec(
            select(Location)
            .where(Location.organisation_id == dealer.organisation_id, Location.kind == LocationKind.STORE)
            .order_by(Location.id)
        ).first()
        warehouse = session.exec(
            select(Location).where(Location.kind == LocationKind.WAREHOUSE).order_by(Location.id)
        ).first()
        made = make_shipment(
            session,
            buyer=principal_for(dealer, session.get(Organisation, dealer.organisation_id)),
            source=warehouse,
            destination=store,
            carrier=CARRIER,
        )
        # It came before the shipment existed: then "unknown tracking number", now readable.
        early = {"id": made.leg_numbers[0], "events": [dhl_event("2026-03-01T08:00:00+08:00")]}
        readable = DeadLetter(
            carrier=CARRIER,
            source=EventSource.WEBHOOK,
            payload=json.dumps(early),
            error="unknown tracking number",
            field="id",
        )
        broken = DeadLetter(
            carrier=CARRIER, source=EventSource.CARRIER_POLL, payload='{"shipments": [', error="not JSON"
        )
        session.add_all([readable, broken])
        session.commit()
        return made.id, readable.id, broken.id


def test_admin_reads_a_dead_letter_whole_and_replays_it(page: Page, portal: RunningPortal, screenshots):
    shipment_id, readable, broken = _letters(portal)
    sign_in_as(page, portal, "admin")
    expect(page.locator('[data-nav="/admin/dead-letters"]')).to_be_visible()  # beside the audit trail
    page.goto(f"{portal.base_url}/admin/dead-letters")
    expect(page.locator("#page-title")).to_have_text("Dead letters")
    page.click("#dead-letters-carrier")
    page.get_by_role("option", name=CARRIER).click()
    rows = page.locator("#dead-letters-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("not JSON")  # newest first
    expect(rows.first).to_contain_text("poll")
    expect(rows.nth(1)).to_contain_text("unknown tracking number")
    expect(rows.nth(1)).to_contain_text("webhook")
    expect(rows.nth(1)).to_contain_text('"statusCode": "transit"')  # the preview
    page.screenshot(path=screenshots / "admin-dead-letters.png", full_page=True)

    page.locator(f'[data-dead-letter="{readable}"]').click()
    payload = page.locator("#dead-letter-payload")
    expect(payload).to_contain_text('  "events": [\n    {\n      "timestamp": "2026-03-01T08:00:00+08:00"')
    expect(page.get_by_role("dialog")).to_contain_text("unknown tracking number (id)")
    page.click("#dead-letter-replay")
    expect(page.get_by_text(f"Dead letter {readable} replayed: 1 event stored")).to_be_visible()
    expect(page.locator("#dead-letter-replay")).to_have_count(0)  # nothing left to replay
    page.keyboard.press("Escape")
    expect(rows).to_have_count(1)  # unresolved only: the replayed one left the list
    with Session(portal.engine) as session:
        stored = session.exec(select(ShipmentEvent).where(ShipmentEvent.shipment_id == shipment_id)).all()
    assert [(event.carrier, event.raw_code) for event in stored] == [(CARRIER, "transit")]

    rows.first.locator(".dead-letter-replay").click()
    expect(page.get_by_text(f"Dead letter {broken} still fails: not JSON (body)")).to_be_visible()
    expect(rows.first.locator('[data-state="failing"]')).to_have_text("Still failing")
    expect(page.get_by_role("dialog")).to_have_count(0)  # the row's button does not open the payload

    page.click("#dead-letters-open-only")
    expect(rows).to_have_count(2)
    expect(page.locator(f'[data-dead-letter="{readable}"] [data-state="replayed"]')).to_have_text("Replayed")

    page.set_viewport_size(PHONE)
    expect(page.locator("#dead-letters-table")).to_be_visible()
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=screenshots / "admin-dead-letters-phone.png", full_page=True)
    page.locator(f'[data-dead-letter="{broken}"]').click()
    expect(payload).to_have_text('{"shipments": [')
    box = page.get_by_role("dialog").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
