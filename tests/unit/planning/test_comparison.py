"""The simulation page's figures (services/planning/comparison.py): the proposal's order-up-to policy
and today's min/max rule replayed on recorded demand, on a hand-checked series, and for a proposal
read from the database (its run's history, its service level, scoped to the planner). On SQLite and
PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import numpy as np
import pytest
from sqlmodel import Session, select

from models.db import get_engine
from models.planning import ForecastHistoryPoint, ForecastSeries
from services.identity.auth import principal_for
from services.planning import comparison, proposals
from services.platform.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from tests.factories import make_org, make_user
from tests.planning_world import add_flat_forecast, build_planning_world

WEEKS = [4.0, 8.0, 12.0, 6.0, 0.0, 10.0, 15.0, 5.0]  # 60 units in 8 weeks, 7.5 a week


def test_both_policies_on_eight_hand_checked_weeks():
    """One item, weekly review, lead time one week, price 20.

    Order-up-to 10: each week it starts at 10 (last week's demand arrives, the backlog is netted), so
    it serves min(10, d): 4+8+10+6+0+10+10+5 = 53 of 60 -> fill rate 53/60 = 0.8833; short in weeks 3
    and 7 -> stockout rate 2/8 = 0.25; on hand at week ends 6, 2, 0, 4, 10, 0, 0, 5 = 27 -> 3.375 units,
    value 67.50; turnover = 60 units x 52/8 weeks x 20 / 67.50 = 115.56 a year.

    Min/max (reorder point 7.5 = a week's mean demand over the one-week lead time, up to 7.5 + two
    weeks = 22.5), starting at 22.5: week ends 18.5, 10.5, 0 (12 asked, 10.5 served, 1.5 backordered;
    position -1.5 -> orders 24), 16.5 (24 arrive, the 1.5 owed are served), 16.5, 6.5 (orders 16),
    7.5 (16 arrive; position 7.5 = the reorder point -> orders 15), 17.5 (15 arrive). Served on arrival
    4+8+10.5+6+0+10+15+5 = 58.5 -> 0.975; short in week 3 only -> 0.125; 93.5 / 8 = 11.6875 units,
    value 233.75; turnover 7800 / 233.75 = 33.37."""
    demand = np.array(WEEKS)[:, None]
    lead = np.array([1])
    rule = comparison.min_max_levels(np.array([7.5]), lead, 2.0)
    assert rule[0][0] == pytest.approx(22.5) and rule[1][0] == pytest.approx(7.5)
    proposal, today = comparison.replay_items(demand, 1, lead, np.array([10.0]), rule)
    prices = np.array([20.0])
    base_stock = comparison.figures(proposal, prices, periods=8, periods_per_year=52)
    assert base_stock.fill_rate == pytest.approx(53 / 60)
    assert base_stock.stockout_rate == pytest.approx(0.25)
    assert base_stock.average_inventory_units == pytest.approx(3.375)
    assert base_stock.average_inventory_value == Decimal("67.50")
    assert base_stock.turnover == pytest.approx(7800 / 67.5)
    min_max = comparison.figures(today, prices, periods=8, periods_per_year=52)
    assert min_max.fill_rate == pytest.approx(58.5 / 60)
    assert min_max.stockout_rate == pytest.approx(0.125)
    assert min_max.average_inventory_units == pytest.approx(11.6875)
    assert min_max.average_inventory_value == Decimal("233.75")
    assert min_max.turnover == pytest.approx(7800 / 233.75)


def test_a_month_is_replayed_in_weekly_steps_with_the_same_totals():
    """The same 60 units as two months of 4 steps each: the demand over the window is unchanged and an
    order-up-to level above any step's demand serves it all."""
    demand = np.array([[24.0], [36.0]])
    proposal, _today = comparison.replay_items(
        demand, 4, np.array([1]), np.array([10.0]), comparison.min_max_levels(np.array([7.5]), [1], 2.0)
    )
    shown = comparison.figures(proposal, np.array([1.0]), periods=2, periods_per_year=12)
    assert shown.demand_units == pytest.approx(60.0)
    assert shown.fill_rate == pytest.approx(1.0) and shown.stockout_rate == 0.0
    # Month ends: 10 - 6 and 10 - 9 on hand.
    assert shown.average_inventory_units == pytest.approx((4 + 1) / 2)


@pytest.fixture
def world(any_db_url: str):
    """The flat-forecast world (30 a month, parts with 0, 5 and 10 on hand) with 14 months of history:
    each month 30 units of every part, except 90 of the first part in the last month."""
    with Session(get_engine(), expire_on_commit=False) as session:
        world = build_planning_world(session, parts=3, on_hand=5)
        add_flat_forecast(session, world)
        series = session.exec(select(ForecastSeries).order_by(ForecastSeries.id)).all()
        first_month = date.today().replace(day=1) - timedelta(days=14 * 31)
        months = sorted({(first_month + timedelta(days=31 * k)).replace(day=1) for k in range(14)})
        for item in series:
            for index, month in enumerate(months):
                units = 90.0 if item.part_id == world.parts[0].id and index == len(months) - 1 else 30.0
                session.add(ForecastHistoryPoint(series_id=item.id, period=month, demand=units))
        session.commit()
        yield session, world, months


def test_a_proposals_comparison_reads_its_run_and_service_level(world):
    session, world, months = world
    proposal_id = proposals.build_proposal(session, world.planner, service_level=0.99)
    shown = comparison.compare_policies(session, world.planner, proposal_id=proposal_id)
    assert shown.proposal_id == proposal_id and shown.service_level == 0.99
    assert shown.periods == 12 and shown.first_period == months[2] and shown.last_period == months[-1]
    assert shown.items == 3 and [place.code for place in shown.locations] == [world.warehouse.code]
    assert shown.locations[0].items == 3
    # 12 months x 30 x 3 parts + the first part's extra 60 in the last month.
    assert shown.proposal.demand_units == pytest.approx(12 * 30 * 3 + 60)
    assert shown.min_max.demand_units == shown.proposal.demand_units
    for figures in (shown.proposal, shown.min_max):
        assert 0.0 < figures.fill_rate < 1.0  # the 90-unit month is more than either policy holds
        assert 0.0 < figures.stockout_rate < 1.0
        assert figures.average_inventory_value > 0 and figures.turnover > 0
    assert shown.locations[0].proposal == shown.proposal  # one location: its figures are the total


def test_a_higher_service_level_holds_more_and_serves_more(world):
    session, world, _months = world
    low = proposals.build_proposal(session, world.planner, service_level=0.90)
    high = proposals.build_proposal(session, world.planner, service_level=0.99)
    at_low = comparison.compare_policies(session, world.planner, proposal_id=low)
    at_high = comparison.compare_policies(session, world.planner, proposal_id=high)
    assert at_high.proposal.average_inventory_value > at_low.proposal.average_inventory_value
    assert at_high.proposal.fill_rate >= at_low.proposal.fill_rate
    assert at_high.min_max == at_low.min_max  # today's rule does not depend on the service level


def test_without_a_proposal_the_newest_run_at_the_default_level(world):
    session, world, _months = world
    shown = comparison.compare_policies(session, world.planner)
    assert shown.proposal_id is None and shown.service_level == proposals.DEFAULT_SERVICE_LEVEL
    assert shown.items == 3


def test_a_part_in_a_currency_without_a_rate_is_refused(world):
    session, world, _months = world
    world.parts[2].currency = "EUR"
    session.add(world.parts[2])
    session.commit()
    with pytest.raises(ValidationFailed) as refused:
        comparison.compare_policies(session, world.planner)
    assert refused.value.code == "fx.rate_missing" and refused.value.field == "currency"


def test_only_the_carmakers_planner_compares_and_only_its_proposals(world):
    session, world, _months = world
    proposal_id = proposals.build_proposal(session, world.planner)
    for outsider in (world.dealer, world.supplier):
        with pytest.raises(PermissionDenied):
            comparison.compare_policies(session, outsider, proposal_id=proposal_id)
    other_oem = make_org(session, "oem")
    stranger = principal_for(make_user(session, "manager", other_oem), other_oem)
    session.commit()
    with pytest.raises(NotFound):
        comparison.compare_policies(session, stranger, proposal_id=proposal_id)
    with pytest.raises(ValidationFailed) as refused:
        comparison.compare_policies(session, world.planner, proposal_id="abc")
    assert refused.value.field == "proposal_id"


def test_no_finished_run_is_a_clear_error(any_db_url: str):
    with Session(get_engine(), expire_on_commit=False) as session:
        world = build_planning_world(session, parts=1)
        session.commit()
        with pytest.raises(DomainError) as refused:
            comparison.compare_policies(session, world.planner)
    assert refused.value.code == "proposal.no_run"
