"""Replenishment policy for a network: base-stock levels per node, by the GA (any tree) or the exact
Clark-Scarf / Chen-Zheng recursion (serial networks), and the command line around it.

    python -m services.planning.replenish --network network.json --out policy.json
        [--method ga|exact] [--service-level 0.98] [--seed 0] [--language en|zh]

writes {"echelon_base_stock": {id: level}, "local_base_stock": {id: level},
"expected_cost_per_period": c, "method": "...", "seconds": t} (plus the simulated fill rate, stockout
rate and average inventory of the policy). A bad network exits with status 2 and a message naming the
node and field on stderr; nothing is written."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from services.i18n import translate
from services.planning.exact import optimal_serial_policy
from services.planning.genetic import GASettings, optimise_base_stock
from services.planning.network import Network, read_network
from services.planning.simulation import (
    draw_scenarios,
    echelon_to_local,
    local_to_echelon,
    simulate,
)
from services.platform.errors import ValidationFailed

METHODS = ("ga", "exact")
# The policy found is scored again on scenarios it was not tuned on, so the reported cost is not the
# optimistic in-sample figure.
EVALUATION_SCENARIOS = 256
EVALUATION_SEED_OFFSET = 10_007


@dataclass(frozen=True)
class Policy:
    """Base-stock levels by node id and what they are expected to give (per period, from simulation on
    fresh scenarios for the GA; from the exact recursion for `exact`)."""

    echelon_base_stock: dict[str, float]
    local_base_stock: dict[str, float]
    expected_cost_per_period: float
    method: str
    seconds: float
    fill_rate: float
    stockout_rate: float
    average_inventory: float
    leaf_fill_rate: dict[str, float] = field(default_factory=dict)
    feasible: bool = True

    def as_json(self) -> dict[str, object]:
        return {
            "echelon_base_stock": {key: round(value, 4) for key, value in self.echelon_base_stock.items()},
            "local_base_stock": {key: round(value, 4) for key, value in self.local_base_stock.items()},
            "expected_cost_per_period": round(self.expected_cost_per_period, 6),
            "method": self.method,
            "seconds": round(self.seconds, 3),
            "fill_rate": round(self.fill_rate, 6),
            "stockout_rate": round(self.stockout_rate, 6),
            "average_inventory": round(self.average_inventory, 4),
            "fill_rate_by_node": {key: round(value, 6) for key, value in self.leaf_fill_rate.items()},
            "service_level_met": self.feasible,
        }


def propose_policy(
    network: Network,
    *,
    method: str = "ga",
    service_level: float | None = None,
    settings: GASettings = GASettings(),
    seed: int = 0,
) -> Policy:
    """The base-stock policy for `network`.

    `ga`: each tree of the network (nodes under one root share nothing with another tree) gets its own
    GA run; the levels are joined. `exact`: the optimal echelon levels of a serial network (no service
    level constraint; ValidationFailed `replenish.exact.not_serial` otherwise). Raises ValidationFailed
    `replenish.service_level.invalid` for a service level outside (0, 1)."""
    if method not in METHODS:
        raise ValidationFailed("replenish.method.unknown", field="method", method=method)
    if service_level is not None and not 0.0 < service_level < 1.0:
        raise ValidationFailed("replenish.service_level.invalid", field="service_level")
    if method == "exact" and service_level is not None:
        raise ValidationFailed("replenish.exact.no_service_level", field="service_level")
    started = time.perf_counter()
    count = len(network.nodes)
    if method == "exact":
        optimum = optimal_serial_policy(network)
        echelon = np.array([optimum.echelon_base_stock[node_id] for node_id in network.ids])
        local = echelon_to_local(network, echelon)
        label = "exact: Clark-Scarf / Chen-Zheng echelon base-stock recursion"
        feasible = True
    else:
        local = np.zeros(count)
        feasible = True
        for tree_number, root in enumerate(network.roots):
            indexes = network.subtree(root)
            tree = network.sub_network(indexes)
            found = optimise_base_stock(
                tree, service_level=service_level, settings=settings, seed=seed + tree_number
            )
            local[indexes] = found.local_base_stock
            feasible = feasible and found.feasible
        echelon = local_to_echelon(network, local)
        periods = settings.periods or network.periods
        label = (
            f"pymoo GA over local base-stock levels (population {settings.population}, up to "
            f"{settings.max_generations} generations), fitness: simulated cost on {settings.scenarios} "
            f"scenarios x {periods} periods"
            + (f", fill rate >= {service_level:g} at every demand node" if service_level is not None else "")
        )
    evaluation = simulate(
        network,
        local,
        draw_scenarios(network, EVALUATION_SCENARIOS, network.periods, seed + EVALUATION_SEED_OFFSET),
    )
    cost = optimum.expected_cost_per_period if method == "exact" else float(evaluation.cost_per_period[0])
    ids = network.ids
    return Policy(
        echelon_base_stock=dict(zip(ids, (float(v) for v in echelon), strict=True)),
        local_base_stock=dict(zip(ids, (float(v) for v in local), strict=True)),
        expected_cost_per_period=cost,
        method=label,
        seconds=time.perf_counter() - started,
        fill_rate=float(evaluation.fill_rate[0]),
        stockout_rate=float(evaluation.stockout_rate[0]),
        average_inventory=float(evaluation.average_inventory[0]),
        leaf_fill_rate={
            ids[leaf]: float(rate)
            for leaf, rate in zip(network.leaves, evaluation.leaf_fill_rate[0], strict=True)
        },
        feasible=feasible,
    )


def _message(error: ValidationFailed, language: str) -> str:
    text = translate(error.code, language, **error.params)
    return f"{text} ({error.field})" if error.field else text


def _write_atomically(path: Path, document: dict[str, object]) -> None:
    # A crash mid-write must not leave a half policy file where the old one was.
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(document, out, indent=2, ensure_ascii=False)
            out.write("\n")
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def main(argv: Sequence[str] | None = None) -> int:
    """The command line; returns 0 on success, 2 on a bad network or arguments (message on stderr,
    no file written)."""
    parser = argparse.ArgumentParser(prog="python -m services.planning.replenish", description=__doc__)
    parser.add_argument("--network", required=True, type=Path, help="network JSON file")
    parser.add_argument("--out", required=True, type=Path, help="where to write the policy JSON")
    parser.add_argument("--method", choices=METHODS, default="ga")
    parser.add_argument("--service-level", type=float, default=None, help="minimum fill rate, e.g. 0.98")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--language", choices=("en", "zh"), default="en")
    arguments = parser.parse_args(argv)
    language = arguments.language
    try:
        raw = arguments.network.read_bytes()
    except OSError as error:
        print(
            translate(
                "replenish.file.unreadable", language, path=str(arguments.network), reason=error.strerror
            ),
            file=sys.stderr,
        )
        return 2
    if not arguments.out.parent.is_dir():
        print(translate("replenish.file.no_directory", language, path=str(arguments.out)), file=sys.stderr)
        return 2
    try:
        network = read_network(raw)
        policy = propose_policy(
            network, method=arguments.method, service_level=arguments.service_level, seed=arguments.seed
        )
    except ValidationFailed as error:
        print(_message(error, language), file=sys.stderr)
        return 2
    _write_atomically(arguments.out, policy.as_json())
    print(
        translate(
            "replenish.cli.written",
            language,
            path=str(arguments.out),
            cost=f"{policy.expected_cost_per_period:.4f}",
            seconds=f"{policy.seconds:.1f}",
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
