"""The proposal's order-up-to policy beside today's min/max rule, replayed on the last 12 months of real
demand: fill rate, stockout rate, average inventory value (reporting currency), turnover, per stock
location and in total (the planner's simulation page, issue 12).

What is replayed: the demand history the forecast run saw (`forecast_history_point`, built by
services/planning/demand_history.py from dealer part orders; the demo seed's synthetic one), its last
12 months (12 monthly or 52 weekly periods), for every part x location the run forecast at the
planner's warehouses and the dealer stores. Each item is simulated on its own (its supplier, or the
warehouse for a store, always ships; a warehouse short for a store is not modelled) by
services/planning/simulation.py's `simulate`, the bench's simulator, on one scenario: the recorded
demand. A period is split into review steps of about a week (a month into 4), each step's demand the
period's spread evenly; demand not served from stock on arrival is backordered and served when stock
arrives, the same for both policies.

- Proposal: order-up-to (base-stock) at the target `proposals.item_target` gives (the forecast
  over lead time + review period + z x sd, z from the proposal's service level, or the default 0.95
  for the newest run), reviewed every step.
- Today's min/max: the parts carry no min/max on their stock rows, so it is the bench's rule
  (`simulation.min_max_levels`): reorder when the inventory position falls to the mean forecast demand
  over the lead time, order up to that plus two weeks of it.

Both start the year at their own order-up-to level with nothing in transit.
Figures: fill rate = units served from stock on arrival / units demanded; stockout rate = share of
item-periods with some demand not served from stock; average inventory value = mean units on hand at
period ends x the part's list price, converted at the newest stored FX rate (services/analytics/fx.py;
no rate: refused, `fx.rate_missing`); turnover = a year's demand at list price / average inventory
value."""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
from sqlmodel import Session, select

from models import LocationKind
from models.planning import ForecastHistoryPoint, ForecastRun, ForecastRunStatus
from models.settings import get_settings
from models.types import CENTS, utcnow
from services.analytics import fx
from services.identity.auth import Principal
from services.planning import proposals
from services.planning.network import Network, Node
from services.planning.simulation import min_max_levels, replay_scenarios, simulate
from services.platform.errors import DomainError
from services.platform.fields import today_in

PERIODS_PER_YEAR = {"month": 12, "week": 52}
MIN_MAX_COVER_DAYS = 14


@dataclass(frozen=True)
class PolicyFigures:
    fill_rate: float  # 0..1
    stockout_rate: float  # 0..1
    average_inventory_value: Decimal  # reporting currency
    turnover: float | None  # per year; None without inventory
    demand_units: float
    average_inventory_units: float


@dataclass(frozen=True)
class LocationFigures:
    location_id: int
    code: str
    name: str
    name_zh: str | None
    items: int
    proposal: PolicyFigures
    min_max: PolicyFigures


@dataclass(frozen=True)
class Comparison:
    run_id: int
    proposal_id: int | None
    service_level: float
    frequency: str
    periods: int
    first_period: date | None
    last_period: date | None
    items: int
    currency: str
    proposal: PolicyFigures | None
    min_max: PolicyFigures | None
    locations: list[LocationFigures]
    seconds: float


@dataclass(frozen=True)
class ItemReplay:
    """What the figures of one or many items are summed from, per policy."""

    demand: np.ndarray  # units over the window, per item
    filled: np.ndarray  # units served from stock on arrival
    short_periods: np.ndarray  # periods with demand not served from stock
    inventory: np.ndarray  # mean units on hand at period ends


def replay_items(
    demand: np.ndarray,
    steps: int,
    lead_steps: np.ndarray,
    order_up_to: np.ndarray,
    min_max: tuple[np.ndarray, np.ndarray],
) -> tuple[ItemReplay, ItemReplay]:
    """Both policies on the recorded `demand[period, item]` (items independent): (proposal, min/max).
    `min_max` is (order-up-to level, reorder point) per item."""
    count = demand.shape[1]
    network = Network(
        nodes=tuple(
            Node(id=str(i), downstream=(), holding_cost=0.0, lead_time=1.0, stockout_cost=0.0)
            for i in range(count)
        ),
        periods=max(demand.shape[0], 1),
    )
    scenarios = replay_scenarios(demand, steps, lead_steps)
    totals = demand.sum(axis=0)
    periods = demand.shape[0]

    def replay(result) -> ItemReplay:
        return ItemReplay(
            demand=totals,
            filled=result.leaf_fill_rate[0] * totals,
            short_periods=result.leaf_stockout_rate[0] * periods,
            inventory=result.inventory_by_node[0],
        )

    base_stock = simulate(network, np.asarray(order_up_to, dtype=float), scenarios)
    up_to, reorder = min_max
    rule = simulate(network, np.asarray(up_to, dtype=float), scenarios, reorder_points=reorder)
    return replay(base_stock), replay(rule)


