"""What the database itself refuses, on SQLite and PostgreSQL, and how times come back."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, StatementError
from sqlmodel import Session, select

from models import AuditLog, Location, Part, StockLevel, Trim
from models.db import get_engine
from models.types import utcnow
from tests.factories import make_location, make_org, make_part, make_trim, make_vehicle_model

SHANGHAI = timezone(timedelta(hours=8))


@pytest.fixture
def site(any_db_url) -> tuple[int, int, int]:
    """(location id, part id, trim id) to hang stock rows on."""
    with Session(get_engine()) as session:
        supplier = make_org(session, "supplier")
        location, part = make_location(session, supplier), make_part(session, supplier)
        trim = make_trim(session, make_vehicle_model(session))
        ids = location.id, part.id, trim.id
        session.commit()
    return ids


def _insert_stock(**fields) -> None:
    with Session(get_engine()) as session:
        session.add(StockLevel(**fields))
        session.commit()


def _stock_count() -> int:
    with Session(get_engine()) as session:
        return len(session.exec(select(StockLevel)).all())


@pytest.mark.parametrize(("on_hand", "reserved"), [(-1, 0), (5, -1), (5, 6), (0, 1)])
def test_impossible_quantities_are_refused_by_the_database(site, on_hand, reserved):
    location_id, part_id, _ = site
    with pytest.raises(IntegrityError):
        _insert_stock(location_id=location_id, part_id=part_id, on_hand=on_hand, reserved=reserved)
    assert _stock_count() == 0


@pytest.mark.parametrize(("on_hand", "reserved"), [(0, 0), (5, 0), (5, 5)])
def test_possible_quantities_are_stored(site, on_hand, reserved):
    location_id, part_id, _ = site
    _insert_stock(location_id=location_id, part_id=part_id, on_hand=on_hand, reserved=reserved)
    assert _stock_count() == 1


def test_an_update_that_reserves_more_than_is_on_hand_is_refused(site):
    location_id, part_id, _ = site
    _insert_stock(location_id=location_id, part_id=part_id, on_hand=3)
    with Session(get_engine()) as session, pytest.raises(IntegrityError):
        session.execute(text("UPDATE stock_level SET reserved = reserved + 4"))
        session.commit()


def test_a_stock_row_holds_exactly_one_of_part_or_trim(site):
    location_id, part_id, trim_id = site
    with pytest.raises(IntegrityError):
        _insert_stock(location_id=location_id, part_id=part_id, trim_id=trim_id, on_hand=1)
    with pytest.raises(IntegrityError):
        _insert_stock(location_id=location_id, on_hand=1)
    _insert_stock(location_id=location_id, trim_id=trim_id, on_hand=1)
    _insert_stock(location_id=location_id, part_id=part_id, on_hand=1)
    assert _stock_count() == 2


def test_one_row_per_item_and_location(site):
    location_id, part_id, _ = site
    _insert_stock(location_id=location_id, part_id=part_id, on_hand=1)
    with pytest.raises(IntegrityError):
        _insert_stock(location_id=location_id, part_id=part_id, on_hand=2)


def test_negative_prices_are_refused(any_db_url):
    with Session(get_engine()) as session:
        supplier = make_org(session, "supplier")
        with pytest.raises(IntegrityError):
            make_part(session, supplier, price="-0.01")
    with Session(get_engine()) as session:
        model = make_vehicle_model(session)
        with pytest.raises(IntegrityError):
            make_trim(session, model, price="-1.00")


def test_a_naive_datetime_is_refused(any_db_url):
    with Session(get_engine()) as session:
        session.add(AuditLog(action="test", entity="test", at=datetime(2026, 1, 1, 12, 0)))
        with pytest.raises(StatementError, match="naive datetime refused"):
            session.commit()
    with Session(get_engine()) as session:
        assert session.exec(select(AuditLog)).all() == []


def test_times_come_back_timezone_aware_in_utc(any_db_url):
    written = datetime(2026, 3, 2, 7, 30, 15, 123456, tzinfo=SHANGHAI)
    with Session(get_engine()) as session:
        session.add(AuditLog(action="test", entity="test", at=written))
        session.commit()
    with Session(get_engine()) as session:
        (read,) = session.exec(select(AuditLog.at)).all()
    assert read.utcoffset() == timedelta(0)
    assert read == written
    assert (read.year, read.month, read.day, read.hour, read.minute) == (2026, 3, 1, 23, 30)
    assert read.microsecond == 123456


def test_times_compare_correctly_in_queries_whatever_zone_they_were_written_in(any_db_url):
    base = utcnow().replace(microsecond=0)
    with Session(get_engine()) as session:
        session.add(AuditLog(action="early", entity="test", at=base))
        late = (base + timedelta(hours=1)).astimezone(SHANGHAI)
        session.add(AuditLog(action="late", entity="test", at=late))
        session.commit()
        later = session.exec(select(AuditLog.action).where(AuditLog.at > base + timedelta(minutes=30))).all()
    assert later == ["late"]


def test_money_comes_back_as_exact_decimals(any_db_url):
    with Session(get_engine()) as session:
        supplier = make_org(session, "supplier")
        part_id = make_part(session, supplier, price="999999999999.99").id
        trim_id = make_trim(session, make_vehicle_model(session), price="0.10").id
        session.commit()
    with Session(get_engine()) as session:
        assert str(session.get(Part, part_id).list_price) == "999999999999.99"
        assert str(session.get(Trim, trim_id).price) == "0.10"


def test_deleting_a_location_removes_its_stock(site):
    location_id, part_id, _ = site
    _insert_stock(location_id=location_id, part_id=part_id, on_hand=1)
    with Session(get_engine()) as session:
        session.execute(text("DELETE FROM location WHERE id = :id"), {"id": location_id})
        session.commit()
        assert session.get(Location, location_id) is None
    assert _stock_count() == 0
