"""The network file: what is accepted, and every refusal naming the node and the field."""

from __future__ import annotations

import copy
import json

import pytest

from services.i18n import translate
from services.planning.network import parse_network, read_network
from services.platform.errors import ValidationFailed
from tests.unit.planning.replenish_networks import distribution_document, serial_document


def _three_stage() -> dict:
    return serial_document([(1, 2), (2, 1), (4, 0.5)], mean=10, sd=3, stockout_cost=20)


def test_a_serial_file_becomes_nodes_from_the_root_down_with_their_costs():
    network = parse_network(_three_stage())
    assert network.ids == ["S3", "S2", "S1"]
    assert network.is_serial
    assert network.parents == [-1, 0, 1]
    demand_node = network.nodes[-1]
    assert (demand_node.demand_mean, demand_node.demand_sd, demand_node.stockout_cost) == (10, 3, 20)
    assert demand_node.lead_time == 0.5


def test_a_warehouse_naming_several_dealers_is_a_distribution_tree():
    network = parse_network(distribution_document())
    assert network.ids == ["W", "D1", "D2", "D3"]
    assert not network.is_serial
    assert network.leaves == [1, 2, 3]
    assert network.roots == [0]


def test_supplier_warehouses_dealers_in_any_file_order_is_ordered_root_first():
    document = {
        "nodes": [
            {
                "id": "D2",
                "downstream": None,
                "holding_cost": 1,
                "lead_time": 1,
                "stockout_cost": 5,
                "demand": {"distribution": "normal", "mean": 3, "sd": 1},
            },
            {"id": "W2", "downstream": ["D2"], "holding_cost": 0.5, "lead_time": 1},
            {
                "id": "D1",
                "downstream": None,
                "holding_cost": 1,
                "lead_time": 1,
                "stockout_cost": 5,
                "demand": {"distribution": "normal", "mean": 3, "sd": 1},
            },
            {"id": "W1", "downstream": "D1", "holding_cost": 0.5, "lead_time": 1},
            {"id": "HUB", "downstream": ["W1", "W2"], "holding_cost": 0.2, "lead_time": 3},
        ]
    }
    network = parse_network(document)
    assert network.ids.index("HUB") == 0
    parents = network.parents
    for i, node_id in enumerate(network.ids):
        if node_id != "HUB":
            assert parents[i] < i  # every node after the one that supplies it
    assert network.subtree(network.index("W1")) == [network.index("W1"), network.index("D1")]


def _with(change) -> dict:
    document = copy.deepcopy(_three_stage())
    change(document["nodes"])
    return document


def _set(index: int, key: str, value):
    def change(nodes):
        nodes[index][key] = value

    return change


REFUSALS = {
    "a cycle": (
        _set(2, "downstream", "S3"),
        "replenish.network.cycle",
        "nodes[0].downstream",
        "S3",
    ),
    "a node shipping to itself": (
        _set(1, "downstream", "S2"),
        "replenish.network.cycle",
        "nodes[1].downstream",
        "S2",
    ),
    "a negative holding cost": (
        _set(1, "holding_cost", -1),
        "replenish.node.negative",
        "nodes[1].holding_cost",
        "S2",
    ),
    "a negative stockout cost": (
        _set(2, "stockout_cost", -5),
        "replenish.node.negative",
        "nodes[2].stockout_cost",
        "S1",
    ),
    "an unknown downstream": (
        _set(0, "downstream", "S9"),
        "replenish.node.unknown_downstream",
        "nodes[0].downstream",
        "S3",
    ),
    "a leaf without demand": (
        lambda nodes: nodes[1].update(downstream=None),
        "replenish.node.demand_missing",
        "nodes[1].demand",
        "S2",
    ),
    "a distribution we do not model": (
        lambda nodes: nodes[2]["demand"].update(distribution="poisson"),
        "replenish.node.distribution_unknown",
        "nodes[2].demand.distribution",
        "S1",
    ),
    "a lead time in words": (
        _set(1, "lead_time", "two"),
        "replenish.node.not_a_number",
        "nodes[1].lead_time",
        "S2",
    ),
    "a cost given as true": (
        _set(0, "holding_cost", True),
        "replenish.node.not_a_number",
        "nodes[0].holding_cost",
        "S3",
    ),
    "a demand mean in words": (
        lambda nodes: nodes[2]["demand"].update(mean="ten"),
        "replenish.node.not_a_number",
        "nodes[2].demand.mean",
        "S1",
    ),
    "a zero lead time": (
        _set(0, "lead_time", 0),
        "replenish.node.lead_time_not_positive",
        "nodes[0].lead_time",
        "S3",
    ),
    "a missing holding cost": (
        lambda nodes: nodes[1].pop("holding_cost"),
        "replenish.node.field_missing",
        "nodes[1].holding_cost",
        "S2",
    ),
    "a duplicate id": (_set(1, "id", "S3"), "replenish.node.id_duplicate", "nodes[1].id", "S3"),
    "demand on a node that ships on": (
        _set(0, "demand", {"distribution": "normal", "mean": 1, "sd": 1}),
        "replenish.node.demand_not_leaf",
        "nodes[0].demand",
        "S3",
    ),
    "a leaf without stockout cost": (
        lambda nodes: nodes[2].pop("stockout_cost"),
        "replenish.node.field_missing",
        "nodes[2].stockout_cost",
        "S1",
    ),
}


