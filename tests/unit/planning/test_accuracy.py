"""Forecast accuracy for the KPI tile (services/planning/accuracy.py): 1 - WAPE of the forecast each
period had before it began (the newest run finished before then) against the demand a later run saw
whole; a forecast made during its period, a period still going and one nobody has seen yet are left
out. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session

from models.db import get_engine
from models.planning import ForecastHistoryPoint, ForecastPoint, ForecastRun, ForecastSeries
from services.planning.accuracy import accuracy_for_period
from services.platform.errors import PermissionDenied
from tests.planning_world import build_planning_world


def _run(session: Session, world, finished: datetime, forecast: dict, history: dict) -> int:
    run = ForecastRun(
        status="finished",
        horizon=3,
        frequency="month",
        candidates=["AutoETS"],
        series_total=1,
        series_done=1,
        requested_at=finished,
        started_at=finished,
        finished_at=finished,
        progress_at=finished,
    )
    session.add(run)
    session.flush()
    series = ForecastSeries(
        run_id=run.id, part_id=world.parts[0].id, location_id=world.warehouse.id, chunk=0, status="done"
    )
    session.add(series)
    session.flush()
    for period, yhat in forecast.items():
        session.add(ForecastPoint(series_id=series.id, period=period, yhat=yhat, lo=0, hi=yhat + 5))
    for period, demand in history.items():
        session.add(ForecastHistoryPoint(series_id=series.id, period=period, demand=demand))
    session.flush()
    return int(run.id)


@pytest.fixture
def runs_over_spring(any_db_url: str):
    with Session(get_engine(), expire_on_commit=False) as session:
        world = build_planning_world(session, parts=1)
        march, april, may, june = date(2026, 3, 1), date(2026, 4, 1), date(2026, 5, 1), date(2026, 6, 1)
        _run(session, world, datetime(2026, 1, 10, tzinfo=UTC), {march: 100.0}, {})  # superseded
        first = _run(session, world, datetime(2026, 2, 20, tzinfo=UTC), {march: 10.0, april: 20.0}, {})
        _run(
            session,
            world,
            datetime(2026, 5, 2, tzinfo=UTC),  # during May: its May forecast is hindsight
            {may: 4.0, june: 6.0},
            {march: 8.0, april: 25.0, may: 3.0},  # May is still going when this run saw it
        )
        session.commit()
        yield session, world, first


def test_accuracy_is_one_minus_wape_of_the_forecasts_made_before_each_period(runs_over_spring):
    session, world, first = runs_over_spring
    value, rows = accuracy_for_period(session, date(2026, 3, 1), date(2026, 6, 30))
    assert [(row.period, row.run_id, row.forecast, row.actual) for row in rows] == [
        (date(2026, 3, 1), first, 10.0, 8.0),
        (date(2026, 4, 1), first, 20.0, 25.0),
    ]
    assert value == pytest.approx(1 - (2 + 5) / (8 + 25))
    assert rows[0].sku == world.parts[0].sku and rows[0].location_code == world.warehouse.code


def test_a_range_without_known_demand_has_no_value(runs_over_spring):
    session, world, _ = runs_over_spring
    assert accuracy_for_period(session, date(2026, 5, 1), date(2026, 6, 30)) == (None, [])
    assert accuracy_for_period(session, date(2025, 1, 1), date(2025, 12, 31)) == (None, [])


def test_only_managers_and_admins_may_ask_when_a_viewer_is_named(runs_over_spring):
    session, world, _ = runs_over_spring
    with pytest.raises(PermissionDenied):
        accuracy_for_period(session, date(2026, 3, 1), date(2026, 4, 30), principal=world.dealer)
    value, _ = accuracy_for_period(session, date(2026, 3, 1), date(2026, 4, 30), principal=world.planner)
    assert value is not None


def test_the_kpi_dashboards_forecast_accuracy_tile_reads_the_stored_forecasts(runs_over_spring):
    """The managers' KPI tile is the same 1 - WAPE, in percent, with the rows behind it."""
    from models import Organisation
    from services.analytics import drilldown
    from services.analytics.filters import parse_filter
    from services.analytics.tiles import dashboard
    from services.catalog.lists import Page
    from services.identity.auth import principal_for
    from tests.factories import make_user

    session, world, first = runs_over_spring
    oem = session.get(Organisation, world.planner.organisation_id)
    manager = principal_for(make_user(session, "manager", oem), oem)
    session.commit()
    flt = parse_filter("period=custom&from=2026-03-01&to=2026-04-30", today=date(2026, 7, 1))
    tiles = {tile["key"]: tile for tile in dashboard(session, manager, flt)["tiles"]}
    assert tiles["forecast_accuracy"]["value"] == f"{(1 - 7 / 33) * 100:.4f}"
    assert tiles["forecast_accuracy"]["status"] == "ok"
    rows = drilldown.page_of_rows(session, manager, flt, "forecasts", Page(1, 20))
    assert [(row["period"], row["forecast"], row["actual"]) for row in rows["rows"]] == [
        ("2026-03-01", "10.0", "8.0"),
        ("2026-04-01", "20.0", "25.0"),
    ]
