"""The purchase-order state machine: which moves exist, how quantities set the state, and that an
illegal move raises and leaves nothing written."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from models import PurchaseOrder, PurchaseOrderEvent, PurchaseOrderLine, ShippingNotice
from models.db import get_engine
from models.supply import PurchaseOrderLineStatus as LineStatus
from models.supply import PurchaseOrderStatus as Status
from services.supply import purchasing
from services.supply import states as po_states
from services.supply.states import IllegalTransition
from tests.supply_world import NOW, acknowledge_all, build_world, issue, receive, ship

ALL = [status.value for status in Status]


def test_the_documented_path_from_issued_to_closed_is_allowed():
    path = [
        Status.ISSUED,
        Status.ACKNOWLEDGED,
        Status.PARTLY_SHIPPED,
        Status.SHIPPED,
        Status.PARTLY_RECEIVED,
        Status.RECEIVED,
        Status.CLOSED,
    ]
    for current, target in zip(path, path[1:], strict=False):
        assert po_states.can_move(current, target), (current, target)


@pytest.mark.parametrize("current", [Status.CLOSED, Status.CANCELLED])
def test_closed_and_cancelled_orders_are_final(current):
    for target in ALL:
        with pytest.raises(IllegalTransition) as raised:
            po_states.check_move(current, target)
        assert raised.value.status == 409 and raised.value.params == {"current": current, "target": target}


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (Status.ISSUED, Status.SHIPPED),  # nothing ships before the supplier acknowledges
        (Status.ISSUED, Status.RECEIVED),
        (Status.PARTLY_SHIPPED, Status.CANCELLED),  # goods are on the road
        (Status.SHIPPED, Status.CLOSED),
        (Status.RECEIVED, Status.ISSUED),
        (Status.ACKNOWLEDGED, Status.ISSUED),
    ],
)
def test_moves_off_the_map_raise(current, target):
    assert not po_states.can_move(current, target)
    with pytest.raises(IllegalTransition):
        po_states.check_move(current, target)


def _line(status=LineStatus.ACKNOWLEDGED, quantity=10, shipped=0, accepted=0, rejected=0):
    return PurchaseOrderLine(
        purchase_order_id=1,
        line_no=1,
        part_id=1,
        quantity=quantity,
        unit_price=1,
        requested_date=NOW.date(),
        status=status,
        shipped_quantity=shipped,
        accepted_quantity=accepted,
        rejected_quantity=rejected,
    )


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ([_line(), _line()], Status.ACKNOWLEDGED),
        ([_line(shipped=4), _line()], Status.PARTLY_SHIPPED),
        ([_line(shipped=10), _line(shipped=10)], Status.SHIPPED),
        ([_line(shipped=10, accepted=3), _line(shipped=10)], Status.PARTLY_RECEIVED),
        ([_line(shipped=10, accepted=9, rejected=1), _line(shipped=10, accepted=10)], Status.RECEIVED),
        # A rejected line owes nothing: the order is received when the other line is.
        ([_line(shipped=10, accepted=10), _line(status=LineStatus.REJECTED)], Status.RECEIVED),
        ([_line(status=LineStatus.REJECTED), _line(status=LineStatus.CANCELLED)], Status.CANCELLED),
    ],
)
def test_the_state_follows_the_acknowledged_quantities(lines, expected):
    assert po_states.status_from_lines(lines) == expected


def test_line_moves_are_checked_too():
    line = _line(status=LineStatus.REJECTED)
    with pytest.raises(IllegalTransition):
        po_states.move_line(line, LineStatus.ACKNOWLEDGED)
    assert line.status == LineStatus.REJECTED
    proposed = _line(status=LineStatus.PROPOSED)
    po_states.move_line(proposed, LineStatus.OPEN)  # a declined proposal reopens the line
    assert proposed.status == LineStatus.OPEN


def _events(session: Session, order_id: int) -> int:
    return session.exec(
        select(func.count())
        .select_from(PurchaseOrderEvent)
        .where(PurchaseOrderEvent.purchase_order_id == order_id)
    ).one()


def test_an_illegal_move_is_never_written(sqlite_url):
    with Session(get_engine(), expire_on_commit=False) as session:
        world = build_world(session)
        order = issue(session, world, [10])
        before = _events(session, order["id"])
        row = session.get(PurchaseOrder, order["id"])
        with pytest.raises(IllegalTransition):
            po_states.move_order(session, row, Status.RECEIVED, world.manager)
        session.commit()
        assert session.get(PurchaseOrder, order["id"]).status == Status.ISSUED
        assert _events(session, order["id"]) == before


def test_every_change_is_on_the_timeline_with_time_and_actor(sqlite_url):
    with Session(get_engine(), expire_on_commit=False) as session:
        world = build_world(session)
        order = acknowledge_all(session, world, issue(session, world, [10, 5]))
        notice = ship(session, world, order, [10, 5], shipped_at=NOW + timedelta(days=1))
        receive(session, world, notice, [10, 5], received_at=NOW + timedelta(days=3))
        order = purchasing.close_purchase_order(
            session, world.manager, order["id"], now=NOW + timedelta(days=4)
        )
        for principal in (world.manager, world.first.principal):
            timeline = purchasing.get_purchase_order(session, principal, order["id"])["timeline"]
            moves = [(entry["from_status"], entry["to_status"]) for entry in timeline if entry["to_status"]]
            assert moves == [
                (None, "issued"),
                ("issued", "acknowledged"),
                ("acknowledged", "shipped"),
                ("shipped", "received"),
                ("received", "closed"),
            ]
            actors = {entry["kind"]: entry["actor_name"] for entry in timeline}
            assert actors["issued"] == world.manager.full_name
            assert actors["line_acknowledged"] == world.first.principal.full_name
            assert actors["asn_created"] == world.first.principal.full_name
            assert [entry["at"] for entry in timeline] == sorted(entry["at"] for entry in timeline)


def test_shipping_a_cancelled_order_raises_and_writes_no_notice(sqlite_url):
    with Session(get_engine(), expire_on_commit=False) as session:
        world = build_world(session)
        order = acknowledge_all(session, world, issue(session, world, [10]))
        purchasing.cancel_purchase_order(session, world.manager, order["id"], reason="project stopped")
        with pytest.raises(IllegalTransition) as raised:
            ship(session, world, order, [10])
        assert raised.value.code == "purchase.not_shippable"
        assert session.exec(select(func.count()).select_from(ShippingNotice)).one() == 0
        lines = purchasing.get_purchase_order(session, world.manager, order["id"])["lines"]
        assert [line["status"] for line in lines] == ["cancelled"]


def test_an_order_with_goods_on_the_road_cannot_be_cancelled_or_closed(sqlite_url):
    with Session(get_engine(), expire_on_commit=False) as session:
        world = build_world(session)
        order = acknowledge_all(session, world, issue(session, world, [10]))
        ship(session, world, order, [4])
        with pytest.raises(IllegalTransition):
            purchasing.cancel_purchase_order(session, world.manager, order["id"], reason="too late")
        with pytest.raises(IllegalTransition):
            purchasing.close_purchase_order(session, world.manager, order["id"])
        detail = purchasing.get_purchase_order(session, world.manager, order["id"])
        assert detail["status"] == "partly_shipped"


def test_a_closed_order_cannot_be_closed_again(sqlite_url):
    with Session(get_engine(), expire_on_commit=False) as session:
        world = build_world(session)
        order = acknowledge_all(session, world, issue(session, world, [10]))
        receive(session, world, ship(session, world, order, [10]), [10])
        purchasing.close_purchase_order(session, world.manager, order["id"])
        events = _events(session, order["id"])
        with pytest.raises(IllegalTransition):
            purchasing.close_purchase_order(session, world.manager, order["id"])
        assert _events(session, order["id"]) == events


@pytest.mark.parametrize("status", ALL)
def test_cancel_and_close_are_offered_exactly_where_the_transition_table_allows_them(status):
    assert po_states.may_cancel(status) == (Status.CANCELLED in po_states.TRANSITIONS[status])
    assert po_states.may_close(status) == (Status.CLOSED in po_states.TRANSITIONS[status])


def test_an_order_that_has_shipped_can_no_longer_be_cancelled_and_only_a_received_one_closes():
    assert [s for s in ALL if po_states.may_cancel(s)] == [Status.ISSUED, Status.ACKNOWLEDGED]
    assert sorted(s for s in ALL if po_states.may_close(s)) == [Status.PARTLY_RECEIVED, Status.RECEIVED]
    assert not po_states.may_cancel(None) and not po_states.may_close("")
