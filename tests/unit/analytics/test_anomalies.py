"""The attention panel on a constructed quarter, on SQLite and PostgreSQL: a dealer whose orders
collapse in the last complete week is flagged with the week's orders one click away; a steady one is
not; a dealer sees only its own flags."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import Session

from models.db import get_engine
from services.analytics import anomalies, drilldown, facts
from services.analytics.filters import parse_filter
from services.analytics.scope import scoped_filter
from services.catalog.lists import Page
from tests.analytics_world import add_order, build_parties, local

# Monday 5 January 2026 .. Sunday 5 April 2026: thirteen weeks; the last complete one of a view of
# April (looked at on Wednesday 8 April) is 30 March to 5 April.
FIRST_MONDAY = date(2026, 1, 5)
TODAY = date(2026, 4, 8)


def _week_of_orders(session, world, dealer: str, monday: date, count: int) -> None:
    for n in range(count):
        day = monday + timedelta(days=n % 5)
        add_order(
            session,
            world,
            dealer=dealer,
            created_at=local(day.year, day.month, day.day, 10 + n % 6),
            status="paid",
            lines=[(world.stock_brake, 1, "100.00")],
            paid_after=timedelta(minutes=5),
        )


@pytest.fixture
def quarter(any_db_url):
    """Dealer A: 6 orders a week (7 every third week), 1 in the last week. Dealer B: 4 a week, 4 in
    the last week (steady). Every order 100 CNY."""
    with Session(get_engine(), expire_on_commit=False) as session:
        world = build_parties(session)
        for week in range(13):
            monday = FIRST_MONDAY + timedelta(weeks=week)
            last = week == 12
            _week_of_orders(session, world, "a", monday, 1 if last else (7 if week % 3 == 0 else 6))
            _week_of_orders(session, world, "b", monday, 4)
        session.commit()
        facts.rebuild(session)
        session.commit()
    return world


def _attention(principal, query: str = "period=month&day=2026-04-08") -> dict:
    with Session(get_engine()) as session:
        flt = scoped_filter(principal, parse_filter(query, today=TODAY))
        return anomalies.attention(session, flt, TODAY)


def test_a_collapse_in_the_last_complete_week_is_flagged_with_its_band_and_its_rows(quarter):
    result = _attention(quarter.manager)
    assert result["week"] == {"from": "2026-03-30", "to": "2026-04-05"}
    flagged = {(flag["dealer_id"], flag["metric"]): flag for flag in result["flags"]}
    # A's orders and GMV fell to a sixth; B stayed put; the network fell (10 -> 5), also flagged
    assert set(flagged) == {
        (quarter.dealer_a.id, "orders"),
        (quarter.dealer_a.id, "gmv"),
        (None, "orders"),
        (None, "gmv"),
    }
    orders = flagged[(quarter.dealer_a.id, "orders")]
    assert orders["direction"] == "low"
    assert (orders["value"], orders["median"], orders["high"]) == ("1.00", "6.00", "7.00")
    assert orders["low"] == "6.00"
    assert flagged[(quarter.dealer_a.id, "gmv")]["value"] == "100.00"
    assert result["flags"][0]["dealer_id"] == quarter.dealer_a.id  # the worst first
    # the flag opens that week's orders of that dealer: exactly the one order
    drill = orders["drill"]
    assert drill | {} == {
        "period": "custom",
        "from": "2026-03-30",
        "to": "2026-04-05",
        "dealer": str(quarter.dealer_a.id),
        "drill": "orders",
    }
    with Session(get_engine()) as session:
        flt = parse_filter(drill, today=TODAY)
        rows = drilldown.page_of_rows(session, quarter.manager, flt, "orders", Page(1, 50))
    assert rows["total"] == 1


def test_a_dealer_sees_only_its_own_flags_and_a_steady_dealer_has_none(quarter):
    assert _attention(quarter.dealer_b_user)["flags"] == []
    own = _attention(quarter.dealer_a_user)["flags"]
    assert {flag["dealer_id"] for flag in own} == {quarter.dealer_a.id}


def test_a_week_within_the_band_or_without_enough_history_is_not_flagged(quarter):
    # the week of 16 to 22 March (a normal week for both) against the twelve before, of which only
    # ten have orders: A and B both have a usual band and stay inside it
    assert _attention(quarter.manager, "period=week&day=2026-03-18")["flags"] == []
    # February's last week has only seven weeks of orders before it: no band, no flag
    assert _attention(quarter.manager, "period=week&day=2026-02-25")["flags"] == []
