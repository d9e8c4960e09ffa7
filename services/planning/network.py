"""The replenishment network file: parsed, checked, and turned into a `Network` the simulation, the GA
and the exact method read.

The file (issue #12):

    {"periods": 104,
     "nodes": [{"id": "W1", "downstream": null | "D1" | ["D1", "D2"], "holding_cost": 0.5,
                "stockout_cost": 9.0, "lead_time": 1.5,
                "demand": {"distribution": "normal", "mean": 20, "sd": 6}}, ...]}

- `downstream` names the node(s) this node ships to; a list is how a warehouse names several dealers
  (distribution trees). Each node has at most one upstream node: serial lines and trees (supplier ->
  warehouses -> dealers), several trees side by side; no assembly.
- `lead_time` is the number of review periods from the upstream node (the outside supplier for a node
  nobody ships to); positive, may be fractional.
- `holding_cost` is local: per unit on hand at this node and period. Stock in transit to a node is
  charged at its upstream node's rate (zero from the outside supplier), as in Clark-Scarf.
- Leaves (no downstream) carry the demand and a `stockout_cost` per unit backordered per period;
  inner nodes carry neither.
- `periods`: how many review periods each simulated demand scenario runs (optional, default 104).

Every refusal is a ValidationFailed whose `field` is the path in the file (`nodes[2].downstream`) and
whose params name the node, so the planner sees which node to fix. Nothing is half-built."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from services.platform.errors import ValidationFailed, field_path
from services.platform.json_input import MalformedBody, loads

DEFAULT_PERIODS = 104
MIN_PERIODS, MAX_PERIODS = 10, 100_000
DISTRIBUTIONS = ("normal",)


@dataclass(frozen=True)
class Node:
    """One stocking point. `demand_mean`/`demand_sd`/`stockout_cost` are set on leaves only."""

    id: str
    downstream: tuple[str, ...]
    holding_cost: float
    lead_time: float
    stockout_cost: float | None = None
    demand_mean: float | None = None
    demand_sd: float | None = None

    @property
    def is_leaf(self) -> bool:
        return not self.downstream


@dataclass(frozen=True)
class Network:
    """Nodes in topological order (every node after its upstream node), with index arrays."""

    nodes: tuple[Node, ...]
    periods: int = DEFAULT_PERIODS

    @property
    def ids(self) -> list[str]:
        return [node.id for node in self.nodes]

    def index(self, node_id: str) -> int:
        return self.ids.index(node_id)

    @property
    def parents(self) -> list[int]:
        """Index of each node's upstream node, -1 for a root (supplied from outside)."""
        position = {node.id: i for i, node in enumerate(self.nodes)}
        parents = [-1] * len(self.nodes)
        for i, node in enumerate(self.nodes):
            for child in node.downstream:
                parents[position[child]] = i
        return parents

    @property
    def leaves(self) -> list[int]:
        return [i for i, node in enumerate(self.nodes) if node.is_leaf]

    @property
    def roots(self) -> list[int]:
        return [i for i, parent in enumerate(self.parents) if parent == -1]

    def subtree(self, root: int) -> list[int]:
        """Indexes of `root` and everything downstream of it, in topological order."""
        parents = self.parents
        inside = {root}
        for i in range(root + 1, len(self.nodes)):
            if parents[i] in inside:
                inside.add(i)
        return sorted(inside)

    def sub_network(self, indexes: list[int]) -> Network:
        """The nodes at `indexes` (a whole subtree) as a network of their own."""
        return Network(nodes=tuple(self.nodes[i] for i in indexes), periods=self.periods)

    @property
    def is_serial(self) -> bool:
        """One line: one root, each node ships to at most one other."""
        return len(self.roots) == 1 and all(len(node.downstream) <= 1 for node in self.nodes)

    def serial_order(self) -> list[int]:
        """For a serial network: node indexes from the demand node up to the root."""
        return list(reversed(range(len(self.nodes))))


def _fail(code: str, *parts: str | int, **params: object) -> ValidationFailed:
    return ValidationFailed(code, field=field_path(*parts) if parts else None, **params)


def _number(raw: dict[str, Any], name: str, index: int, node_id: str) -> float:
    if name not in raw or raw[name] is None:
        raise _fail("replenish.node.field_missing", "nodes", index, name, node=node_id, name=name)
    value = raw[name]
    # bool is an int in Python; `true` is not a cost.
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _fail("replenish.node.not_a_number", "nodes", index, name, node=node_id, name=name, value=value)
    if value < 0:
        raise _fail("replenish.node.negative", "nodes", index, name, node=node_id, name=name)
    return float(value)


def _demand(raw: Any, index: int, node_id: str) -> tuple[float, float]:
    if not isinstance(raw, dict):
        raise _fail("replenish.node.demand_invalid", "nodes", index, "demand", node=node_id)
    distribution = raw.get("distribution")
    if distribution not in DISTRIBUTIONS:
        raise _fail(
            "replenish.node.distribution_unknown",
            "nodes",
            index,
            "demand",
            "distribution",
            node=node_id,
            distribution=distribution,
        )
    values = []
    for name in ("mean", "sd"):
        value = raw.get(name)
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise _fail(
                "replenish.node.not_a_number",
                "nodes",
                index,
                "demand",
                name,
                node=node_id,
                name=f"demand.{name}",
                value=value,
            )
        if value < 0:
            raise _fail(
                "replenish.node.negative", "nodes", index, "demand", name, node=node_id, name=f"demand.{name}"
            )
        values.append(float(value))
    return values[0], values[1]


