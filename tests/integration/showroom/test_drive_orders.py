"""Leads and "turn a completed drive into an order", on SQLite and PostgreSQL: one order per drive,
a clear refusal for a drive not completed or with no customer account, and nothing for another
dealer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from models import Organisation, Role, SalesOrder, StockLevel, User
from models.db import get_engine
from services.identity.auth import principal_for
from services.ordering.placement import get_order
from services.platform.errors import DomainError, NotFound
from services.showroom import dealer_desk, drive_orders
from tests.showroom_world import make_world, visitor

AT = datetime(2026, 3, 23, 9, 10, tzinfo=UTC)  # 10:10 in Munich


def _world(session):
    world = make_world(session, cars=2, salespeople=2)
    consumers = Organisation(
        slug="retail-customers", name="Retail", kind="consumer", country="CN", currency="CNY", time_zone="UTC"
    )
    session.add(consumers)
    session.flush()
    session.add(
        User(
            email="visitor0@example.com",
            email_normalized="visitor0@example.com",
            full_name="Visitor 0",
            password_hash="x",
            role=Role.CUSTOMER,
            organisation_id=consumers.id,
        )
    )
    session.add(StockLevel(location_id=world.store_id, trim_id=world.trim_id, on_hand=3))
    session.commit()
    return world


def _completed(session, world, n=0):
    drive = dealer_desk.walk_in(session, world.dealer, trim=world.trim_code, visitor=visitor(n), now=AT)
    dealer_desk.check_in(
        session,
        world.dealer,
        drive.id,
        licence_seen=True,
        odometer_out_km=1000,
        energy_out_percent=90,
        now=AT,
    )
    dealer_desk.check_out(
        session,
        world.dealer,
        drive.id,
        odometer_in_km=1020,
        energy_in_percent=80,
        now=AT + timedelta(hours=1),
    )
    return drive.id


def _other_dealer(session):
    org = Organisation(
        slug="other", name="Other", kind="dealer", country="DE", currency="EUR", time_zone="UTC"
    )
    session.add(org)
    session.flush()
    user = User(
        email="o@o.test",
        email_normalized="o@o.test",
        full_name="O",
        password_hash="x",
        role=Role.DEALER,
        organisation_id=org.id,
    )
    session.add(user)
    session.commit()
    return principal_for(user, org)


def test_a_completed_drive_becomes_one_order_with_a_deposit(any_db_url):
    with Session(get_engine()) as session:
        world = _world(session)
        drive_id = _completed(session, world)
        placed = drive_orders.order_from_drive(session, world.dealer, drive_id)
        assert placed.order.deposit is not None and placed.order.deposit < placed.order.total
        with pytest.raises(drive_orders.AlreadyOrdered) as again:
            drive_orders.order_from_drive(session, world.dealer, drive_id)
        assert again.value.status == 409 and again.value.params["number"] == placed.order.number
        orders = session.exec(select(SalesOrder).where(SalesOrder.test_drive_id == drive_id)).all()
        assert [o.id for o in orders] == [placed.order.id]
        assert len(session.exec(select(SalesOrder)).all()) == 1
        assert get_order(session, world.dealer, placed.order.id).test_drive_id == drive_id
        leads = drive_orders.list_leads(session, world.dealer)
        assert leads["total"] == 1
        (drive,) = leads["leads"][0]["drives"]
        assert (drive["status"], drive["order_number"]) == ("completed", placed.order.number)


def test_refusals_name_the_reason_and_write_nothing(any_db_url):
    with Session(get_engine()) as session:
        world = _world(session)
        booked = dealer_desk.walk_in(session, world.dealer, trim=world.trim_code, visitor=visitor(0), now=AT)
        with pytest.raises(DomainError) as early:
            drive_orders.order_from_drive(session, world.dealer, booked.id)
        assert early.value.code == "test_drive.order_needs_completed"
        stranger = _completed(session, world, n=7)  # visitor7@example.com has no customer account
        with pytest.raises(DomainError) as no_account:
            drive_orders.order_from_drive(session, world.dealer, stranger)
        assert (no_account.value.code, no_account.value.field) == (
            "test_drive.order_needs_account",
            "visitor_email",
        )
        assert session.exec(select(SalesOrder)).all() == []


def test_another_dealer_sees_no_leads_and_cannot_order_or_act(any_db_url):
    with Session(get_engine()) as session:
        world = _world(session)
        drive_id = _completed(session, world)
        other = _other_dealer(session)
        assert drive_orders.list_leads(session, other) == {
            "total": 0,
            "page": 1,
            "page_size": 20,
            "leads": [],
        }
        with pytest.raises(NotFound):
            drive_orders.order_from_drive(session, other, drive_id)
        with pytest.raises(NotFound):
            dealer_desk.mark_no_show(session, other, drive_id, now=AT + timedelta(hours=3))
        assert session.exec(select(SalesOrder)).all() == []


def test_leads_filter_by_search_and_status_and_page(any_db_url):
    with Session(get_engine()) as session:
        world = _world(session)
        _completed(session, world, n=1)
        dealer_desk.walk_in(
            session, world.dealer, trim=world.trim_code, visitor=visitor(2), now=AT + timedelta(hours=2)
        )
        assert drive_orders.list_leads(session, world.dealer)["total"] == 2
        only = drive_orders.list_leads(session, world.dealer, status="completed")
        assert [lead["email"] for lead in only["leads"]] == ["visitor1@example.com"]
        found = drive_orders.list_leads(session, world.dealer, search="VISITOR2")
        assert [lead["email"] for lead in found["leads"]] == ["visitor2@example.com"]
        second = drive_orders.list_leads(session, world.dealer, page=2, page_size=1)
        assert second["total"] == 2 and [lead["email"] for lead in second["leads"]] == [
            "visitor1@example.com"
        ]
        with pytest.raises(DomainError) as bad:
            drive_orders.list_leads(session, world.dealer, status="bogus")
        assert bad.value.field == "status"
