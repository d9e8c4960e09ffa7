"""FX rates (the day's, else the latest earlier one; none invented) and their CSV import; the
dashboard filter's periods and its URL form."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from models import FxRate
from models.db import get_engine
from services.analytics import fx
from services.analytics.filters import parse_filter
from services.platform.errors import FieldErrors, ValidationFailed

TODAY = date(2026, 3, 10)


def test_the_rate_of_a_day_without_one_is_the_latest_earlier_rate_and_none_before_the_first():
    book = fx.RateBook("CNY")
    book.add("EUR", date(2026, 3, 2), Decimal("7.9"))
    book.add("EUR", date(2026, 3, 1), Decimal("7.8"))
    assert book.lookup("EUR", date(2026, 3, 1)) == (Decimal("7.8"), date(2026, 3, 1))
    assert book.lookup("EUR", date(2026, 3, 7)) == (Decimal("7.9"), date(2026, 3, 2))
    assert book.lookup("CNY", date(2020, 1, 1)) == (Decimal("1"), None)
    with pytest.raises(ValidationFailed) as missing:
        book.lookup("EUR", date(2026, 2, 28))
    assert (missing.value.code, missing.value.field) == ("fx.rate_missing", "currency")
    assert fx.convert(Decimal("33.33"), Decimal("7.9")) == Decimal("263.31")


def _count() -> int:
    with Session(get_engine()) as session:
        return session.execute(select(func.count()).select_from(FxRate)).scalar_one()


def test_a_rates_file_names_every_bad_row_and_stores_nothing_then_a_good_one_replaces_the_day(sqlite_url):
    bad = (
        b"day,currency,rate\n2026-03-01,EUR,7.8\n2026-13-01,EUR,7.8\n2026-03-02,EURO,7.8\n"
        b"2026-03-03,USD,0\n2026-03-01,EUR,7.81\n2026-03-04,CNY,1\n2026-03-05,JPY,0.0480000001\n"
    )
    with Session(get_engine()) as session, pytest.raises(FieldErrors) as refused:
        fx.import_rates_csv(session, bad)
    assert [(e.field, e.code) for e in refused.value.errors] == [
        ("rows[3].day", "fx.day_invalid"),
        ("rows[4].currency", "fx.currency_invalid"),
        ("rows[5].rate", "fx.rate_invalid"),
        ("rows[6].day", "fx.row_duplicate"),
        ("rows[7].currency", "fx.currency_is_reporting"),
        ("rows[8].rate", "fx.rate_too_precise"),
    ]
    assert _count() == 0
    with Session(get_engine()) as session:
        fx.import_rates_csv(session, b"day,currency,rate\n2026-03-01,EUR,7.8\n")
        fx.import_rates_csv(session, b"\xef\xbb\xbfDay,Currency,Rate\n2026-03-01,eur,7.85\n")
        session.commit()
        rates = session.execute(select(FxRate.currency, FxRate.rate)).all()
    assert rates == [("EUR", Decimal("7.85000000"))]
    with Session(get_engine()) as session, pytest.raises(ValidationFailed) as unreadable:
        fx.import_rates_csv(session, b"currency\nEUR\n")
    assert (unreadable.value.code, unreadable.value.field) == ("fx.columns_missing", "file")


def test_the_demo_rates_cover_working_days_and_keep_imported_ones(sqlite_url):
    with Session(get_engine()) as session:
        session.add(FxRate(day=date(2026, 3, 2), currency="EUR", rate=Decimal("8"), source="csv"))
        written = fx.seed_demo_rates(
            session, {"CNY": Decimal("1"), "EUR": Decimal("7.8")}, date(2026, 3, 1), date(2026, 3, 8)
        )
        session.commit()
        rows = dict(session.execute(select(FxRate.day, FxRate.rate)).all())
    assert written == 4  # Monday the 2nd is the import's; Tuesday to Friday seeded; no weekend
    assert rows[date(2026, 3, 2)] == Decimal("8")
    assert all(Decimal("7.6") < rate < Decimal("8") for day, rate in rows.items() if day != date(2026, 3, 2))


@pytest.mark.parametrize(
    ("query", "first", "last", "previous", "last_year"),
    [
        (
            "period=month&day=2026-03-31",
            "2026-03-01",
            "2026-03-31",
            ("2026-02-01", "2026-02-28"),
            "2025-03-01",
        ),
        (
            "period=week&day=2026-03-04",
            "2026-03-02",
            "2026-03-08",
            ("2026-02-23", "2026-03-01"),
            "2025-03-02",
        ),
        (
            "period=quarter&day=2026-05-20",
            "2026-04-01",
            "2026-06-30",
            ("2026-01-01", "2026-03-31"),
            "2025-04-01",
        ),
        (
            "period=year&day=2028-02-29",
            "2028-01-01",
            "2028-12-31",
            ("2027-01-01", "2027-12-31"),
            "2027-01-01",
        ),
        (
            "period=custom&from=2028-02-29&to=2028-03-02",
            "2028-02-29",
            "2028-03-02",
            ("2028-02-26", "2028-02-28"),
            "2027-02-28",
        ),
        ("period=day", "2026-03-10", "2026-03-10", ("2026-03-09", "2026-03-09"), "2025-03-10"),
    ],
)
def test_periods_and_their_comparisons(query, first, last, previous, last_year):
    flt = parse_filter(query, today=TODAY)
    assert (flt.first.isoformat(), flt.last.isoformat()) == (first, last)
    assert (flt.previous().first.isoformat(), flt.previous().last.isoformat()) == previous
    assert flt.last_year().first.isoformat() == last_year


def test_the_filter_survives_the_url_and_bad_parameters_are_all_named():
    flt = parse_filter(
        "period=month&day=2026-03-10&region=europe&dealer=7&category=Brakes&supplier=3", today=TODAY
    )
    assert parse_filter(flt.query_string(), today=date(2030, 1, 1)) == flt
    assert flt.scope_key() == "category=Brakes&dealer=7&region=europe&supplier=3"
    with pytest.raises(FieldErrors) as refused:
        parse_filter(
            "period=custom&from=2026-03-10&to=nope&country=Germany&dealer=-1&item_kind=boat", today=TODAY
        )
    assert [e.field for e in refused.value.errors] == ["to", "country", "item_kind", "dealer"]


def test_an_import_asks_a_worker_to_rebuild_the_facts_at_the_new_rates(sqlite_url):
    """The rates file's notice goes to a facts rebuild (coalesced: one per relay batch); a refused
    file leaves no notice."""
    from models import OutboxMessage
    from workers.tasks import ROUTES

    with Session(get_engine()) as session:
        with pytest.raises(FieldErrors):
            fx.import_rates_csv(session, b"day,currency,rate\n2026-03-01,EUR,-1\n")
        session.rollback()
        fx.import_rates_csv(session, b"day,currency,rate\n2026-03-01,EUR,7.8\n2026-03-02,EUR,7.9\n")
        session.commit()
        notices = (
            session.execute(select(OutboxMessage).where(OutboxMessage.topic == fx.RATES_IMPORTED))
            .scalars()
            .all()
        )
    assert [notice.payload for notice in notices] == [{"imported": 2}]
    route = ROUTES[fx.RATES_IMPORTED]
    assert route.coalesce is True


def test_the_kpi_page_imports_a_rates_file_or_names_its_bad_rows(sqlite_url, monkeypatch):
    import asyncio

    import reflex as rx

    from services.identity.auth import principal_for
    from state.analytics.fx_import import FxImportState
    from tests.factories import make_org, make_user

    with Session(get_engine(), expire_on_commit=False) as session:
        oem = make_org(session, "oem")
        manager = principal_for(make_user(session, "manager", oem), oem)
        session.commit()
    monkeypatch.setattr(FxImportState, "_principal", lambda self, *roles: manager)
    root = rx.State(_reflex_internal_init=True)
    page = root.get_substate(FxImportState.get_full_name().split(".")[1:])

    class Upload:
        def __init__(self, data: bytes) -> None:
            self.data, self.name = data, "rates.csv"

        async def read(self, _size: int) -> bytes:
            return self.data

    asyncio.run(page.receive([Upload(b"day,currency,rate\n2026-03-01,EURO,7.8\n2026-13-01,USD,7\n")]))
    assert [error["field"] for error in page.errors] == ["rows[2].currency", "rows[3].day"]
    assert page.summary == ""
    asyncio.run(page.receive([Upload(b"day,currency,rate\n2026-03-01,EUR,7.8\n")]))
    assert page.errors == [] and "1" in page.summary and "EUR" in page.summary
    with Session(get_engine()) as session:
        assert len(session.execute(select(FxRate)).scalars().all()) == 1
