"""The dealer's steps at the store, on SQLite and PostgreSQL: in order, each once, the checklist
and the signature checked, only the receiving dealer, nothing half-written on a refusal; the
steps show on the page's view and the status moves to handed over."""

from __future__ import annotations

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from models import OutboxMessage, Shipment, ShipmentEvent
from models.db import get_engine
from services.logistics import dealer_steps, page_view
from services.logistics.dealer_steps import ARRIVED, HANDED_OVER, PDI_CHECKLIST, PDI_DONE, READY
from services.logistics.ingest import SHIPMENT_CHANGED
from services.platform.errors import NotFound, PermissionDenied, ValidationFailed
from tests.logistics_world import build_world


@pytest.fixture
def world(any_db_url):
    with Session(get_engine()) as session:
        return build_world(session)


@pytest.fixture
def session(world):
    with Session(get_engine(), expire_on_commit=False) as session:
        yield session


def _events(session, shipment_id) -> int:
    return session.exec(
        select(func.count()).select_from(ShipmentEvent).where(ShipmentEvent.shipment_id == shipment_id)
    ).one()


def test_the_dealer_records_every_step_in_order_up_to_the_handover(world, session):
    dealer, shipment_id = world.principals["dealer_a"], world.shipments["customer_1"].id
    dealer_steps.record_step(session, dealer, shipment_id, ARRIVED)
    dealer_steps.record_step(session, dealer, shipment_id, PDI_DONE, checklist=list(PDI_CHECKLIST))
    dealer_steps.record_step(session, dealer, shipment_id, READY)
    result = dealer_steps.record_step(session, dealer, shipment_id, HANDED_OVER, signature_name="  Li   Wei ")
    assert result.tracking_status == "handed_over"
    session.expire_all()
    assert session.get(Shipment, shipment_id).tracking_status == "handed_over"
    view = page_view.shipment_page(session, world.principals["customer_1"], shipment_id)
    assert view["steps_done"] == [ARRIVED, PDI_DONE, READY, HANDED_OVER] and view["next_step"] is None
    assert view["timeline"][-1]["raw_text"] == "Li Wei" and view["timeline"][-1]["source"] == "dealer"
    assert not view["records_steps"]  # the customer sees the steps, records none
    changed = session.exec(
        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.topic == SHIPMENT_CHANGED)
    ).one()
    assert changed == 4


def test_steps_out_of_order_or_twice_are_refused_naming_the_step(world, session):
    dealer, shipment_id = world.principals["dealer_a"], world.shipments["customer_1"].id
    with pytest.raises(ValidationFailed) as early:
        dealer_steps.record_step(session, dealer, shipment_id, HANDED_OVER, signature_name="Li Wei")
    assert (early.value.code, early.value.field) == ("shipment.step_out_of_order", "step")
    dealer_steps.record_step(session, dealer, shipment_id, ARRIVED)
    with pytest.raises(ValidationFailed) as twice:
        dealer_steps.record_step(session, dealer, shipment_id, ARRIVED)
    assert twice.value.code == "shipment.step_done"
    with pytest.raises(ValidationFailed) as unknown:
        dealer_steps.record_step(session, dealer, shipment_id, "washed")
    assert unknown.value.field == "step"
    assert _events(session, shipment_id) == 1


def test_an_incomplete_checklist_or_an_empty_signature_writes_nothing(world, session):
    dealer, shipment_id = world.principals["dealer_a"], world.shipments["customer_1"].id
    dealer_steps.record_step(session, dealer, shipment_id, ARRIVED)
    with pytest.raises(ValidationFailed) as incomplete:
        dealer_steps.record_step(session, dealer, shipment_id, PDI_DONE, checklist=list(PDI_CHECKLIST[:-1]))
    assert (incomplete.value.code, incomplete.value.field) == ("shipment.pdi_incomplete", "checklist")
    with pytest.raises(ValidationFailed) as bogus:
        dealer_steps.record_step(session, dealer, shipment_id, PDI_DONE, checklist=[*PDI_CHECKLIST, "vibes"])
    assert bogus.value.code == "shipment.pdi_unknown_item"
    assert _events(session, shipment_id) == 1
    dealer_steps.record_step(session, dealer, shipment_id, PDI_DONE, checklist=list(PDI_CHECKLIST))
    dealer_steps.record_step(session, dealer, shipment_id, READY)
    for name in ("", "  ", "1", "x" * 121):
        with pytest.raises(ValidationFailed) as unsigned:
            dealer_steps.record_step(session, dealer, shipment_id, HANDED_OVER, signature_name=name)
        assert unsigned.value.field == "signature_name"
    assert _events(session, shipment_id) == 3
    session.expire_all()
    assert session.get(Shipment, shipment_id).tracking_status == "delivered"


def test_only_the_receiving_dealer_records_steps(world, session):
    shipment_id = world.shipments["customer_1"].id  # goes to dealer A's store
    with pytest.raises(NotFound):
        dealer_steps.record_step(session, world.principals["dealer_b"], shipment_id, ARRIVED)
    for who in ("customer_1", "manager", "supplier"):
        with pytest.raises(PermissionDenied):
            dealer_steps.record_step(session, world.principals[who], shipment_id, ARRIVED)
    assert _events(session, shipment_id) == 0


def test_the_page_view_is_scoped_like_the_api(world, session):
    own = world.shipments["customer_1"].id
    assert page_view.shipment_page(session, world.principals["customer_1"], own)["shipment"]["id"] == own
    assert page_view.shipment_page(session, world.principals["dealer_a"], own)["records_steps"]
    for who in ("customer_2", "dealer_b"):
        with pytest.raises(NotFound):
            page_view.shipment_page(session, world.principals[who], own)
    with pytest.raises(PermissionDenied):
        page_view.shipment_page(session, world.principals["supplier"], own)
