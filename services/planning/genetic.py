"""Base-stock levels chosen by a genetic algorithm (pymoo's GA) whose fitness is the simulated expected
cost per period (`simulation.py`, common random numbers: every candidate meets the same demand), with
an optional service-level constraint: each demand node's fill rate at least the target.

The genes are local base-stock levels (units, >= 0), one per node, so every candidate is a valid
policy (its echelon levels never fall upstream). The first population is seeded with newsvendor-style
guesses (Shang-Song: echelon j's level is the quantile (p + h'_{j+1}) / (p + h'_1) of the demand over
the lead times from j down to the customer), scaled up and down and jittered, so the search starts
near the optimum and converges in tens of generations. The GA's best is then polished by pymoo's
pattern search (Hooke-Jeeves) on the same scenarios."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from pymoo.algorithms.soo.nonconvex.ga import GA
from pymoo.algorithms.soo.nonconvex.pattern import PatternSearch
from pymoo.core.problem import Problem
from pymoo.optimize import minimize
from pymoo.termination.default import DefaultSingleObjectiveTermination
from scipy.special import ndtri

from services.planning.network import Network
from services.planning.simulation import (
    Scenarios,
    SimulationResult,
    draw_scenarios,
    echelon_to_local,
    simulate,
)


@dataclass(frozen=True)
class GASettings:
    """How hard the GA works: population, generation cap, and the scenarios its fitness simulates."""

    population: int = 40
    max_generations: int = 60
    scenarios: int = 64
    periods: int | None = None  # the network's `periods` when None
    polish: bool = False  # pattern search after the GA: rarely worth its time (see bench)


TEST_SETTINGS = GASettings(population=24, max_generations=30, scenarios=32, periods=150)


@dataclass(frozen=True)
class GAResult:
    """The best local levels found (by node, network order), their simulated result, and the effort."""

    local_base_stock: np.ndarray
    simulation: SimulationResult
    generations: int
    evaluations: int
    feasible: bool


class _BaseStockProblem(Problem):
    def __init__(
        self, network: Network, scenarios: Scenarios, upper: np.ndarray, service_level: float | None
    ) -> None:
        self.network, self.scenarios, self.service_level = network, scenarios, service_level
        constraints = len(network.leaves) if service_level is not None else 0
        super().__init__(n_var=len(upper), n_obj=1, n_ieq_constr=constraints, xl=0.0, xu=upper)

    def _evaluate(self, x: np.ndarray, out: dict, *args: object, **kwargs: object) -> None:
        result = simulate(self.network, np.clip(x, 0.0, None), self.scenarios)
        out["F"] = result.cost_per_period
        if self.service_level is not None:
            out["G"] = self.service_level - result.leaf_fill_rate


def _demand_below(network: Network) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per node: mean and variance of its subtree's demand per period, and the mean lead time from it
    down to its demand nodes (its own lead time included)."""
    nodes, parents = network.nodes, network.parents
    mean = np.zeros(len(nodes))
    variance = np.zeros(len(nodes))
    lead_down = np.zeros(len(nodes))
    for i in reversed(range(len(nodes))):
        node = nodes[i]
        if node.is_leaf:
            mean[i] += node.demand_mean or 0.0
            variance[i] += (node.demand_sd or 0.0) ** 2
        children = [c for c in range(len(nodes)) if parents[c] == i]
        below = float(np.mean([lead_down[c] for c in children])) if children else 0.0
        lead_down[i] = node.lead_time + below
        if parents[i] >= 0:
            mean[parents[i]] += mean[i]
            variance[parents[i]] += variance[i]
    return mean, variance, lead_down


def newsvendor_echelon_levels(network: Network, service_level: float | None = None) -> np.ndarray:
    """Shang-Song-style echelon levels per node (network order): the quantile (p + h'_up) / (p + h'_leaf)
    of the subtree's demand over the lead times from the node down to its customers; at least the
    service-level quantile when one is asked."""
    nodes, parents = network.nodes, network.parents
    mean, variance, lead_down = _demand_below(network)
    leaves = network.leaves
    stockout = float(np.mean([nodes[i].stockout_cost for i in leaves]))
    leaf_holding = float(np.mean([nodes[i].holding_cost for i in leaves]))
    levels = np.zeros(len(nodes))
    for i, node in enumerate(nodes):
        upstream_holding = nodes[parents[i]].holding_cost if parents[i] >= 0 else 0.0
        ratio = (stockout + upstream_holding) / (stockout + leaf_holding) if stockout + leaf_holding else 0.5
        if service_level is not None and node.is_leaf:
            ratio = max(ratio, service_level)
        z = ndtri(min(max(ratio, 1e-4), 1 - 1e-4))
        levels[i] = max(mean[i] * lead_down[i] + z * math.sqrt(variance[i] * lead_down[i]), 0.0)
    return levels


