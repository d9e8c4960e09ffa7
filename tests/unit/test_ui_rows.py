"""The rows the states hand to the UI kit: typed rows whose flags are real booleans (the pages
branch on them with rx.cond), and one row shape for the one timeline component."""

from __future__ import annotations

from types import SimpleNamespace
from typing import get_type_hints

import reflex as rx

from models import OrderStatus, PaymentStatus, TrackingStatus
from portal.components.timeline import timeline
from services.i18n import KEYS, translate
from state.catalog.stock import StockRow, StockState
from state.identity.admin import AdminState, UserRow
from state.ordering.orders import OrderState
from state.shared.timeline import TimelineRow
from state.showroom.browse import ShowroomState, TrimCard


def _computed(state, name: str, **attributes):
    """The value of `state`'s computed var `name` for a state holding `attributes`."""
    return state.computed_vars[name].fget(SimpleNamespace(**attributes))


def test_a_stock_row_is_low_at_or_under_the_threshold() -> None:
    rows = _computed(
        StockState,
        "display_rows",
        low_threshold=5,
        fmt_number=str,
        language="en",
        rows=[
            {
                "location_name": "Central",
                "location_code": "WH-1",
                "item_code": "P-1",
                "item_name": "Pad",
                "item_kind": "part",
                "on_hand": on_hand,
                "reserved": 0,
                "available": on_hand,
            }
            for on_hand in (5, 6)
        ],
    )
    assert [row["low"] for row in rows] == [True, False]
    assert all(type(row["low"]) is bool for row in rows)
    assert set(rows[0]) == set(get_type_hints(StockRow))


def test_the_admin_sees_who_is_active_and_which_account_is_their_own() -> None:
    users = [
        {
            "id": user_id,
            "email": f"u{user_id}@example.test",
            "full_name": f"User {user_id}",
            "role": "dealer",
            "organisation": "Org",
            "is_active": active,
            "locked_until": "",
            "last_login_at": "",
        }
        for user_id, active in ((1, True), (2, False))
    ]
    rows = _computed(
        AdminState, "user_rows", users=users, user_id=1, t=lambda key, **_: key, fmt_time=str, language="en"
    )
    flags = [(row["id"], row["active"], row["is_self"]) for row in rows]
    assert flags == [(1, True, True), (2, False, False)]
    assert set(rows[0]) == set(get_type_hints(UserRow))


def test_an_order_timeline_entry_shows_its_status_cause_and_reference() -> None:
    order = {
        "timeline": [
            {
                "at": "2026-03-01T08:00:00+00:00",
                "to_status": "paid",
                "cause": "order.event.payment_captured",
                "detail": "GW-42",
            }
        ]
    }
    entries = _computed(
        OrderState,
        "timeline",
        _order=order,
        fmt_time=lambda at: "1 Mar, 08:00",
        t=lambda key, **_: f"<{key}>",
        _label=lambda prefix, value: f"<{prefix}.{value}>",
    )
    assert entries == [
        {
            "at": "1 Mar, 08:00",
            "status": "paid",
            "title": "<order.status.paid>",
            "change": "",
            "cause": "<order.event.payment_captured>",
            "detail": "",
            "code": "GW-42",
            "actor": "",
        }
    ]
    assert set(entries[0]) == set(get_type_hints(TimelineRow))


class _Timelines(rx.State):
    order_entries: list[TimelineRow] = []
    purchase_order_entries: list[dict[str, str]] = []


def test_one_timeline_component_serves_orders_and_purchase_orders() -> None:
    """The order page's entries carry their status (the e2e tests count them); a purchase order's
    timeline says when there is nothing on it yet."""
    order = str(timeline(_Timelines.order_entries, "order-timeline", empty_key=None).render())
    purchase_order = str(timeline(_Timelines.purchase_order_entries).render())
    assert "order-timeline" in order and "data-timeline-status" in order and "timeline.empty" not in order
    assert "timeline.empty" in purchase_order


def test_a_dealer_sees_which_trims_stand_at_its_stores() -> None:
    trims = [
        {
            "id": trim_id,
            "code": f"T-{trim_id}",
            "model": "Aurora",
            "model_code": "aurora",
            "name": "Base",
            "body": "suv",
            "powertrain": "bev",
            "range_km": 500,
            "consumption": None,
            "power_kw": 150,
            "price": "250000.00",
            "currency": "CNY",
        }
        for trim_id in (1, 2)
    ]
    cards = _computed(
        ShowroomState,
        "cards",
        _trims=trims,
        _store_stock={"1": 2},
        shows_store_stock=True,
        language="en",
        t=lambda key, **params: f"{key}{params}",
    )
    assert [(card["code"], card["in_stock"]) for card in cards] == [("T-1", True), ("T-2", False)]
    assert set(cards[0]) == set(get_type_hints(TrimCard))


def test_a_customer_reads_plain_words_where_a_dealer_reads_the_trades() -> None:
    def label_for(role: str, prefix: str, value: str, language: str = "en") -> str:
        state = SimpleNamespace(role=role, t=lambda key, **params: translate(key, language, **params))
        return OrderState._label(state, prefix, value)

    assert label_for("customer", "order.status", "allocated") == "Being prepared"
    assert label_for("dealer", "order.status", "allocated") == "Allocated"
    assert label_for("customer", "payment.status", "captured") == "Paid"
    assert label_for("dealer", "payment.status", "captured") == "Captured"
    assert label_for("customer", "order.event", "allocated") == "Your car is reserved and being prepared"
    assert label_for("customer", "order.status", "allocated", "zh") == "正在为您备车"
    # Every status and event a customer can meet has its plain words, in both languages.
    for prefix, values in (
        ("order.status", [status.value for status in OrderStatus]),
        ("payment.status", [status.value for status in PaymentStatus]),
    ):
        for value in values:
            assert f"customer.{prefix}.{value}" in KEYS, (prefix, value)
    for status in TrackingStatus:
        for language in ("en", "zh"):
            assert (
                translate(f"customer.shipment.{status.value}", language)
                != f"customer.shipment.{status.value}"
            )