def _periods(raw: Any) -> int:
    if raw is None:
        return DEFAULT_PERIODS
    if isinstance(raw, bool) or not isinstance(raw, int | float) or raw != int(raw):
        raise _fail("replenish.network.periods_invalid", "periods", min=MIN_PERIODS, max=MAX_PERIODS)
    if not MIN_PERIODS <= int(raw) <= MAX_PERIODS:
        raise _fail("replenish.network.periods_invalid", "periods", min=MIN_PERIODS, max=MAX_PERIODS)
    return int(raw)


def parse_network(document: Any) -> Network:
    """The network described by a decoded JSON document (see the module docstring).

    Raises ValidationFailed naming the field and node for: a document that is not an object, no nodes,
    a node without id or with a duplicate id, a missing/non-numeric/negative cost or lead time, a
    non-positive lead time, an unknown downstream id, a node with two upstream nodes, a cycle, a leaf
    without demand or stockout cost, demand on an inner node, an unsupported distribution, no demand
    node at all, a bad `periods`."""
    if not isinstance(document, dict):
        raise _fail("replenish.network.not_an_object")
    raw_nodes = document.get("nodes")
    if not isinstance(raw_nodes, list) or not raw_nodes:
        raise _fail("replenish.network.no_nodes", "nodes")
    periods = _periods(document.get("periods"))

    ids: list[str] = []
    for index, raw in enumerate(raw_nodes):
        if not isinstance(raw, dict):
            raise _fail("replenish.node.not_an_object", "nodes", index, index=index)
        node_id = raw.get("id")
        if isinstance(node_id, bool) or not isinstance(node_id, str | int) or str(node_id).strip() == "":
            raise _fail("replenish.node.id_missing", "nodes", index, "id", index=index)
        node_id = str(node_id)
        if node_id in ids:
            raise _fail("replenish.node.id_duplicate", "nodes", index, "id", node=node_id)
        ids.append(node_id)

    downstream_of: list[tuple[str, ...]] = []
    upstream: dict[str, str] = {}
    for index, raw in enumerate(raw_nodes):
        node_id = ids[index]
        value = raw.get("downstream")
        targets = [] if value is None else value if isinstance(value, list) else [value]
        names: list[str] = []
        for target in targets:
            if isinstance(target, bool) or not isinstance(target, str | int) or str(target) not in ids:
                raise _fail(
                    "replenish.node.unknown_downstream",
                    "nodes",
                    index,
                    "downstream",
                    node=node_id,
                    downstream=target,
                )
            target = str(target)
            if target == node_id:
                raise _fail(
                    "replenish.network.cycle", "nodes", index, "downstream", node=node_id, cycle=node_id
                )
            if target in upstream and upstream[target] != node_id:
                raise _fail(
                    "replenish.node.two_upstream",
                    "nodes",
                    index,
                    "downstream",
                    node=target,
                    first=upstream[target],
                    second=node_id,
                )
            upstream[target] = node_id
            if target not in names:
                names.append(target)
        downstream_of.append(tuple(names))

    # With one upstream per node, a cycle shows as a walk upstream that comes back to its start.
    for index, node_id in enumerate(ids):
        seen = [node_id]
        current = node_id
        while current in upstream:
            current = upstream[current]
            if current == node_id:
                raise _fail(
                    "replenish.network.cycle",
                    "nodes",
                    index,
                    "downstream",
                    node=node_id,
                    cycle=" -> ".join([node_id, *reversed(seen[1:]), node_id]),
                )
            if current in seen:
                break  # a cycle further up; it is reported from one of its own nodes
            seen.append(current)

    if all(raw.get("demand") is None for raw in raw_nodes):
        raise _fail("replenish.network.no_demand_node", "nodes")
    nodes: dict[str, Node] = {}
    for index, raw in enumerate(raw_nodes):
        node_id = ids[index]
        holding_cost = _number(raw, "holding_cost", index, node_id)
        lead_time = _number(raw, "lead_time", index, node_id)
        if lead_time <= 0:
            raise _fail("replenish.node.lead_time_not_positive", "nodes", index, "lead_time", node=node_id)
        is_leaf = not downstream_of[index]
        demand = raw.get("demand")
        if is_leaf:
            if demand is None:
                raise _fail("replenish.node.demand_missing", "nodes", index, "demand", node=node_id)
            mean, sd = _demand(demand, index, node_id)
            stockout_cost = _number(raw, "stockout_cost", index, node_id)
            nodes[node_id] = Node(
                node_id, (), holding_cost, lead_time, stockout_cost, demand_mean=mean, demand_sd=sd
            )
        else:
            if demand is not None:
                raise _fail("replenish.node.demand_not_leaf", "nodes", index, "demand", node=node_id)
            nodes[node_id] = Node(node_id, downstream_of[index], holding_cost, lead_time)

    # Topological order: roots first, then breadth-first down each tree, in file order.
    ordered: list[str] = [node_id for node_id in ids if node_id not in upstream]
    for node_id in ordered:
        ordered.extend(nodes[node_id].downstream)
    return Network(nodes=tuple(nodes[node_id] for node_id in ordered), periods=periods)


def read_network(raw: bytes) -> Network:
    """The network in a file's bytes; ValidationFailed("replenish.network.not_json") when it is not
    JSON, otherwise as `parse_network`."""
    try:
        document = loads(raw)
    except MalformedBody:
        raise _fail("replenish.network.not_json") from None
    return parse_network(document)
