"""Small replenishment networks for the tests, as the JSON documents the CLI reads."""

from __future__ import annotations

from typing import Any


def serial_document(
    stages: list[tuple[float, float]], *, mean: float, sd: float, stockout_cost: float, periods: int = 104
) -> dict[str, Any]:
    """A serial line from the root (first) to the demand node (last); each stage (holding cost, lead
    time)."""
    nodes: list[dict[str, Any]] = []
    for position, (holding_cost, lead_time) in enumerate(stages):
        last = position == len(stages) - 1
        node: dict[str, Any] = {
            "id": f"S{len(stages) - position}",
            "downstream": None if last else f"S{len(stages) - position - 1}",
            "holding_cost": holding_cost,
            "lead_time": lead_time,
        }
        if last:
            node["stockout_cost"] = stockout_cost
            node["demand"] = {"distribution": "normal", "mean": mean, "sd": sd}
        nodes.append(node)
    return {"periods": periods, "nodes": nodes}


def snyder_shen_example() -> dict[str, Any]:
    """Snyder & Shen, Example 6.1 (stockpyl's documented example): echelon holding costs 2, 2, 3 (local
    2, 4, 7), lead times 2, 1, 1, p = 37.12, demand N(5, 1). Published: C* = 47.6687, S* = 22.70, 12.01,
    6.51."""
    return serial_document([(2, 2), (4, 1), (7, 1)], mean=5, sd=1, stockout_cost=37.12)


def distribution_document(periods: int = 104) -> dict[str, Any]:
    """One warehouse shipping to three dealers (one with a fractional lead time)."""
    dealers = [("D1", 10, 3, 1, 9), ("D2", 5, 2, 1.5, 9), ("D3", 20, 5, 1, 19)]
    nodes: list[dict[str, Any]] = [
        {"id": "W", "downstream": [d[0] for d in dealers], "holding_cost": 0.5, "lead_time": 2}
    ]
    for dealer_id, mean, sd, lead_time, stockout_cost in dealers:
        nodes.append(
            {
                "id": dealer_id,
                "downstream": None,
                "holding_cost": 1.0,
                "lead_time": lead_time,
                "stockout_cost": stockout_cost,
                "demand": {"distribution": "normal", "mean": mean, "sd": sd},
            }
        )
    return {"periods": periods, "nodes": nodes}
