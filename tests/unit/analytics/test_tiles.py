"""Each KPI on the hand-checked month (tests/analytics_world.py), on SQLite and PostgreSQL: the figure
is the hand-computed one and what its drill-down rows add up to."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import Session

from models.db import get_engine
from services.analytics import drilldown, facts
from services.analytics.filters import parse_filter
from services.analytics.tiles import dashboard
from tests.analytics_world import EXPECTED, build_world

MARCH = "period=month&day=2026-03-10"


@pytest.fixture
def world(any_db_url):
    with Session(get_engine(), expire_on_commit=False) as session:
        built = build_world(session)
        facts.rebuild(session)
        session.commit()
    return built


def _tiles(principal, query: str = MARCH) -> dict:
    with Session(get_engine()) as session:
        result = dashboard(session, principal, parse_filter(query, today=date(2026, 3, 10)))
        session.commit()
    return {tile["key"]: tile for tile in result["tiles"]}


def test_every_tile_of_the_month_is_the_hand_computed_figure_split_compared_and_with_its_rates(world):
    tiles = _tiles(world.manager)
    assert {key: tile["value"] for key, tile in tiles.items()} == EXPECTED
    assert tiles["forecast_accuracy"]["status"] == "empty"  # no forecasts stored: nothing invented
    assert tiles["procurement_savings"]["status"] == "empty"
    assert tiles["test_drive_conversion"]["status"] == "empty"
    # GMV and orders by channel, against February
    assert tiles["gmv"]["breakdown"] == {
        "dealer_order": "1643.3100",
        "customer_store": "0.0000",
        "customer_online": "200000.0000",
    }
    assert tiles["orders"]["breakdown"]["dealer_order"] == "4.0000"
    assert tiles["gmv"]["previous"] == "1000.00"  # o2, 23:30 on 28 February in Shanghai
    assert tiles["gmv"]["change_previous"] == {"delta": "200643.31", "percent": "20064.33"}
    assert tiles["gmv"]["last_year"] == "0.00"
    # the FX rates that converted the money
    assert tiles["gmv"]["rates_used"] == [
        {"currency": "EUR", "day": "2026-03-01", "rate": "7.80000000"},
        {"currency": "EUR", "day": "2026-03-02", "rate": "7.90000000"},
    ]


def _rows(principal, kind: str, query: str = MARCH) -> list[dict]:
    with Session(get_engine()) as session:
        return drilldown.all_rows(session, principal, parse_filter(query, today=date(2026, 3, 10)), kind)[1]


def test_each_figure_is_what_its_drilldown_rows_add_up_to_with_or_without_a_category(world):
    tiles = _tiles(world.manager)
    orders = [row for row in _rows(world.manager, "orders") if row["counted"] == "standing"]
    assert sum(row["value_reporting"] for row in orders) == Decimal(tiles["gmv"]["value"])
    assert len(orders) == Decimal(tiles["orders"]["value"])
    paid = [row["paid_minutes"] for row in orders if row["paid_minutes"] is not None]
    hours = (Decimal(sum(paid)) / len(paid) / 60).quantize(Decimal("0.01"))
    assert hours == Decimal(tiles["order_to_paid_hours"]["value"])
    lines = _rows(world.manager, "lines")
    assert Decimal(sum(r["units_allocated"] for r in lines) * 100) / sum(
        r["quantity"] for r in lines
    ) == Decimal(tiles["fill_rate"]["value"])
    stock = _rows(world.manager, "stock")
    assert sum(row["value_reporting"] for row in stock) == Decimal(tiles["inventory_value"]["value"])
    outs = _rows(world.manager, "stockouts")
    assert (len(outs), sum(row["stocked_out"] for row in outs)) == (3, 2)
    incidents = _rows(world.manager, "incidents")
    assert [row["response_minutes"] for row in incidents] == [30, 90]
    cancelled = {
        row["order_number"] for row in _rows(world.manager, "orders") if row["counted"] == "cancelled"
    }
    assert len(cancelled) == 2  # o3 declined, o6 refunded
    # a category filter counts only that category's lines
    query = MARCH + "&category=Brakes"
    tiles = _tiles(world.manager, query)
    assert tiles["gmv"]["value"] == "1543.31"  # 300 + 200 + 780.00 + 263.31
    assert tiles["orders"]["value"] == "4.00"
    parts = _rows(world.manager, "orders", query)
    assert sum(row["value_reporting"] for row in parts) == Decimal("1543.31")


def test_a_dealer_sees_its_own_stores_only_and_never_another_dealers_rows(world):
    tiles = _tiles(world.dealer_b_user)
    assert tiles["gmv"]["value"] == "1043.31"  # 780.00 + 263.31
    assert "supplier_on_time" not in tiles
    rows = _rows(world.dealer_b_user, "orders")
    assert {row["dealer_organisation_id"] for row in rows} == {world.dealer_b.id}
    from services.platform.errors import PermissionDenied

    with pytest.raises(PermissionDenied) as refused:
        _tiles(world.dealer_b_user, MARCH + f"&dealer={world.dealer_a.id}")
    assert refused.value.field == "dealer"
    with pytest.raises(PermissionDenied):
        _tiles(world.supplier_user)
    with pytest.raises(PermissionDenied):
        _rows(world.supplier_user, "orders")


def test_a_running_month_is_compared_with_the_same_days_before(world, monkeypatch):
    """Looked at on 10 March, March so far (1-10) stands against 1-10 February and 1-10 March
    2025: February's only order (the 28th) is not in its first ten days."""
    from services.analytics import tiles as tiles_module

    monkeypatch.setattr(tiles_module, "today_for", lambda _principal, now=None: date(2026, 3, 10))
    with Session(get_engine()) as session:
        result = dashboard(session, world.manager, parse_filter(MARCH, today=date(2026, 3, 10)))
    assert result["compared"] == {
        "value": {"from": "2026-03-01", "to": "2026-03-10"},
        "previous": {"from": "2026-02-01", "to": "2026-02-10"},
        "last_year": {"from": "2025-03-01", "to": "2025-03-10"},
    }
    gmv = next(tile for tile in result["tiles"] if tile["key"] == "gmv")
    assert gmv["previous"] == "0.00"  # the whole of February: 1000.00
    assert len(gmv["sparkline"]) == 10  # the days so far, none of the future