@pytest.mark.parametrize("case", list(REFUSALS), ids=list(REFUSALS))
def test_a_bad_network_is_refused_naming_the_node_and_the_field(case):
    change, code, field, node = REFUSALS[case]
    with pytest.raises(ValidationFailed) as raised:
        parse_network(_with(change))
    assert raised.value.code == code
    assert raised.value.field == field
    assert raised.value.params["node"] == node
    message = translate(raised.value.code, "en", **raised.value.params)
    assert node in message and message != code


def test_a_cycle_is_named_with_its_path():
    with pytest.raises(ValidationFailed) as raised:
        parse_network(_with(_set(2, "downstream", "S3")))
    assert raised.value.params["cycle"] == "S3 -> S2 -> S1 -> S3"


def test_a_network_where_no_node_has_demand_is_refused():
    document = _with(lambda nodes: nodes[2].pop("demand"))
    with pytest.raises(ValidationFailed) as raised:
        parse_network(document)
    assert (raised.value.code, raised.value.field) == ("replenish.network.no_demand_node", "nodes")


def test_a_dealer_with_two_warehouses_is_refused_naming_both():
    document = distribution_document()
    document["nodes"].append({"id": "W2", "downstream": ["D3"], "holding_cost": 0.5, "lead_time": 1})
    with pytest.raises(ValidationFailed) as raised:
        parse_network(document)
    assert raised.value.code == "replenish.node.two_upstream"
    assert raised.value.params == {"node": "D3", "first": "W", "second": "W2"}
    assert raised.value.field == "nodes[4].downstream"


@pytest.mark.parametrize("periods", [0, 5.5, "a year", True])
def test_periods_must_be_a_sensible_whole_number(periods):
    document = _three_stage()
    document["periods"] = periods
    with pytest.raises(ValidationFailed) as raised:
        parse_network(document)
    assert (raised.value.code, raised.value.field) == ("replenish.network.periods_invalid", "periods")


@pytest.mark.parametrize("raw", [b"", b"{nodes: []}", b"\xff\xfe", b"[1, 2]", b'{"nodes": []}'])
def test_a_file_that_is_not_a_network_is_refused(raw):
    with pytest.raises(ValidationFailed) as raised:
        read_network(raw)
    assert raised.value.code in {
        "replenish.network.not_json",
        "replenish.network.not_an_object",
        "replenish.network.no_nodes",
    }


def test_the_refusals_read_in_chinese_too():
    with pytest.raises(ValidationFailed) as raised:
        read_network(json.dumps(_with(_set(1, "holding_cost", -1))).encode())
    chinese = translate(raised.value.code, "zh", **raised.value.params)
    assert "S2" in chinese and "负数" in chinese
