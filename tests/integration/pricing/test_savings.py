"""The savings backtest on a hand-checked case, on SQLite and PostgreSQL.

The pricing world's agreement (P0 100.00 CNY on 2026-01-15, a = 0.40, copper 0.35 over a 3-month
average lagged one month, steel 0.25 for the month itself, reviewed every 30 days), with copper
falling from January. Its replay, review by review (copper's base average is 8200, steel's 500):

    2026-02-14  Cu (8200+8400+8200)/3 = 8266.67, steel 500  -> 100 x 1.002846 = 100.28
    2026-03-16  Cu (8400+8200+7800)/3 = 8133.33, steel 500  -> 100 x 0.997154 =  99.72
    2026-04-15  Cu (8200+7800+7600)/3 = 7866.67, steel 500  -> 100 x 0.985772 =  98.58
    2026-05-15  Cu (7800+7600+7400)/3 = 7600.00, steel 520  -> 100 x 0.984390 =  98.44

The lines paid at the static price, against the replayed one:

    2026-03-01  10 x 100.00 CNY = 1000.00   10 x 100.28 = 1002.80    -2.80
    2026-04-20  20 x 100.00 CNY = 2000.00   20 x  98.58 = 1971.60   +28.40
    2026-04-20  10 x  12.50 EUR =  975.00   10 x  98.58 =  985.80   -10.80  (EUR 7.80 of 04-17)
    2026-05-20   5 x 101.00 CNY =  505.00    5 x  98.44 =  492.20   +12.80
                                  4480.00                 4452.40   +27.60  (0.62 %)

Left out: a line before the base date, one in USD (no rate), a cancelled one, and a part without an
agreement.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlmodel import Session, select

from models import (
    FxRate,
    MarketIndex,
    Organisation,
    Part,
    PriceAgreement,
    PurchaseOrder,
    PurchaseOrderLine,
)
from models.db import get_engine
from services.platform.errors import PermissionDenied, ValidationFailed
from services.pricing import savings
from services.pricing.indices import monthly_levels
from tests.factories import make_part
from tests.pricing_world import add_values, build_world

pytestmark = pytest.mark.usefixtures("any_db_url")

COPPER = {
    date(2025, 10, 1): "8000",
    date(2025, 11, 1): "8200",
    date(2025, 12, 1): "8400",
    date(2026, 1, 1): "8200",
    date(2026, 2, 1): "7800",
    date(2026, 3, 1): "7600",
    date(2026, 4, 1): "7400",
}
STEEL_MORE = {date(2026, 2, 1): "500", date(2026, 3, 1): "500", date(2026, 4, 1): "500"}
START, END = date(2026, 1, 1), date(2026, 6, 30)


def _order(session: Session, world, supplier_id: int, day: date, currency: str, lines: list[tuple]) -> None:
    order = PurchaseOrder(
        supplier_id=supplier_id,
        buyer_organisation_id=world.manager.organisation_id,
        ship_to_location_id=world.warehouse_id,
        currency=currency,
        issued_at=datetime.combine(day, datetime.min.time()).replace(hour=9, tzinfo=UTC),
    )
    session.add(order)
    session.flush()
    for number, (part_id, quantity, price, *status) in enumerate(lines, start=1):
        session.add(
            PurchaseOrderLine(
                purchase_order_id=order.id,
                line_no=number,
                part_id=part_id,
                quantity=quantity,
                unit_price=Decimal(price),
                requested_date=day,
                status=status[0] if status else "open",
            )
        )


def _world():
    world = build_world(copper=COPPER)
    with Session(get_engine(), expire_on_commit=False) as session:
        steel = session.exec(select(MarketIndex).where(MarketIndex.code == "HRC")).one()
        add_values(session, steel, STEEL_MORE)
        session.add(FxRate(day=date(2026, 4, 17), currency="EUR", rate=Decimal("7.80"), source="test"))
        supplier = session.get(Organisation, world.supplier_id)
        unagreed = make_part(session, supplier, price="50.00")
        _order(session, world, world.supplier_id, date(2026, 1, 10), "CNY", [(world.part_id, 10, "100.00")])
        _order(
            session,
            world,
            world.supplier_id,
            date(2026, 3, 1),
            "CNY",
            [
                (world.part_id, 10, "100.00"),
                (unagreed.id, 4, "50.00"),
                (world.part_id, 7, "100.00", "cancelled"),
            ],
        )
        _order(session, world, world.supplier_id, date(2026, 4, 20), "CNY", [(world.part_id, 20, "100.00")])
        _order(session, world, world.supplier_id, date(2026, 4, 20), "EUR", [(world.part_id, 10, "12.50")])
        _order(session, world, world.supplier_id, date(2026, 4, 21), "USD", [(world.part_id, 10, "14.00")])
        _order(session, world, world.supplier_id, date(2026, 5, 20), "CNY", [(world.part_id, 5, "101.00")])
        session.commit()
    return world


def test_the_replay_reprices_on_every_review_with_the_agreements_formula():
    world = _world()
    with Session(get_engine()) as session:
        report = savings.savings_report(session, world.manager, start=START, end=END)
        agreement = session.get(PriceAgreement, world.agreement_id)
        terms = savings.terms_of(session, [agreement.id])[agreement.id]
        levels = monthly_levels(session, {term.index_id for term in terms})
        path = savings.replay_prices(agreement, terms, levels, END)
    assert path == [
        (date(2026, 1, 15), Decimal("100.00")),
        (date(2026, 2, 14), Decimal("100.28")),
        (date(2026, 3, 16), Decimal("99.72")),
        (date(2026, 4, 15), Decimal("98.58")),
        (date(2026, 5, 15), Decimal("98.44")),
    ]
    assert report["lines"] == 4


def test_savings_per_category_and_supplier_in_the_reporting_currency():
    world = _world()
    with Session(get_engine()) as session:
        report = savings.savings_report(session, world.manager, start=START, end=END)
        total, currency, rows = savings.savings_for_period(session, world.manager, START, END)
    assert (report["paid"], report["with_agreements"], report["savings"]) == (
        Decimal("4480.00"),
        Decimal("4452.40"),
        Decimal("27.60"),
    )
    assert report["savings_pct"] == Decimal("0.62")
    assert report["left_out"] == {"before_agreement": 1, "no_rate": 1}
    assert (total, currency) == (Decimal("27.60"), "CNY")
    assert len(rows) == 1
    row = rows[0]
    assert (row["category"], row["supplier_name"], row["lines"], row["quantity"]) == (
        "Brake pads",
        "Jiangsu Copper Works",
        4,
        45,
    )
    assert row["savings"] == Decimal("27.60")


def test_a_shorter_period_counts_only_its_own_orders():
    world = _world()
    with Session(get_engine()) as session:
        total, _, rows = savings.savings_for_period(
            session, world.manager, date(2026, 4, 1), date(2026, 4, 30)
        )
    # 2000.00 - 1971.60 and 975.00 - 985.80 (the USD line has no rate)
    assert total == Decimal("17.60")
    assert rows[0]["lines"] == 2


def test_no_one_reads_another_organisations_savings():
    world = _world()
    with Session(get_engine()) as session:
        other = savings.savings_report(session, world.other_oem_manager, start=START, end=END)
        assert other["rows"] == [] and other["savings"] == Decimal(0)
        with pytest.raises(PermissionDenied):
            savings.savings_report(session, world.supplier_user, start=START, end=END)
        with pytest.raises(ValidationFailed) as refused:
            savings.savings_report(session, world.manager, start=END, end=START)
    assert refused.value.field == "end"


def test_the_kpi_dashboard_shows_the_savings_and_its_rows():
    """The managers' KPI tile reads the same backtest, from the daily facts the nightly rebuild
    writes: the half year's 27.60 CNY, its rows the category and supplier."""
    from services.analytics import drilldown, facts
    from services.analytics.filters import parse_filter
    from services.analytics.tiles import dashboard
    from services.catalog.lists import Page

    world = _world()
    flt = parse_filter("period=custom&from=2026-01-01&to=2026-06-30", today=date(2026, 7, 1))
    with Session(get_engine()) as session:
        facts.rebuild(session)
        session.commit()
    with Session(get_engine()) as session:
        tiles = {tile["key"]: tile for tile in dashboard(session, world.manager, flt)["tiles"]}
        rows = drilldown.page_of_rows(session, world.manager, flt, "savings", Page(1, 20))
        session.commit()
    assert tiles["procurement_savings"]["value"] == "27.60"
    assert tiles["procurement_savings"]["drilldown"] == ["savings"]
    assert rows["total"] == 1 and rows["rows"][0]["savings"] == "27.60"
    assert rows["rows"][0]["supplier_name"] == "Jiangsu Copper Works"