def test_postgresql_sums_the_stock_tiles_in_sql_as_the_rows_add_up(pg_url):
    """The stock tiles' aggregate query (PostgreSQL) gives what the drill-down rows add up to, with
    parts in several currencies converted row by row at today's rate, per filter."""
    from datetime import timedelta

    from models import FxRate
    from models.types import utcnow
    from tests.analytics_world import add_order, local
    from tests.factories import make_part, make_stock

    with Session(get_engine(), expire_on_commit=False) as session:
        world = build_world(session)
        today = utcnow().astimezone(facts.reporting_zone()).date()
        session.add(
            FxRate(day=today - timedelta(days=3), currency="EUR", rate=Decimal("7.77777777"), source="t")
        )
        for n, (price, on_hand) in enumerate((("12.34", 7), ("0.99", 13), ("1001.01", 0))):
            part = make_part(session, world.supplier, price=price, currency="EUR", category="Filters")
            stock = make_stock(session, world.warehouse, part, on_hand=on_hand)
            if n == 2:  # demanded in March and stocked out
                add_order(
                    session,
                    world,
                    dealer="a",
                    created_at=local(2026, 3, 12),
                    status="pending_payment",
                    lines=[(stock, 1, price)],
                )
        session.commit()
        facts.rebuild(session)
        session.commit()
        for query in (MARCH, MARCH + "&category=Filters", MARCH + f"&dealer={world.dealer_a.id}"):
            flt = parse_filter(query, today=date(2026, 3, 10))
            in_sql = drilldown.stock_summary(session, flt)
            rows = drilldown.stock_rows(session, flt)  # the drill-down's rows, summed in Python
            outs = drilldown.stockout_rows(session, flt, rows)
            assert in_sql["value"] == (sum(r["value_reporting"] for r in rows) if rows else None), query
            assert in_sql["on_hand"] == sum(r["on_hand"] for r in rows)
            assert (in_sql["with_demand"], in_sql["stocked_out"]) == (
                len(outs),
                sum(1 for r in outs if r["stocked_out"]),
            )
        assert (
            drilldown.stock_summary(session, parse_filter(MARCH, today=date(2026, 3, 10)))["stocked_out"] >= 1
        )