def _first_population(
    network: Network, size: int, upper: np.ndarray, seed: int, service_level: float | None
) -> np.ndarray:
    rng = np.random.default_rng(seed)
    mean, variance, lead_down = _demand_below(network)
    guess = echelon_to_local(network, newsvendor_echelon_levels(network, service_level))
    sd = np.sqrt(variance * np.array([node.lead_time for node in network.nodes]))
    rows = [guess]
    for shift in (-1.0, -0.5, 0.5, 1.0, 1.5):
        rows.append(np.maximum(guess + shift * sd, 0.0))
    while len(rows) < size * 3 // 4:
        rows.append(np.maximum(guess + rng.normal(0.0, 1.0, len(guess)) * sd, 0.0))
    while len(rows) < size:
        rows.append(rng.uniform(0.0, upper))
    return np.minimum(np.array(rows), upper)


def upper_levels(network: Network) -> np.ndarray:
    """A generous upper bound per node: the subtree's demand over the whole chain of lead times from the
    outside supplier to the customer, plus five standard deviations."""
    mean, variance, lead_down = _demand_below(network)
    parents = network.parents
    lead_up = np.zeros(len(network.nodes))
    for i, parent in enumerate(parents):
        lead_up[i] = network.nodes[i].lead_time + (lead_up[parent] if parent >= 0 else 0.0)
    chain = lead_up + lead_down
    return np.maximum(mean * chain + 5.0 * np.sqrt(variance * chain), 1.0)


def optimise_base_stock(
    network: Network,
    *,
    service_level: float | None = None,
    settings: GASettings = GASettings(),
    seed: int = 0,
    scenarios: Scenarios | None = None,
) -> GAResult:
    """The local base-stock levels minimising simulated expected cost per period (subject to every demand
    node's fill rate >= `service_level`, a share in (0, 1), when given), over `scenarios` (drawn from
    `seed` with the settings' size when None). Deterministic for a seed. When no candidate meets the
    service level, the least infeasible is returned with `feasible=False`."""
    scenarios = scenarios or draw_scenarios(network, settings.scenarios, settings.periods, seed)
    upper = upper_levels(network)
    problem = _BaseStockProblem(network, scenarios, upper, service_level)
    algorithm = GA(
        pop_size=settings.population,
        sampling=_first_population(network, settings.population, upper, seed, service_level),
        eliminate_duplicates=True,
    )
    termination = DefaultSingleObjectiveTermination(
        ftol=1e-5, period=10, n_max_gen=settings.max_generations, n_max_evals=10**7
    )
    found = minimize(problem, algorithm, termination, seed=seed, verbose=False)
    best = found.opt[0]
    generations, evaluations = found.algorithm.n_gen, found.algorithm.evaluator.n_eval
    x = np.asarray(best.X, dtype=float)
    if settings.polish and best.feasible[0]:
        polish = PatternSearch(x0=x, init_delta=0.05)
        polished = minimize(
            problem,
            polish,
            DefaultSingleObjectiveTermination(ftol=1e-6, period=5, n_max_gen=40, n_max_evals=10**7),
            seed=seed,
            verbose=False,
        )
        evaluations += polished.algorithm.evaluator.n_eval
        candidate = polished.opt[0]
        if candidate.feasible[0] and candidate.F[0] <= best.F[0]:
            x = np.asarray(candidate.X, dtype=float)
    x = np.clip(x, 0.0, None)
    result = simulate(network, x, scenarios)
    feasible = service_level is None or bool((result.leaf_fill_rate[0] >= service_level - 1e-9).all())
    return GAResult(x, result, generations, evaluations, feasible)
