"""Simulation of base-stock (order-up-to) policies on a replenishment network, over demand scenarios
drawn once and shared by every policy evaluated (common random numbers), vectorised with numpy over
policies x scenarios.

The period, as in the Clark-Scarf / Chen-Zheng serial model (so a long simulation and `exact.py` agree):
1. shipments due arrive;
2. demand arrives at the leaves and is served from stock (backlog first); what cannot be served is
   backordered;
3. costs are counted: local holding cost on hand, the upstream node's holding cost on stock in
   transit, the stockout cost per unit backordered;
4. every node orders what its own customers took (installation base-stock: its inventory position -
   on hand + in transit + owed to it - owed by it - returns to its level); each upstream node ships
   what it can of what it owes, sharing a shortage among its downstream nodes in proportion to what
   each is owed; the outside supplier always ships. A shipment arrives `lead_time` periods later.

A fractional lead time is simulated on a finer clock: the period is split into `steps_per_period`
steps (demand per step normal with mean/k and sd/sqrt(k)) so that every lead time is a whole number
of steps; that is the same lead-time demand as the exact model's N(mean*L, sd*sqrt(L)). Demand is cut
at zero (no returns)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from services.planning.network import Network

MAX_STEPS_PER_PERIOD = 12
DEFAULT_SCENARIOS = 64


@dataclass(frozen=True)
class Scenarios:
    """Demand drawn for a network: `leaf_demand[t, leaf, r]` per step, `orders[t, node, r]` the demand
    of each node's subtree (what it orders under base-stock), and the clock."""

    leaf_demand: np.ndarray
    orders: np.ndarray
    steps_per_period: int
    lead_steps: np.ndarray
    warmup_steps: int

    @property
    def count(self) -> int:
        return self.leaf_demand.shape[2]

    @property
    def measured_periods(self) -> float:
        return (self.leaf_demand.shape[0] - self.warmup_steps) / self.steps_per_period


@dataclass(frozen=True)
class SimulationResult:
    """Per policy (first axis): expected cost per period and its parts, service and inventory.

    `fill_rate`: share of demand served from stock on arrival (all leaves; `leaf_fill_rate` per leaf).
    `stockout_rate`: share of leaf x period pairs in which some demand could not be served from stock
    (`leaf_stockout_rate` per leaf).
    `average_inventory`: units on hand per period, all nodes (`inventory_by_node` per node).
    `demand_per_period`: mean leaf demand per period (the same for every policy)."""

    cost_per_period: np.ndarray
    holding_cost_per_period: np.ndarray
    stockout_cost_per_period: np.ndarray
    fill_rate: np.ndarray
    leaf_fill_rate: np.ndarray
    stockout_rate: np.ndarray
    average_inventory: np.ndarray
    inventory_by_node: np.ndarray
    demand_per_period: float
    leaf_stockout_rate: np.ndarray | None = None


def steps_per_period(lead_times: list[float]) -> int:
    """The smallest number of steps per period (up to MAX_STEPS_PER_PERIOD) that makes every lead time a
    whole number of steps; lead times finer than that are rounded to quarter periods."""
    for steps in range(1, MAX_STEPS_PER_PERIOD + 1):
        if all(abs(lead * steps - round(lead * steps)) < 1e-6 for lead in lead_times):
            return steps
    return 4


def draw_scenarios(
    network: Network, scenarios: int = DEFAULT_SCENARIOS, periods: int | None = None, seed: int = 0
) -> Scenarios:
    """`scenarios` demand paths of `periods` measured periods (the network's `periods` by default), plus a
    warm-up long enough for the pipeline to fill (the longest chain of lead times), from `seed`."""
    periods = periods or network.periods
    nodes = network.nodes
    steps = steps_per_period([node.lead_time for node in nodes])
    lead_steps = np.array([max(1, round(node.lead_time * steps)) for node in nodes])
    parents = network.parents
    chain = np.zeros(len(nodes), dtype=int)
    for i, parent in enumerate(parents):
        chain[i] = lead_steps[i] + (chain[parent] if parent >= 0 else 0)
    warmup = int(chain.max()) + 2 * steps
    total = warmup + periods * steps

    leaves = network.leaves
    mean = np.array([nodes[i].demand_mean for i in leaves], dtype=float) / steps
    sd = np.array([nodes[i].demand_sd for i in leaves], dtype=float) / math.sqrt(steps)
    rng = np.random.default_rng(seed)
    demand = rng.standard_normal((total, len(leaves), scenarios))
    demand = np.maximum(demand * sd[None, :, None] + mean[None, :, None], 0.0)

    # Which leaves lie below each node: a node orders the demand of its subtree.
    below = np.zeros((len(nodes), len(leaves)))
    for column, leaf in enumerate(leaves):
        node = leaf
        while node >= 0:
            below[node, column] = 1.0
            node = parents[node]
    orders = np.einsum("nl,tlr->tnr", below, demand)
    return Scenarios(demand, orders, steps, lead_steps, warmup)