def test_the_category_and_supplier_filters_offer_what_the_facts_hold(world):
    """The dashboard's category choices are the vehicle models and part categories ordered (models
    first), its supplier choices the suppliers; choosing one narrows every fact tile."""
    from services.analytics.tiles import filter_choices

    with Session(get_engine()) as session:
        choices = filter_choices(session)
    values = [choice["value"] for choice in choices["categories"]]
    assert values[0] == world.model_code and set(values) == {world.model_code, "Brakes", "Filters"}
    assert [s["id"] for s in choices["suppliers"]] == [world.supplier.id]
    brakes = _tiles(world.manager, MARCH + "&category=Brakes")
    assert Decimal(brakes["gmv"]["value"]) < Decimal(_tiles(world.manager)["gmv"]["value"])


def test_the_country_filter_offers_the_stores_countries_in_scope_and_narrows_every_tile(world):
    """A manager chooses among the network's countries, a dealer among its own stores'; choosing the
    German one shows the German store's figures only (the Berlin dealer's March GMV)."""
    from services.analytics.tiles import countries

    with Session(get_engine()) as session:
        assert countries(session, world.manager) == ["CN", "DE"]
        assert countries(session, world.dealer_b_user) == ["DE"]
    germany = _tiles(world.manager, MARCH + "&country=DE")
    assert germany["gmv"]["value"] == "1043.31"
    german_rows = _rows(world.manager, "orders", MARCH + "&country=DE")
    assert {row["dealer_organisation_id"] for row in german_rows} == {world.dealer_b.id}


@pytest.mark.parametrize(
    "kind, query",
    [
        ("orders", MARCH),
        ("orders", MARCH + "&category=Brakes"),
        ("orders", MARCH + "&item_kind=vehicle"),
        ("lines", MARCH),
        ("lines", MARCH + "&country=DE"),
        ("stock", MARCH),
        ("stockouts", MARCH),
        ("incidents", MARCH),
    ],
)
def test_the_drilldown_pages_are_the_rows_in_order_and_count_them_all(world, kind, query):
    """The database picks and counts a page's rows: page after page gives every row once, in the
    order of the whole list, and each page says how many there are in all."""
    from services.catalog.lists import Page

    flt = parse_filter(query, today=date(2026, 3, 10))
    with Session(get_engine()) as session:
        given, every = drilldown.all_rows(session, world.manager, flt, kind)
        assert every, "the hand-checked month has rows of each kind"
        paged, number = [], 1
        while True:
            page = drilldown.page_of_rows(session, world.manager, flt, kind, Page(number, 2))
            assert page["total"] == len(every) and page["kind"] == given
            if not page["rows"]:
                break
            paged.extend(page["rows"])
            number += 1
    assert paged == [{column: drilldown._str(row.get(column)) for column in page["columns"]} for row in every]
    assert number - 1 == -(-len(every) // 2)


def test_an_export_past_the_limit_is_refused_with_the_count(world, monkeypatch):
    """More rows than an export holds: refused naming the limit and the count, for the database's
    kinds (counted before any row is read) and the small ones alike."""
    from services.platform.errors import ValidationFailed

    monkeypatch.setattr(drilldown, "MAX_EXPORT_ROWS", 1)
    flt = parse_filter(MARCH, today=date(2026, 3, 10))
    with Session(get_engine()) as session:
        for kind in ("orders", "lines", "stock", "incidents"):
            total = len(drilldown.all_rows(session, world.manager, flt, kind)[1])
            with pytest.raises(ValidationFailed) as refused:
                drilldown.export_csv(session, world.manager, flt, kind)
            assert refused.value.code == "kpi.export_too_large"
            assert refused.value.params == {"max": 1, "count": total}


def test_paging_on_reuses_the_count_until_the_facts_change(world, monkeypatch):
    """The first page counts the rows; the next pages of the same view reuse that count (the slow
    half on a large period) until a facts refresh bumps the version."""
    from services.catalog.lists import Page

    counted = []
    real = drilldown._count
    monkeypatch.setattr(
        drilldown, "_count", lambda session, statement: counted.append(1) or real(session, statement)
    )
    flt = parse_filter(MARCH, today=date(2026, 3, 10))
    with Session(get_engine()) as session:
        first = drilldown.page_of_rows(session, world.manager, flt, "orders", Page(1, 2))
        second = drilldown.page_of_rows(session, world.manager, flt, "orders", Page(2, 2))
        session.commit()
    assert len(counted) == 1 and first["total"] == second["total"] > 2
    with Session(get_engine()) as session:
        facts.rebuild(session)
        session.commit()
        again = drilldown.page_of_rows(session, world.manager, flt, "orders", Page(2, 2))
    assert len(counted) == 2 and again["total"] == first["total"]
