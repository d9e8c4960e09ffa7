"""The notification centre's inbox: who is told of what, once per event, each reading and marking
only their own entries, in their own language, and choosing how each kind reaches them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from models import Notification, OutboxMessage
from models.db import get_engine
from services.catalog.lists import Page
from services.i18n import translate
from services.identity.auth import principal_for
from services.notifications import inbox, tell
from services.ordering import payments
from services.ordering import placement as ordering
from services.ordering.gateway import SimulatedGateway
from services.platform.errors import NotFound, ValidationFailed
from services.supply import purchasing, quality
from tests import ordering_world, supply_world
from tests.factories import make_user
from tests.supply_world import NOW, SupplyWorld


@pytest.fixture
def session(sqlite_url: str) -> Iterator[Session]:
    with Session(get_engine(), expire_on_commit=False) as session:
        yield session


@pytest.fixture
def world(session: Session) -> SupplyWorld:
    return supply_world.build_world(session)


def texts(session: Session, principal, language: str = "en") -> list[str]:
    entries, _total = inbox.list_entries(session, principal, page=Page(1, 50))
    session.commit()
    return [translate(entry["text_key"], language, **entry["params"]) for entry in entries]


def test_a_new_purchase_order_tells_the_suppliers_users_and_no_one_else(session, world):
    colleague = principal_for(
        make_user(session, "supplier", world.first.organisation), world.first.organisation
    )
    session.commit()
    order = supply_world.issue(session, world, [100, 50])
    expected = f"New purchase order {order['number']} from {world.oem.name}: 2 lines"
    assert texts(session, world.first.principal) == [expected]
    assert texts(session, colleague) == [expected]
    assert texts(session, world.second.principal) == []  # the other supplier
    assert texts(session, world.manager) == []  # managers are not told of their own orders
    (entry,) = inbox.latest(session, world.first.principal)
    assert entry["link"] == f"/supplier/purchase-orders/{order['id']}" and entry["read"] is False
    notice = session.exec(select(OutboxMessage).where(OutboxMessage.topic == "notification.created")).one()
    assert sorted(notice.payload["user_ids"]) == sorted([world.first.principal.user_id, colleague.user_id])


def test_the_text_is_rendered_in_the_readers_language(session, world):
    order = supply_world.issue(session, world, [100])
    assert texts(session, world.first.principal, "zh") == [
        f"{world.oem.name} 下达新采购订单 {order['number']}：1 行"
    ]


def test_acknowledgements_and_counter_proposals_tell_the_buyers_managers(session, world):
    order = supply_world.issue(session, world, [100, 50])
    first, second = order["lines"]
    purchasing.respond_to_order(
        session,
        world.first.principal,
        order["id"],
        [
            {"line_id": first["id"], "action": "acknowledge", "promised_date": "2026-03-12"},
            {"line_id": second["id"], "action": "propose", "quantity": 40},
        ],
        now=NOW,
    )
    supplier = world.first.organisation.name
    assert sorted(texts(session, world.manager)) == sorted(
        [
            f"{supplier} acknowledged 1 line of {order['number']}",
            f"{supplier} proposed a change to 1 line of {order['number']}",
        ]
    )
    links = {entry["link"] for entry in inbox.latest(session, world.manager)}
    assert links == {f"/manager/purchase-orders/{order['id']}"}


def test_a_rejected_receipt_opens_an_incident_the_supplier_hears_of_and_its_answers_reach_the_manager(
    session, world
):
    order = supply_world.acknowledge_all(session, world, supply_world.issue(session, world, [10]))
    notice = supply_world.ship(session, world, order, [10])
    supply_world.receive(session, world, notice, accepted=[7], rejected=[3])
    sku = world.first.parts[0].sku
    (incident_text, _order_text) = texts(session, world.first.principal)
    assert incident_text.startswith("Quality incident QI-") and incident_text.endswith(
        f"on {sku}: 3 units affected"
    )
    (entry,) = [e for e in inbox.latest(session, world.first.principal) if e["kind"] == "incident.opened"]
    incident_id = entry["params"]["incident_id"]
    assert entry["link"] == f"/supplier/incidents/{incident_id}"
    quality.acknowledge_incident(session, world.first.principal, incident_id, now=NOW + timedelta(minutes=20))
    manager_texts = texts(session, world.manager)
    assert any(
        text.endswith(f"acknowledged quality incident {entry['params']['number']} ({sku})")
        for text in manager_texts
    )


def test_an_event_told_twice_is_one_entry(session, world):
    recipients = inbox.users_of(session, world.first.organisation.id, "supplier")
    params = {"purchase_order_id": 1, "number": "PO-000001", "buyer": "X", "count": 1}
    assert inbox.notify(session, "purchase_order.issued", recipients, params, event="po:1:issued") == [
        world.first.principal.user_id
    ]
    session.commit()
    assert inbox.notify(session, "purchase_order.issued", recipients, params, event="po:1:issued") == []
    session.commit()
    assert len(texts(session, world.first.principal)) == 1


def test_a_reader_marks_only_their_own_entries_and_another_users_id_is_not_found(session, world):
    supply_world.issue(session, world, [10])
    supply_world.issue(session, world, [20], side=world.second)
    (mine,) = inbox.latest(session, world.first.principal)
    (theirs,) = inbox.latest(session, world.second.principal)
    with pytest.raises(NotFound):
        inbox.mark_read(session, world.first.principal, theirs["id"])
    assert inbox.unread_count(session, world.second.principal) == 1
    assert inbox.mark_read(session, world.first.principal, mine["id"]) == mine["link"]
    assert inbox.unread_count(session, world.first.principal) == 0
    assert inbox.latest(session, world.first.principal)[0]["read"] is True


def test_mark_all_read_and_the_unread_filter(session, world):
    for quantity in (10, 20, 30):
        supply_world.issue(session, world, [quantity])
    principal = world.first.principal
    assert inbox.unread_count(session, principal) == 3
    assert inbox.mark_all_read(session, principal) == 3
    assert inbox.unread_count(session, principal) == 0
    entries, total = inbox.list_entries(session, principal, page=Page(1, 2), unread_only=True)
    assert (entries, total) == ([], 0)
    entries, total = inbox.list_entries(session, principal, page=Page(2, 2))
    assert total == 3 and len(entries) == 1  # paged, newest first


def test_preferences_list_the_roles_kinds_and_refuse_others(session, world):
    principal = world.first.principal
    assert inbox.preferences(session, principal) == [
        {"kind": "purchase_order.issued", "delivery": "in_app"},
        {"kind": "incident.opened", "delivery": "in_app"},
    ]
    with pytest.raises(ValidationFailed) as refused:
        inbox.set_preference(session, principal, "order.paid", "email")
    assert refused.value.code == "notification.kind_unknown" and refused.value.field == "kind"
    with pytest.raises(ValidationFailed) as refused:
        inbox.set_preference(session, principal, "purchase_order.issued", "pigeon")
    assert refused.value.code == "notification.delivery_unknown"
    chosen = inbox.set_preference(session, principal, "purchase_order.issued", "email")
    assert chosen[0] == {"kind": "purchase_order.issued", "delivery": "email"}
    supply_world.issue(session, world, [10])
    entry = session.exec(select(Notification).where(Notification.user_id == principal.user_id)).one()
    assert entry.delivery == "email"
    notice = session.exec(select(OutboxMessage).where(OutboxMessage.topic == "notification.created")).one()
    assert notice.payload["mail"] is True


def test_an_inactive_user_is_not_told(session, world):
    user = make_user(session, "supplier", world.first.organisation, is_active=False)
    session.commit()
    supply_world.issue(session, world, [10])
    assert session.exec(select(Notification).where(Notification.user_id == user.id)).all() == []


def test_a_paid_and_allocated_order_tells_its_buyer_in_plain_words_for_a_customer(session):
    world = ordering_world.build_world(session)
    bank = SimulatedGateway(sleep=lambda _seconds: None)
    order = ordering.place_order(
        session,
        world.customer,
        lines=[{"item_kind": "trim", "item_id": world.trim.id, "quantity": 1}],
        buyer_location_id=world.store.id,
        idempotency_key=ordering_world.new_key(),
    ).order
    payments.process_order(session, order.id, gateway=bank)
    now = NOW
    for status in ("paid", "allocated", "cancelled"):
        tell.order_moved(session, order.id, status, now=now)
        session.commit()
    assert texts(session, world.customer) == [
        f"Deposit paid for order {order.number}: your car is being prepared",
        f"Deposit paid for order {order.number}",
    ]
    assert texts(session, world.dealer) == []  # the seller's store is not the buyer
    (entry, _) = inbox.latest(session, world.customer)
    assert entry["link"] == f"/orders/{order.id}"


def test_a_dealers_order_tells_the_dealers_users(session):
    world = ordering_world.build_world(session)
    order = ordering.place_order(
        session,
        world.dealer,
        lines=[ordering_world.part_line(world.parts[0], 2)],
        buyer_location_id=world.store.id,
        idempotency_key=ordering_world.new_key(),
    ).order
    tell.order_moved(session, order.id, "paid", now=NOW)
    session.commit()
    assert texts(session, world.dealer) == [f"Order {order.number} is paid"]
