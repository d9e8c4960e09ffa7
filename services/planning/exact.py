"""The exact optimum of a serial network: Clark-Scarf / Chen-Zheng echelon base-stock levels, and the
exact expected cost of any echelon base-stock policy on the same model.

stockpyl's `ssm_serial.optimize_base_stock_levels` implements the same recursion, but stockpyl 1.0.2
fails under NumPy 2 (`np.array(..., copy=False)` in `helpers.find_nearest`), so the recursion is
written here, vectorised: on a grid of inventory levels x (step dx), with stages j = 1 (the demand
node) .. N (the root), echelon holding costs h_j = h'_j - h'_{j+1} (h'_{N+1} = 0), stockout cost p and
D_j the demand over lead time L_j (normal, mean*L_j, sd*sqrt(L_j), cut at zero):

    Cbar_0(x) = (p + h'_1) * max(-x, 0)
    Chat_j(x) = h_j * x + Cbar_{j-1}(x)
    C_j(y)    = E[Chat_j(y - D_j)]
    S*_j      = argmin_y C_j(y);   Cbar_j(x) = C_j(min(S_j, x))

and the expected cost per period is C_N(S_N) (it includes the holding cost of stock in transit,
charged at the upstream node's rate, as `simulation.py` does). The test suite checks this code
against the published example (Snyder & Shen, Example 6.1, C* = 47.6687)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import ndtr, ndtri

from services.planning.network import Network
from services.platform.errors import ValidationFailed

GRID_POINTS = 4000
TAIL = 1e-7


@dataclass(frozen=True)
class SerialSystem:
    """A serial network in the recursion's terms, stage 1 (demand) first."""

    ids: list[str]
    echelon_holding: np.ndarray
    lead_times: np.ndarray
    stockout_cost: float
    mean: float
    sd: float


@dataclass(frozen=True)
class ExactOptimum:
    """Optimal echelon levels by node id, and the optimal expected cost per period."""

    echelon_base_stock: dict[str, float]
    expected_cost_per_period: float


def serial_system(network: Network) -> SerialSystem:
    """The serial model of `network`. Raises ValidationFailed `replenish.exact.not_serial` when the
    network is not one line, and `replenish.exact.holding_falls_downstream` (naming the node) when a
    node's local holding cost is below its upstream node's: the decomposition needs h_j >= 0."""
    if not network.is_serial:
        raise ValidationFailed("replenish.exact.not_serial", field="nodes")
    order = network.serial_order()  # demand node first
    local = np.array([network.nodes[i].holding_cost for i in order])
    upstream = np.append(local[1:], 0.0)
    echelon = local - upstream
    for position, value in enumerate(echelon):
        if value < -1e-12:
            node = network.nodes[order[position]].id
            raise ValidationFailed("replenish.exact.holding_falls_downstream", field="nodes", node=node)
    demand_node = network.nodes[order[0]]
    return SerialSystem(
        ids=[network.nodes[i].id for i in order],
        echelon_holding=np.maximum(echelon, 0.0),
        lead_times=np.array([network.nodes[i].lead_time for i in order]),
        stockout_cost=float(demand_node.stockout_cost or 0.0),
        mean=float(demand_node.demand_mean or 0.0),
        sd=float(demand_node.demand_sd or 0.0),
    )


def _grid(system: SerialSystem, highest: float) -> tuple[np.ndarray, float]:
    total_lead = float(system.lead_times.sum())
    top = system.mean * total_lead + ndtri(1 - TAIL) * system.sd * math.sqrt(total_lead)
    top = max(top, highest, 1e-6) * 1.05
    dx = top / GRID_POINTS
    # A few points below zero: every Chat_j is linear there, which the extrapolation relies on.
    return np.arange(-8, GRID_POINTS + 1) * dx, dx


def _lead_time_weights(system: SerialSystem, lead_time: float, dx: float) -> np.ndarray:
    """Probabilities of the lead-time demand at 0, dx, 2dx, ... (mass below zero at zero)."""
    mean, sd = system.mean * lead_time, system.sd * math.sqrt(lead_time)
    if sd <= 0:
        weights = np.zeros(int(round(mean / dx)) + 1)
        weights[-1] = 1.0
        return weights
    top = int(math.ceil((mean + ndtri(1 - TAIL) * sd) / dx)) + 1
    edges = (np.arange(top + 1) + 0.5) * dx
    cdf = ndtr((edges - mean) / sd)
    weights = np.diff(np.concatenate([[0.0], cdf]))
    weights[-1] += 1.0 - cdf[-1]
    return weights


def _recursion(system: SerialSystem, fixed: np.ndarray | None) -> tuple[np.ndarray, float]:
    highest = 0.0 if fixed is None else float(np.max(fixed))
    x, dx = _grid(system, highest)
    h = system.echelon_holding
    sum_h = float(h.sum())
    cbar = (system.stockout_cost + sum_h) * np.maximum(-x, 0.0)
    levels = np.zeros(len(h))
    cost = 0.0
    for j in range(len(h)):
        chat = h[j] * x + cbar
        weights = _lead_time_weights(system, float(system.lead_times[j]), dx)
        pad = len(weights) - 1
        # Chat below the grid: continue the line through its two lowest points (it is linear there).
        slope = (chat[1] - chat[0]) / dx
        below = chat[0] + slope * (np.arange(-pad, 0) * dx)
        extended = np.concatenate([below, chat])
        expected = np.convolve(extended, weights, mode="valid")
        if fixed is None:
            best = int(np.argmin(expected))
            # a parabola through the grid minimum and its neighbours: the level between grid points
            if 0 < best < len(x) - 1:
                left, mid, right = expected[best - 1 : best + 2]
                curvature = left - 2 * mid + right
                offset = 0.5 * (left - right) / curvature if curvature > 0 else 0.0
                levels[j] = x[best] + offset * dx
            else:
                levels[j] = x[best]
        else:
            levels[j] = fixed[j]
        cost = float(np.interp(levels[j], x, expected))
        cbar = np.where(x < levels[j], expected, cost)
    return levels, cost


def optimal_serial_policy(network: Network) -> ExactOptimum:
    """The optimal echelon base-stock levels of a serial network and their expected cost per period.
    Raises as `serial_system`."""
    system = serial_system(network)
    levels, cost = _recursion(system, None)
    return ExactOptimum(dict(zip(system.ids, (float(v) for v in levels), strict=True)), cost)


def serial_expected_cost(network: Network, echelon_base_stock: dict[str, float]) -> float:
    """The exact expected cost per period of the echelon base-stock levels given (by node id) on a serial
    network. Raises as `serial_system`; KeyError when a node has no level."""
    system = serial_system(network)
    fixed = np.array([float(echelon_base_stock[node_id]) for node_id in system.ids])
    _, cost = _recursion(system, fixed)
    return cost