def figures(
    replay: ItemReplay,
    prices: np.ndarray,
    periods: int,
    periods_per_year: int,
    items: np.ndarray | None = None,
) -> PolicyFigures:
    """The four figures of the items at `items` (all by default); `prices` per item in the reporting
    currency."""
    pick = slice(None) if items is None else items
    demand = float(replay.demand[pick].sum())
    filled = float(replay.filled[pick].sum())
    count = len(replay.demand[pick])
    value = float((replay.inventory[pick] * prices[pick]).sum())
    yearly_demand_value = (
        float((replay.demand[pick] * prices[pick]).sum()) * periods_per_year / max(periods, 1)
    )
    return PolicyFigures(
        fill_rate=filled / demand if demand > 0 else 1.0,
        stockout_rate=float(replay.short_periods[pick].sum()) / (count * periods)
        if count and periods
        else 0.0,
        average_inventory_value=Decimal(str(round(value, 6))).quantize(CENTS, rounding=ROUND_HALF_UP),
        turnover=yearly_demand_value / value if value > 0 else None,
        demand_units=demand,
        average_inventory_units=float(replay.inventory[pick].sum()),
    )


def _run_and_level(session: Session, principal: Principal, proposal_id: object | None) -> tuple:
    if proposal_id in (None, ""):
        run = proposals.latest_finished_run(session)
        if run is None:
            raise DomainError("proposal.no_run")
        return run, None, proposals.DEFAULT_SERVICE_LEVEL
    proposal = proposals.find_proposal(session, principal, proposal_id)
    run = session.get(ForecastRun, proposal.run_id) if proposal.run_id else None
    if run is None or run.status != ForecastRunStatus.FINISHED:
        raise DomainError("simulation.run_gone")
    return run, int(proposal.id), float(proposal.service_level)


def compare_policies(
    session: Session, principal: Principal, *, proposal_id: object | None = None
) -> Comparison:
    """The comparison for a proposal (its run and service level; NotFound for one not the planner's) or,
    without one, for the newest finished run at the default service level (DomainError `proposal.no_run`
    without a run)."""
    started = time.perf_counter()
    principal = proposals.planner(principal)
    run, shown_proposal, service_level = _run_and_level(session, principal, proposal_id)
    period_days = proposals.PERIOD_DAYS[run.frequency]
    per_year = PERIODS_PER_YEAR[run.frequency]
    rows = proposals.run_series(session, principal, run)
    points = proposals.forecast_points(session, [row[0].id for row in rows])
    rows = [row for row in rows if points.get(row[0].id)]
    series_ids = [row[0].id for row in rows]
    history: dict[int, dict[date, float]] = defaultdict(dict)
    for start in range(0, len(series_ids), 500):
        for point in session.exec(
            select(ForecastHistoryPoint).where(
                ForecastHistoryPoint.series_id.in_(series_ids[start : start + 500])
            )
        ):
            history[point.series_id][point.period] = float(point.demand)
    window = sorted({period for item in history.values() for period in item})[-per_year:]
    currency = get_settings().reporting_currency
    empty = Comparison(
        run.id, shown_proposal, service_level, run.frequency, 0, None, None, 0, currency, None, None, [], 0.0
    )
    if not rows or not window:
        return empty
    demand = np.array([[history[row[0].id].get(period, 0.0) for row in rows] for period in window])
    steps = max(1, round(period_days / proposals.REVIEW_DAYS))
    step_days = period_days / steps
    rules = proposals.ordering_rules(session, sorted({row[2].id for row in rows}))
    levels, lead_steps, mean_per_step = [], [], []
    for item, location, part in rows:
        forecast = points[item.id]
        found = proposals.item_target(
            forecast,
            is_store=location.kind == LocationKind.STORE,
            rule=rules.get(part.id),
            period_days=period_days,
            service_level=service_level,
        )
        levels.append(found.target.level)
        lead_steps.append(max(1, round(found.lead_days / step_days)))
        mean_per_step.append(float(np.mean([p.yhat for p in forecast])) / steps)
    lead = np.array(lead_steps)
    rule = min_max_levels(np.array(mean_per_step), lead, MIN_MAX_COVER_DAYS / step_days)
    proposal_replay, rule_replay = replay_items(demand, steps, lead, np.array(levels), rule)

    today = today_in(principal.time_zone, utcnow())
    book = fx.load_rates(session, {row[2].currency for row in rows}, today)
    prices = np.array([float(Decimal(row[2].list_price) * book.rate(row[2].currency, today)) for row in rows])
    periods = len(window)
    by_location: dict[int, list[int]] = defaultdict(list)
    for index, (_item, location, _part) in enumerate(rows):
        by_location[location.id].append(index)
    places = {row[1].id: row[1] for row in rows}
    locations = [
        LocationFigures(
            location_id=location_id,
            code=places[location_id].code,
            name=places[location_id].name,
            name_zh=places[location_id].name_zh,
            items=len(indexes),
            proposal=figures(proposal_replay, prices, periods, per_year, np.array(indexes)),
            min_max=figures(rule_replay, prices, periods, per_year, np.array(indexes)),
        )
        for location_id, indexes in sorted(by_location.items(), key=lambda kv: places[kv[0]].code)
    ]
    return Comparison(
        run_id=run.id,
        proposal_id=shown_proposal,
        service_level=service_level,
        frequency=run.frequency,
        periods=periods,
        first_period=window[0],
        last_period=window[-1],
        items=len(rows),
        currency=currency,
        proposal=figures(proposal_replay, prices, periods, per_year),
        min_max=figures(rule_replay, prices, periods, per_year),
        locations=locations,
        seconds=time.perf_counter() - started,
    )