def replay_scenarios(demand: np.ndarray, steps: int, lead_steps: np.ndarray) -> Scenarios:
    """One scenario of recorded demand, `demand[period, node]`, for a network of independent single
    nodes (each its own root and leaf, in the same order): each period's demand spread evenly over its
    `steps` steps, `lead_steps` per node. No warm-up: every policy starts at its own level with nothing
    in transit, and every period is measured."""
    demand = np.asarray(demand, dtype=float)
    if demand.ndim != 2 or (demand < 0).any():
        raise ValueError("demand must be a (periods, nodes) array without negative values")
    per_step = np.repeat(demand / steps, steps, axis=0)[:, :, None]
    lead = np.maximum(np.asarray(lead_steps, dtype=int), 1)
    return Scenarios(per_step, per_step, steps, lead, 0)


def min_max_levels(
    mean_per_step: np.ndarray, lead_steps: np.ndarray, cover_steps: float
) -> tuple[np.ndarray, np.ndarray]:
    """Today's min/max rule: (order-up-to level, reorder point) per node: reorder when the inventory
    position falls to the mean demand over the lead time, order up to that plus `cover_steps` of mean
    demand."""
    mean = np.asarray(mean_per_step, dtype=float)
    reorder = mean * np.asarray(lead_steps, dtype=float)
    return reorder + cover_steps * mean, reorder


def min_max_rule(network: Network, cover_periods: float = 2.0) -> tuple[np.ndarray, np.ndarray]:
    """`min_max_levels` for every node of a network: a node's demand is its subtree's (a warehouse's
    demand is its dealers'), its lead time the node's own."""
    parents = network.parents
    mean = np.zeros(len(network.nodes))
    for i in reversed(range(len(network.nodes))):
        node = network.nodes[i]
        if node.is_leaf:
            mean[i] += node.demand_mean or 0.0
        if parents[i] >= 0:
            mean[parents[i]] += mean[i]
    return min_max_levels(mean, np.array([node.lead_time for node in network.nodes]), cover_periods)


def local_to_echelon(network: Network, local: np.ndarray) -> np.ndarray:
    """Echelon levels (a node's level plus everything below it) from local levels; last axis = nodes."""
    echelon = np.array(local, dtype=float, copy=True)
    parents = network.parents
    for i in reversed(range(len(network.nodes))):
        if parents[i] >= 0:
            echelon[..., parents[i]] += echelon[..., i]
    return echelon


def echelon_to_local(network: Network, echelon: np.ndarray) -> np.ndarray:
    """Local levels from echelon levels (cut at zero: an echelon level below its downstream nodes' acts
    as zero local stock)."""
    echelon = np.asarray(echelon, dtype=float)
    local = echelon.copy()
    parents = network.parents
    for i in range(len(network.nodes)):
        if parents[i] >= 0:
            local[..., parents[i]] -= echelon[..., i]
    return np.maximum(local, 0.0)


