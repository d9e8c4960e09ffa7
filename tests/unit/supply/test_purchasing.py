"""Purchase orders between managers and suppliers: issuing with its rules, the supplier's answers
and proposals, partial shipments and receipts, stock, standing warnings and blocks, scoping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func
from sqlmodel import select

from models import (
    GoodsReceipt,
    OutboxMessage,
    PurchaseOrder,
    QualityIncident,
    ShippingNotice,
    StockLevel,
    SupplierScorecard,
)
from models.supply import ShippingNoticeStatus
from services.catalog.lists import Page
from services.platform.errors import FieldErrors, NotFound, PermissionDenied, ValidationFailed
from services.supply import purchasing
from services.supply.states import IllegalTransition
from tests.factories import make_location
from tests.supply_world import NOW, TODAY, acknowledge_all, issue, receive, ship


def _count(session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def _on_hand(session, location_id, part_id) -> int:
    stock = session.exec(
        select(StockLevel).where(StockLevel.location_id == location_id, StockLevel.part_id == part_id)
    ).first()
    return stock.on_hand if stock else 0


def _line(world, **changes) -> dict:
    return {
        "part_id": world.first.parts[0].id,
        "quantity": 10,
        "unit_price": "12.40",
        "requested_date": (TODAY + timedelta(days=7)).isoformat(),
        **changes,
    }


def _issue_lines(session, world, *lines, supplier=None):
    return purchasing.issue_purchase_order(
        session,
        world.manager,
        supplier_id=(supplier or world.first).organisation.id,
        ship_to_location_id=world.warehouse.id,
        lines=list(lines),
        now=NOW,
    )


# ---------------------------------------------------------------- issuing


def test_an_issued_order_lands_in_the_suppliers_inbox(session, world):
    order = _issue_lines(session, world, _line(world, quantity=25))
    assert order["number"] == f"PO-{order['id']:06d}" and order["status"] == "issued"
    assert order["warnings"] == [] and order["currency"] == "CNY"
    assert order["total"] == pytest.approx(25 * 12.40) and str(order["total"]) == "310.00"
    inbox, total = purchasing.list_purchase_orders(
        session, world.first.principal, page=Page(), status="issued"
    )
    assert total == 1 and inbox[0]["id"] == order["id"] and inbox[0]["quantity_ordered"] == 25


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"quantity": -5}, "lines[0].quantity", "quantity.negative"),
        ({"quantity": "2.5"}, "lines[0].quantity", "quantity.not_whole"),
        ({"quantity": 2.5}, "lines[0].quantity", "quantity.not_whole"),
        ({"quantity": 0}, "lines[0].quantity", "quantity.not_positive"),
        ({"quantity": "ten"}, "lines[0].quantity", "quantity.not_a_number"),
        ({"unit_price": "-1"}, "lines[0].unit_price", "price.not_positive"),
        ({"unit_price": "1.005"}, "lines[0].unit_price", "price.too_precise"),
        (
            {"requested_date": (TODAY - timedelta(days=1)).isoformat()},
            "lines[0].requested_date",
            "date.in_past",
        ),
        ({"requested_date": "31/12/2026"}, "lines[0].requested_date", "date.invalid"),
    ],
)
def test_bad_line_values_are_refused_naming_the_field(session, world, changes, field, code):
    with pytest.raises(ValidationFailed) as raised:
        _issue_lines(session, world, _line(world, **changes))
    assert (raised.value.field, raised.value.code) == (field, code)
    assert _count(session, PurchaseOrder) == 0


def test_the_second_line_is_named_when_it_is_the_bad_one(session, world):
    with pytest.raises(ValidationFailed) as raised:
        _issue_lines(session, world, _line(world), _line(world, quantity="7.25"))
    assert raised.value.field == "lines[1].quantity" and raised.value.code == "quantity.not_whole"


def test_an_unknown_part_does_not_hide_a_negative_quantity_on_another_line(session, world):
    with pytest.raises(FieldErrors) as raised:
        purchasing.issue_purchase_order(
            session,
            world.manager,
            supplier_id=world.first.organisation.id,
            ship_to_location_id=world.warehouse.id,
            lines=[
                {**_line(world), "part_id": None, "sku": "NO-SUCH-PART"},
                _line(world, quantity="-3"),
                _line(world, unit_price="abc", requested_date="31/12/2026"),
            ],
            notes="n" * 1001,
            now=NOW,
        )
    named = {(error.field, error.code) for error in raised.value.errors}
    assert named == {
        ("notes", "text.too_long"),
        ("lines[0].part_id", "purchase.part_unknown"),
        ("lines[1].quantity", "quantity.negative"),
        ("lines[2].unit_price", "price.invalid"),
        ("lines[2].requested_date", "date.invalid"),
    }
    assert next(e for e in raised.value.errors if e.field == "notes").params == {"max": 1000}
    assert _count(session, PurchaseOrder) == 0


def test_notes_of_exactly_the_limit_are_kept_whole(session, world):
    order = purchasing.issue_purchase_order(
        session,
        world.manager,
        supplier_id=world.first.organisation.id,
        ship_to_location_id=world.warehouse.id,
        lines=[_line(world)],
        notes="n" * 1000,
        now=NOW,
    )
    assert session.get(PurchaseOrder, order["id"]).notes == "n" * 1000


def test_a_part_of_another_supplier_is_refused(session, world):
    with pytest.raises(ValidationFailed) as raised:
        _issue_lines(session, world, _line(world, part_id=world.second.parts[0].id))
    assert raised.value.field == "lines[0].part_id" and raised.value.code == "purchase.part_not_supplied"
    assert _count(session, PurchaseOrder) == 0


def test_a_line_can_name_its_part_by_sku(session, world):
    order = _issue_lines(session, world, {**_line(world), "part_id": None, "sku": world.first.parts[1].sku})
    assert order["lines"][0]["sku"] == world.first.parts[1].sku


def test_the_ship_to_must_be_a_warehouse_of_the_managers_company(session, world):
    plant = world.first.plant
    with pytest.raises(ValidationFailed) as raised:
        purchasing.issue_purchase_order(
            session,
            world.manager,
            supplier_id=world.first.organisation.id,
            ship_to_location_id=plant.id,
            lines=[_line(world)],
            now=NOW,
        )
    assert raised.value.field == "ship_to_location_id"


def test_only_managers_issue_orders(session, world):
    with pytest.raises(PermissionDenied):
        purchasing.issue_purchase_order(
            session,
            world.first.principal,
            supplier_id=world.first.organisation.id,
            ship_to_location_id=world.warehouse.id,
            lines=[_line(world)],
            now=NOW,
        )


# ---------------------------------------------------------------- standing and blocking


def test_a_poor_supplier_gets_the_order_with_a_warning(session, world):
    session.add(
        SupplierScorecard(
            supplier_id=world.first.organisation.id,
            period_kind="rolling12",
            period="2026-02",
            score=42,
            standing="poor",
        )
    )
    session.commit()
    order = _issue_lines(session, world, _line(world))
    assert order["status"] == "issued"
    assert [warning["code"] for warning in order["warnings"]] == ["purchase.supplier_poor"]
    assert order["warnings"][0]["field"] == "supplier_id"
    assert order["standing_at_issue"] == "poor"
    assert order["timeline"][0]["details"]["warnings"] == ["purchase.supplier_poor"]


def test_a_good_supplier_gets_no_warning(session, world):
    session.add(
        SupplierScorecard(
            supplier_id=world.first.organisation.id,
            period_kind="rolling12",
            period="2026-02",
            score=75,
            standing="good",
        )
    )
    session.commit()
    assert _issue_lines(session, world, _line(world))["warnings"] == []


def test_a_blocked_supplier_cannot_receive_orders_until_unblocked(session, world):
    supplier_id = world.first.organisation.id
    with pytest.raises(ValidationFailed) as raised:
        purchasing.set_supplier_blocked(session, world.manager, supplier_id, blocked=True, reason="  ")
    assert raised.value.field == "reason"
    purchasing.set_supplier_blocked(
        session, world.manager, supplier_id, blocked=True, reason="failed audit 2026-02"
    )
    with pytest.raises(ValidationFailed) as raised:
        _issue_lines(session, world, _line(world))
    assert raised.value.code == "purchase.supplier_blocked" and raised.value.field == "supplier_id"
    assert raised.value.params["reason"] == "failed audit 2026-02"
    assert _count(session, PurchaseOrder) == 0
    assert purchasing.supplier_standing(session, world.manager, supplier_id)["blocked"] is True
    purchasing.set_supplier_blocked(session, world.manager, supplier_id, blocked=False)
    assert _issue_lines(session, world, _line(world))["status"] == "issued"


def test_suppliers_cannot_block_anyone(session, world):
    with pytest.raises(PermissionDenied):
        purchasing.set_supplier_blocked(
            session, world.first.principal, world.second.organisation.id, blocked=True, reason="competitor"
        )


# ---------------------------------------------------------------- the supplier's answers


def test_a_promised_date_in_the_past_is_refused(session, world):
    order = issue(session, world, [10])
    line_id = order["lines"][0]["id"]
    with pytest.raises(ValidationFailed) as raised:
        purchasing.acknowledge_line(
            session,
            world.first.principal,
            line_id,
            promised_date=(TODAY - timedelta(days=1)).isoformat(),
            now=NOW,
        )
    assert raised.value.field == "promised_date" and raised.value.code == "date.in_past"
    order = purchasing.acknowledge_line(session, world.first.principal, line_id, promised_date=TODAY, now=NOW)
    assert order["status"] == "acknowledged" and order["lines"][0]["promised_date"] == TODAY


def test_the_order_is_acknowledged_once_every_line_is_answered(session, world):
    order = issue(session, world, [10, 20])
    first, second = (line["id"] for line in order["lines"])
    order = purchasing.acknowledge_line(
        session, world.first.principal, first, promised_date=TODAY + timedelta(days=9), now=NOW
    )
    assert order["status"] == "issued"
    order = purchasing.reject_line(session, world.first.principal, second, reason="discontinued", now=NOW)
    assert order["status"] == "acknowledged"
    assert [line["status"] for line in order["lines"]] == ["acknowledged", "rejected"]
    assert order["lines"][1]["reject_reason"] == "discontinued"
    assert order["total"] == pytest.approx(10 * 10)


def test_acknowledge_all_answers_every_open_line_with_one_date_or_its_own(session, world):
    order = issue(session, world, [10, 20, 30])
    first, _, third = (line["id"] for line in order["lines"])
    purchasing.reject_line(session, world.first.principal, first, reason="discontinued", now=NOW)
    one_date, own_date = TODAY + timedelta(days=9), TODAY + timedelta(days=20)
    order = purchasing.acknowledge_open_lines(
        session,
        world.first.principal,
        order["id"],
        promised_date=one_date,
        per_line={str(third): own_date.isoformat()},
        now=NOW,
    )
    assert order["status"] == "acknowledged"
    assert [(line["status"], line["promised_date"]) for line in order["lines"]] == [
        ("rejected", None),
        ("acknowledged", one_date),
        ("acknowledged", own_date),
    ]
    with pytest.raises(ValidationFailed) as raised:
        purchasing.acknowledge_open_lines(session, world.first.principal, order["id"], promised_date=one_date)
    assert raised.value.code == "purchase.no_open_lines"  # nothing left to answer


def test_acknowledge_all_names_every_bad_date_at_once_and_writes_nothing(session, world):
    order = issue(session, world, [10, 20, 30])
    first, second, third = (line["id"] for line in order["lines"])
    with pytest.raises(FieldErrors) as raised:
        purchasing.acknowledge_open_lines(
            session,
            world.first.principal,
            order["id"],
            promised_date=TODAY + timedelta(days=9),
            per_line={first: TODAY - timedelta(days=1), third: "31/02/2027"},
            now=NOW,
        )
    assert [(error.field, error.code) for error in raised.value.errors] == [
        ("answers[0].promised_date", "date.in_past"),
        ("answers[2].promised_date", "date.invalid"),
    ]
    again = purchasing.get_purchase_order(session, world.first.principal, order["id"])
    assert [line["status"] for line in again["lines"]] == ["open", "open", "open"]
    # A single line's form still names its own field.
    with pytest.raises(FieldErrors) as raised:
        purchasing.acknowledge_line(session, world.first.principal, second, promised_date="soon", now=NOW)
    assert [error.field for error in raised.value.errors] == ["promised_date"]
    with pytest.raises(PermissionDenied):
        purchasing.acknowledge_open_lines(session, world.manager, order["id"], promised_date=TODAY)


def test_rejecting_every_line_cancels_the_order(session, world):
    order = issue(session, world, [10])
    with pytest.raises(ValidationFailed) as raised:
        purchasing.reject_line(session, world.first.principal, order["lines"][0]["id"], reason="")
    assert raised.value.field == "reason"
    order = purchasing.reject_line(
        session, world.first.principal, order["lines"][0]["id"], reason="no tooling"
    )
    assert order["status"] == "cancelled"


def test_a_line_is_answered_once(session, world):
    order = acknowledge_all(session, world, issue(session, world, [10, 5]))
    with pytest.raises(IllegalTransition):
        purchasing.reject_line(session, world.first.principal, order["lines"][0]["id"], reason="changed mind")


def test_an_accepted_proposal_changes_quantity_and_date(session, world):
    order = issue(session, world, [100])
    line_id = order["lines"][0]["id"]
    proposed_date = TODAY + timedelta(days=30)
    order = purchasing.propose_line_change(
        session,
        world.first.principal,
        line_id,
        quantity=80,
        promised_date=proposed_date,
        note="raw material short",
        now=NOW,
    )
    assert order["status"] == "issued" and order["lines"][0]["status"] == "proposed"
    assert order["lines"][0]["proposed_quantity"] == 80
    order = purchasing.accept_proposal(session, world.manager, line_id, now=NOW)
    line = order["lines"][0]
    assert order["status"] == "acknowledged"
    assert (line["status"], line["quantity"], line["promised_date"]) == ("acknowledged", 80, proposed_date)
    assert line["proposed_quantity"] is None


def test_a_declined_proposal_sends_the_line_back_to_the_supplier(session, world):
    order = issue(session, world, [100])
    line_id = order["lines"][0]["id"]
    purchasing.propose_line_change(session, world.first.principal, line_id, quantity=60, now=NOW)
    order = purchasing.decline_proposal(session, world.manager, line_id, reason="we need all 100", now=NOW)
    assert order["status"] == "issued" and order["lines"][0]["status"] == "open"
    assert order["lines"][0]["quantity"] == 100
    kinds = [entry["kind"] for entry in order["timeline"]]
    assert kinds[-2:] == ["line_proposed", "proposal_declined"]


def test_a_proposal_must_change_something_and_be_whole(session, world):
    order = issue(session, world, [100])
    line_id = order["lines"][0]["id"]
    with pytest.raises(ValidationFailed) as raised:
        purchasing.propose_line_change(session, world.first.principal, line_id, quantity=100, now=NOW)
    assert raised.value.code == "purchase.proposal_unchanged"
    with pytest.raises(ValidationFailed) as raised:
        purchasing.propose_line_change(session, world.first.principal, line_id, quantity="-3", now=NOW)
    assert raised.value.field == "quantity" and raised.value.code == "quantity.negative"


def test_managers_decide_proposals_and_suppliers_answer_lines(session, world):
    order = issue(session, world, [100])
    line_id = order["lines"][0]["id"]
    with pytest.raises(PermissionDenied):
        purchasing.acknowledge_line(session, world.manager, line_id, promised_date=TODAY)
    purchasing.propose_line_change(session, world.first.principal, line_id, quantity=50, now=NOW)
    with pytest.raises(PermissionDenied):
        purchasing.accept_proposal(session, world.first.principal, line_id)


# ---------------------------------------------------------------- shipping and receiving


def test_partial_shipments_never_exceed_the_open_quantity(session, world):
    order = acknowledge_all(session, world, issue(session, world, [100, 40]))
    notice = ship(session, world, order, [60, 0], lot="LOT-1")
    assert notice["number"] == f"ASN-{notice['id']:06d}" and notice["lines"][0]["quantity"] == 60
    assert purchasing.get_purchase_order(session, world.manager, order["id"])["status"] == "partly_shipped"
    with pytest.raises(ValidationFailed) as raised:
        ship(session, world, order, [41, 0], lot="LOT-2")
    assert raised.value.field == "lines[0].quantity" and raised.value.code == "purchase.ship_more_than_open"
    assert raised.value.params == {"line": 1, "open": 40}
    # Two lots of one line in one notice count together against what is open.
    with pytest.raises(ValidationFailed):
        purchasing.create_shipping_notice(
            session,
            world.first.principal,
            order["id"],
            carrier="DHL",
            tracking_number="1",
            lines=[
                {"line_id": order["lines"][0]["id"], "quantity": 30, "lot_number": "A"},
                {"line_id": order["lines"][0]["id"], "quantity": 11, "lot_number": "B"},
            ],
        )
    assert _count(session, ShippingNotice) == 1
    ship(session, world, order, [40, 40], lot="LOT-2")
    detail = purchasing.get_purchase_order(session, world.manager, order["id"])
    assert detail["status"] == "shipped" and [line["open_to_ship"] for line in detail["lines"]] == [0, 0]
    assert [len(notice["lines"]) for notice in detail["notices"]] == [1, 2]


@pytest.mark.parametrize(
    ("item", "field", "code"),
    [
        ({"quantity": "3.5", "lot_number": "L1"}, "lines[0].quantity", "quantity.not_whole"),
        ({"quantity": -1, "lot_number": "L1"}, "lines[0].quantity", "quantity.negative"),
        ({"quantity": 5, "lot_number": ""}, "lines[0].lot_number", "lot.required"),
        ({"quantity": 5, "lot_number": "lot with spaces"}, "lines[0].lot_number", "lot.invalid"),
    ],
)
def test_shipping_notice_fields_are_checked(session, world, item, field, code):
    order = acknowledge_all(session, world, issue(session, world, [10]))
    with pytest.raises(ValidationFailed) as raised:
        purchasing.create_shipping_notice(
            session,
            world.first.principal,
            order["id"],
            carrier="DHL",
            tracking_number="T1",
            lines=[{"line_id": order["lines"][0]["id"], **item}],
        )
    assert (raised.value.field, raised.value.code) == (field, code)


def test_an_order_is_shipped_only_after_acknowledgement(session, world):
    order = issue(session, world, [10])
    with pytest.raises(IllegalTransition):
        ship(session, world, order, [10])


def test_receipts_add_accepted_units_to_the_ship_to_warehouse(session, world):
    part = world.first.parts[0]
    order = acknowledge_all(session, world, issue(session, world, [100]))
    notice = ship(session, world, order, [100], lot="LOT-77")
    receipt = receive(session, world, notice, [30], received_at=NOW + timedelta(days=2))
    assert receipt["number"] == f"GR-{receipt['id']:06d}"
    assert _on_hand(session, world.warehouse.id, part.id) == 30
    assert purchasing.get_purchase_order(session, world.manager, order["id"])["status"] == "partly_received"
    receive(session, world, notice, [65], [5], received_at=NOW + timedelta(days=3))
    assert _on_hand(session, world.warehouse.id, part.id) == 95  # the 5 rejected never enter stock
    detail = purchasing.get_purchase_order(session, world.manager, order["id"])
    assert detail["status"] == "received"
    line = detail["lines"][0]
    assert (line["accepted_quantity"], line["rejected_quantity"]) == (95, 5)
    assert line["received_complete_on"] == (NOW + timedelta(days=3)).date()
    topics = session.exec(select(OutboxMessage.topic)).all()
    assert topics.count("stock.changed") == 2 and "scorecard.stale" in topics


def test_existing_stock_is_added_to(session, world):
    from tests.factories import make_stock

    part = world.first.parts[0]
    make_stock(session, world.warehouse, part, on_hand=12, reserved=2)
    session.commit()
    order = acknowledge_all(session, world, issue(session, world, [10]))
    receive(session, world, ship(session, world, order, [10]), [10])
    assert _on_hand(session, world.warehouse.id, part.id) == 22


def test_receiving_more_than_shipped_or_rejecting_without_reason_is_refused(session, world):
    order = acknowledge_all(session, world, issue(session, world, [100, 50]))
    notice = ship(session, world, order, [60, 50])
    with pytest.raises(ValidationFailed) as raised:
        receive(session, world, notice, [55, 50], [6, 0])
    assert raised.value.code == "purchase.receive_more_than_shipped"
    assert raised.value.field == "lines[0].accepted_quantity"
    with pytest.raises(ValidationFailed) as raised:
        purchasing.receive_goods(
            session,
            world.manager,
            notice["id"],
            lines=[
                {"notice_line_id": notice["lines"][0]["id"], "accepted_quantity": 50, "rejected_quantity": 10}
            ],
        )
    assert raised.value.field == "lines[0].reject_reason"
    with pytest.raises(ValidationFailed) as raised:
        receive(session, world, notice, [0], [0])
    assert raised.value.code == "purchase.receive_nothing"


def test_a_refused_receipt_writes_nothing(session, world):
    order = acknowledge_all(session, world, issue(session, world, [100, 50]))
    notice = ship(session, world, order, [100, 50])
    with pytest.raises(ValidationFailed):
        receive(session, world, notice, [100, 49], [0, 2])  # the second lot is over by one
    assert _count(session, GoodsReceipt) == 0 and _count(session, QualityIncident) == 0
    assert _on_hand(session, world.warehouse.id, world.first.parts[0].id) == 0
    detail = purchasing.get_purchase_order(session, world.manager, order["id"])
    assert detail["status"] == "shipped" and detail["lines"][0]["accepted_quantity"] == 0


def test_a_rejected_receipt_line_opens_an_incident_linked_to_part_lot_order_and_receipt(session, world):
    order = acknowledge_all(session, world, issue(session, world, [100]))
    receipt = receive(
        session, world, ship(session, world, order, [100], lot="LOT-Q1"), [96], [4], reason="cracked casing"
    )
    incident = session.get(QualityIncident, receipt["incident_ids"][0])
    assert (incident.part_id, incident.lot_number, incident.purchase_order_id) == (
        world.first.parts[0].id,
        "LOT-Q1",
        order["id"],
    )
    assert incident.receipt_line_id == receipt["lines"][0]["id"] and incident.quantity_affected == 4
    assert incident.status == "open" and incident.description == "cracked casing"
    assert receipt["lines"][0]["incident_id"] == incident.id


def test_short_closing_a_partly_received_order(session, world):
    order = acknowledge_all(session, world, issue(session, world, [100]))
    receive(session, world, ship(session, world, order, [70]), [70])
    order = purchasing.close_purchase_order(session, world.manager, order["id"], note="rest not needed")
    assert order["status"] == "closed"
    assert order["timeline"][-1]["details"]["short_quantity"] == 30


# ---------------------------------------------------------------- scoping


def test_a_second_supplier_sees_none_of_the_firsts_orders_or_receipts(session, world):
    order = acknowledge_all(session, world, issue(session, world, [100]))
    notice = ship(session, world, order, [100])
    receipt = receive(session, world, notice, [100])
    other = world.second.principal
    assert purchasing.list_purchase_orders(session, other, page=Page()) == ([], 0)
    assert purchasing.list_shipping_notices(session, other, page=Page()) == ([], 0)
    for read in (
        lambda: purchasing.get_purchase_order(session, other, order["id"]),
        lambda: purchasing.get_shipping_notice(session, other, notice["id"]),
        lambda: purchasing.get_receipt(session, other, receipt["id"]),
        lambda: purchasing.list_purchase_orders(
            session, other, page=Page(), supplier_id=world.first.organisation.id
        ),
    ):
        with pytest.raises(NotFound):
            read()
    with pytest.raises(NotFound):
        ship(session, world, order, [1], side=world.second)
    # The first supplier and the manager do see them.
    assert purchasing.list_purchase_orders(session, world.first.principal, page=Page())[1] == 1
    assert (
        purchasing.list_purchase_orders(
            session, world.manager, page=Page(), supplier_id=world.second.organisation.id
        )[1]
        == 0
    )


def test_an_unknown_order_and_another_suppliers_order_answer_the_same(session, world):
    order = issue(session, world, [10])
    with pytest.raises(NotFound) as unknown:
        purchasing.get_purchase_order(session, world.second.principal, 999_999)
    with pytest.raises(NotFound) as foreign:
        purchasing.get_purchase_order(session, world.second.principal, order["id"])
    assert (unknown.value.code, unknown.value.field) == (foreign.value.code, foreign.value.field)


def test_list_filters_and_order_number_search(session, world):
    first = issue(session, world, [10])
    issue(session, world, [10], side=world.second)
    rows, total = purchasing.list_purchase_orders(session, world.manager, page=Page(), text=first["number"])
    assert total == 1 and rows[0]["id"] == first["id"]
    rows, total = purchasing.list_purchase_orders(
        session, world.manager, page=Page(), status=["acknowledged", "shipped"]
    )
    assert total == 0


def test_the_ship_to_warehouse_time_zone_sets_the_receipt_date(session, world):
    oem_store = make_location(session, world.oem, kind="warehouse")
    oem_store.time_zone = "America/Los_Angeles"
    session.add(oem_store)
    session.commit()
    order = purchasing.issue_purchase_order(
        session,
        world.manager,
        supplier_id=world.first.organisation.id,
        ship_to_location_id=oem_store.id,
        lines=[_line(world)],
        now=NOW,
    )
    order = acknowledge_all(session, world, order)
    # 03:00 UTC on 10 March is still 9 March in Los Angeles.
    receipt = receive(
        session,
        world,
        ship(session, world, order, [10]),
        [10],
        received_at=datetime(2026, 3, 10, 3, 0, tzinfo=UTC),
    )
    assert str(receipt["received_on"]) == "2026-03-09"


# ---------------------------------------------------------------- every bad field at once


def test_a_shipping_notice_names_every_bad_field_at_once_and_ships_nothing(session, world):
    order = acknowledge_all(session, world, issue(session, world, [100, 50, 20]))
    first, second, third = (line["id"] for line in order["lines"])
    with pytest.raises(FieldErrors) as raised:
        purchasing.create_shipping_notice(
            session,
            world.first.principal,
            order["id"],
            carrier=" ",
            tracking_number="JD1",
            lines=[
                {"line_id": first, "quantity": "2.5", "lot_number": "L-1"},
                {"line_id": second, "quantity": 60, "lot_number": "L 2"},
                {"line_id": third, "quantity": 21, "lot_number": "L-3"},
            ],
        )
    assert [(error.field, error.code) for error in raised.value.errors] == [
        ("carrier", "text.required"),
        ("lines[0].quantity", "quantity.not_whole"),
        ("lines[1].lot_number", "lot.invalid"),
        ("lines[2].quantity", "purchase.ship_more_than_open"),
    ]
    assert raised.value.errors[3].params == {"line": 3, "open": 20}
    # The first error stays the exception's own, for callers that show one message.
    assert (raised.value.field, raised.value.code) == ("carrier", "text.required")
    assert _count(session, ShippingNotice) == 0
    assert purchasing.get_purchase_order(session, world.manager, order["id"])["status"] == "acknowledged"


def test_a_goods_receipt_names_every_bad_field_at_once_and_receives_nothing(session, world):
    order = acknowledge_all(session, world, issue(session, world, [100, 50, 30]))
    notice = ship(session, world, order, [60, 50, 30])
    first, second, third = (line["id"] for line in notice["lines"])
    with pytest.raises(FieldErrors) as raised:
        purchasing.receive_goods(
            session,
            world.manager,
            notice["id"],
            lines=[
                {
                    "notice_line_id": first,
                    "accepted_quantity": 55,
                    "rejected_quantity": 6,
                    "reject_reason": "dent",
                },
                {"notice_line_id": second, "accepted_quantity": 40, "rejected_quantity": 10},
                {"notice_line_id": third, "accepted_quantity": "many", "rejected_quantity": -1},
            ],
        )
    assert [(error.field, error.code) for error in raised.value.errors] == [
        ("lines[0].accepted_quantity", "purchase.receive_more_than_shipped"),
        ("lines[1].reject_reason", "text.required"),
        ("lines[2].accepted_quantity", "quantity.not_a_number"),
        ("lines[2].rejected_quantity", "quantity.negative"),
    ]
    assert _count(session, GoodsReceipt) == 0
    assert _on_hand(session, world.warehouse.id, world.first.parts[0].id) == 0


def test_the_receiving_list_pages_the_awaited_notices_oldest_first(session, world):
    order = acknowledge_all(session, world, issue(session, world, [90]))
    notices = [
        ship(session, world, order, [10], lot=f"LOT-{n}", shipped_at=NOW + timedelta(hours=n))
        for n in range(3)
    ]
    receive(session, world, notices[1], [4])  # partly received: still awaited
    receive(session, world, notices[2], [10])  # fully received: no longer on the list
    awaited = (ShippingNoticeStatus.IN_TRANSIT, ShippingNoticeStatus.PARTLY_RECEIVED)

    first, total = purchasing.list_shipping_notices(
        session, world.manager, page=Page(1, 1), status=awaited, oldest_first=True
    )
    second, _ = purchasing.list_shipping_notices(
        session, world.manager, page=Page(2, 1), status=awaited, oldest_first=True
    )

    assert total == 2
    assert [row["number"] for row in first + second] == [notices[0]["number"], notices[1]["number"]]
    assert [row["status"] for row in first + second] == ["in_transit", "partly_received"]


# ---------------------------------------------------------------- free text: refused, never cut


@pytest.mark.parametrize(
    ("act", "field", "limit"),
    [
        (
            lambda s, w, order: purchasing.reject_line(
                s, w.first.principal, order["lines"][0]["id"], reason="r" * 501, now=NOW
            ),
            "reason",
            purchasing.MAX_REASON_LENGTH,
        ),
        (
            lambda s, w, order: purchasing.propose_line_change(
                s, w.first.principal, order["lines"][0]["id"], quantity=5, note="n" * 501, now=NOW
            ),
            "note",
            purchasing.MAX_NOTE_LENGTH,
        ),
        (
            lambda s, w, order: purchasing.cancel_purchase_order(
                s, w.manager, order["id"], reason="r" * 501, now=NOW
            ),
            "reason",
            purchasing.MAX_REASON_LENGTH,
        ),
        (
            lambda s, w, order: purchasing.set_supplier_blocked(
                s, w.manager, w.first.organisation.id, blocked=True, reason="r" * 501
            ),
            "reason",
            purchasing.MAX_REASON_LENGTH,
        ),
    ],
    ids=["reject reason", "proposal note", "cancel reason", "block reason"],
)
def test_a_free_text_past_its_limit_is_refused_naming_the_field_and_the_limit(
    session, world, act, field, limit
):
    order = issue(session, world, [10])
    with pytest.raises(ValidationFailed) as raised:
        act(session, world, order)
    assert (raised.value.code, raised.value.params) == ("text.too_long", {"max": limit})
    assert raised.value.field == field
    after = purchasing.get_purchase_order(session, world.manager, order["id"])
    assert after["status"] == "issued" and after["lines"][0]["status"] == "open"


def test_a_tracking_number_past_80_characters_is_refused_and_80_are_kept_whole(session, world):
    order = acknowledge_all(session, world, issue(session, world, [10]))
    line = {"line_id": order["lines"][0]["id"], "quantity": 5, "lot_number": "LOT-1"}
    with pytest.raises(FieldErrors) as raised:
        purchasing.create_shipping_notice(
            session,
            world.first.principal,
            order["id"],
            carrier="C" * 81,
            tracking_number="T" * 81,
            lines=[line],
        )
    assert {(e.field, e.code, e.params["max"]) for e in raised.value.errors} == {
        ("carrier", "text.too_long", 80),
        ("tracking_number", "text.too_long", 80),
    }
    notice = purchasing.create_shipping_notice(
        session, world.first.principal, order["id"], carrier="DHL", tracking_number="T" * 80, lines=[line]
    )
    assert notice["tracking_number"] == "T" * 80