def test_the_savings_facts_add_up_to_the_backtest_of_any_period_and_follow_the_filters():
    """Summed over any days, the daily facts are the backtest of those days to the cent (each line
    is rounded before it is summed); the category and supplier filters narrow them, a vehicle
    filter has none."""
    from services.analytics import facts
    from services.analytics.filters import parse_filter
    from services.analytics.tiles import dashboard

    world = _world()
    with Session(get_engine()) as session:
        written = facts.rebuild(session)["savings_rows"]
        session.commit()
    assert written == 3  # 03-01, 04-20 (the CNY and the EUR line share a day and a group), 05-20

    def tile(query: str) -> str | None:
        with Session(get_engine()) as session:
            flt = parse_filter(query, today=date(2026, 7, 1))
            tiles = {t["key"]: t for t in dashboard(session, world.manager, flt)["tiles"]}
            session.commit()
        return tiles["procurement_savings"]["value"]

    for first, last, expected in (
        (date(2026, 3, 1), date(2026, 3, 31), "-2.80"),
        (date(2026, 4, 1), date(2026, 4, 30), "17.60"),
        (date(2026, 5, 1), date(2026, 5, 31), "12.80"),
        (START, END, "27.60"),
    ):
        with Session(get_engine()) as session:
            backtest, _currency, _rows = savings.savings_for_period(session, world.manager, first, last)
        assert str(backtest) == expected
        assert tile(f"period=custom&from={first}&to={last}") == expected
    half = "period=custom&from=2026-01-01&to=2026-06-30"
    with Session(get_engine()) as session:
        category = session.get(Part, session.get(PriceAgreement, world.agreement_id).part_id).category
    assert tile(f"{half}&category={category}") == "27.60"
    assert tile(f"{half}&category=No-such-category") is None
    assert tile(f"{half}&supplier={world.supplier_id}") == "27.60"
    assert tile(f"{half}&supplier={world.other_supplier_id}") is None
    assert tile(f"{half}&item_kind=vehicle") is None
    assert tile("period=custom&from=2025-01-01&to=2025-06-30") is None  # nothing was bought then