def simulate(
    network: Network,
    local_base_stock: np.ndarray,
    scenarios: Scenarios,
    reorder_points: np.ndarray | None = None,
) -> SimulationResult:
    """Run each policy (rows of `local_base_stock`, shape (policies, nodes) or (nodes,)) over the same
    `scenarios`.

    Without `reorder_points` every node follows base-stock: it orders what its customers took. With
    them (same shape) it is a min/max rule: a node orders up to its level only when its inventory
    position has fallen to its reorder point or below (today's rule, for comparison). Raises ValueError
    when the levels do not fit the network or are negative."""
    levels = np.atleast_2d(np.asarray(local_base_stock, dtype=float))
    nodes = network.nodes
    count = len(nodes)
    if levels.shape[1] != count:
        raise ValueError(f"expected {count} base-stock levels per policy, got {levels.shape[1]}")
    if (levels < 0).any():
        raise ValueError("base-stock levels must not be negative")
    policies, runs, steps = levels.shape[0], scenarios.count, scenarios.steps_per_period
    parents = np.array(network.parents)
    leaves = np.array(network.leaves)
    inner = np.array([i for i, node in enumerate(nodes) if not node.is_leaf], dtype=int)
    fed = np.array([i for i in range(count) if parents[i] >= 0], dtype=int)
    roots = np.array(network.roots, dtype=int)
    position_in_inner = {node: k for k, node in enumerate(inner)}
    parent_slot = np.array([position_in_inner[parents[i]] for i in fed], dtype=int)
    children = np.zeros((len(inner), count))
    for i in fed:
        children[position_in_inner[parents[i]], i] = 1.0

    holding = np.array([node.holding_cost for node in nodes]) / steps
    transit_holding = np.array([nodes[p].holding_cost if p >= 0 else 0.0 for p in parents]) / steps
    stockout = np.array([nodes[i].stockout_cost for i in leaves]) / steps
    lead = scenarios.lead_steps
    # Policies and scenarios share one flat axis (policy-major) so each step is a few 2-D operations.
    width = policies * runs
    leaf_demand = np.tile(scenarios.leaf_demand, (1, 1, policies))
    orders = np.tile(scenarios.orders, (1, 1, policies))
    ring = np.zeros((int(lead.max()), count, width))
    in_transit = np.zeros((count, width))
    on_hand = np.repeat(levels.T, runs, axis=1)
    owed = np.zeros((count, width))  # what each node's upstream node owes it
    backorders = np.zeros((len(leaves), width))
    shipped = np.zeros((count, width))
    all_nodes = np.arange(count)
    if reorder_points is not None:
        reorder = np.repeat(np.atleast_2d(np.asarray(reorder_points, dtype=float)).T, runs, axis=1)
        up_to = np.repeat(levels.T, runs, axis=1)
        downstream = np.zeros((count, count))
        downstream[parents[fed], fed] = 1.0
        depth = np.zeros(count, dtype=int)
        for i in range(count):
            depth[i] = depth[parents[i]] + 1 if parents[i] >= 0 else 0
        levels_deepest_first = [np.flatnonzero(depth == d) for d in range(int(depth.max()), -1, -1)]

    holding_sum = np.zeros(width)
    stockout_sum = np.zeros(width)
    filled_sum = np.zeros((len(leaves), width))
    demand_sum = np.zeros(len(leaves))
    short_periods = np.zeros((len(leaves), width))
    inventory_sum = np.zeros((count, width))
    short_in_period = np.zeros((len(leaves), width), dtype=bool)

    for t in range(leaf_demand.shape[0]):
        slots = t % lead
        arriving = ring[slots, all_nodes]
        on_hand += arriving
        in_transit -= arriving

        demand = leaf_demand[t]
        available = on_hand[leaves] - backorders
        filled = np.minimum(np.maximum(available, 0.0), demand)
        net = available - demand
        on_hand[leaves] = np.maximum(net, 0.0)
        backorders = np.maximum(-net, 0.0)

        if t >= scenarios.warmup_steps:
            holding_sum += holding @ on_hand + transit_holding @ in_transit
            stockout_sum += stockout @ backorders
            filled_sum += filled
            demand_sum += scenarios.leaf_demand[t].sum(axis=1)
            short_in_period |= filled < demand - 1e-9
            if (t - scenarios.warmup_steps) % steps == steps - 1:
                short_periods += short_in_period
                short_in_period[:] = False
                inventory_sum += on_hand

        if reorder_points is None:
            ordered = orders[t]
        else:
            # Bottom-up: a node's position counts the orders its downstream nodes have just placed.
            ordered = np.zeros((count, width))
            for group in levels_deepest_first:
                owes = downstream[group] @ (owed + ordered)
                is_leaf = np.isin(group, leaves)
                if is_leaf.any():
                    owes[is_leaf] += backorders[np.searchsorted(leaves, group[is_leaf])]
                position = on_hand[group] + in_transit[group] + owed[group] - owes
                ordered[group] = np.where(
                    position <= reorder[group], np.maximum(up_to[group] - position, 0.0), 0.0
                )
        shipped[roots] = ordered[roots]
        if len(inner):
            owed[fed] += ordered[fed]
            wanted = children @ owed
            sent = np.minimum(on_hand[inner], wanted)
            share = np.divide(sent, wanted, out=np.zeros_like(sent), where=wanted > 1e-12)
            shipped[fed] = owed[fed] * share[parent_slot]
            owed[fed] -= shipped[fed]
            on_hand[inner] -= sent
        ring[slots, all_nodes] = shipped
        in_transit += shipped

    def per_policy(values: np.ndarray) -> np.ndarray:
        """Sum over scenarios: (..., policies * runs) -> (..., policies)."""
        return values.reshape(*values.shape[:-1], policies, runs).sum(axis=-1)

    holding_sum, stockout_sum = per_policy(holding_sum) / runs, per_policy(stockout_sum) / runs
    filled_sum, short_periods = per_policy(filled_sum), per_policy(short_periods)
    inventory_sum = per_policy(inventory_sum)

    periods = scenarios.measured_periods
    demand_total = demand_sum.sum() * policies
    cost_holding = holding_sum / periods
    cost_stockout = stockout_sum / periods
    with np.errstate(invalid="ignore", divide="ignore"):
        leaf_fill = np.where(demand_sum[:, None] > 0, filled_sum / demand_sum[:, None], 1.0).T
        fill = filled_sum.sum(axis=0) / demand_sum.sum() if demand_total > 0 else np.ones(policies)
    measured = round(periods)
    return SimulationResult(
        cost_per_period=cost_holding + cost_stockout,
        holding_cost_per_period=cost_holding,
        stockout_cost_per_period=cost_stockout,
        fill_rate=np.asarray(fill, dtype=float),
        leaf_fill_rate=leaf_fill,
        stockout_rate=short_periods.sum(axis=0) / (len(leaves) * runs * measured),
        average_inventory=inventory_sum.sum(axis=0) / (runs * measured),
        inventory_by_node=(inventory_sum / (runs * measured)).T,
        demand_per_period=float(demand_sum.sum() / (runs * periods)),
        leaf_stockout_rate=(short_periods / (runs * measured)).T,
    )
