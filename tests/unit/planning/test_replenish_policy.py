"""Base-stock policies: the exact serial optimum, the simulation that agrees with it, and the GA that
finds (within 1 %) what the exact method proves optimal."""

from __future__ import annotations

import numpy as np
import pytest

from services.planning.exact import optimal_serial_policy, serial_expected_cost
from services.planning.genetic import TEST_SETTINGS, newsvendor_echelon_levels, optimise_base_stock
from services.planning.network import parse_network
from services.planning.replenish import propose_policy
from services.planning.simulation import draw_scenarios, echelon_to_local, local_to_echelon, simulate
from services.platform.errors import ValidationFailed
from tests.unit.planning.replenish_networks import distribution_document, serial_document, snyder_shen_example

SERIAL_INSTANCES = {
    "2 stages, fractional lead time": serial_document([(1, 3), (3, 1.5)], mean=20, sd=6, stockout_cost=19),
    "3 stages (Snyder & Shen 6.1)": snyder_shen_example(),
    "4 stages": serial_document([(1, 1), (2, 2), (2.5, 1), (4, 2)], mean=8, sd=3, stockout_cost=25),
    "5 stages": serial_document(
        [(0.5, 2), (1, 1), (1.5, 1), (2.5, 1), (4, 1)], mean=10, sd=4, stockout_cost=40
    ),
}


def _echelon_by_id(network, local: np.ndarray) -> dict[str, float]:
    return dict(zip(network.ids, local_to_echelon(network, local), strict=True))


def test_the_exact_recursion_reproduces_the_published_serial_optimum():
    optimum = optimal_serial_policy(parse_network(snyder_shen_example()))
    assert optimum.expected_cost_per_period == pytest.approx(47.6687, rel=1e-3)
    levels = optimum.echelon_base_stock
    assert levels["S3"] == pytest.approx(22.70, abs=0.05)
    assert levels["S2"] == pytest.approx(12.01, abs=0.05)
    assert levels["S1"] == pytest.approx(6.51, abs=0.05)


def test_the_exact_optimum_costs_less_than_its_neighbours():
    network = parse_network(snyder_shen_example())
    optimum = optimal_serial_policy(network)
    for node_id in network.ids:
        for step in (-1.0, 1.0):
            moved = dict(optimum.echelon_base_stock, **{node_id: optimum.echelon_base_stock[node_id] + step})
            assert serial_expected_cost(network, moved) > optimum.expected_cost_per_period


@pytest.mark.parametrize("name", ["2 stages, fractional lead time", "3 stages (Snyder & Shen 6.1)"])
def test_a_long_simulation_of_the_optimal_policy_costs_what_the_exact_method_says(name):
    network = parse_network(SERIAL_INSTANCES[name])
    optimum = optimal_serial_policy(network)
    local = echelon_to_local(network, np.array([optimum.echelon_base_stock[i] for i in network.ids]))
    result = simulate(network, local, draw_scenarios(network, scenarios=200, periods=400, seed=5))
    assert result.cost_per_period[0] == pytest.approx(optimum.expected_cost_per_period, rel=0.015)


@pytest.mark.parametrize("name", list(SERIAL_INSTANCES))
def test_the_ga_is_within_one_percent_of_the_exact_optimum(name):
    network = parse_network(SERIAL_INSTANCES[name])
    optimum = optimal_serial_policy(network)
    found = optimise_base_stock(network, settings=TEST_SETTINGS, seed=3)
    # Both policies scored by the same exact cost function, so the comparison is fair.
    ga_cost = serial_expected_cost(network, _echelon_by_id(network, found.local_base_stock))
    assert optimum.expected_cost_per_period <= ga_cost <= 1.01 * optimum.expected_cost_per_period


def test_a_service_level_constraint_holds_on_the_scenarios_and_on_fresh_demand():
    network = parse_network(serial_document([(1, 2), (2, 1)], mean=10, sd=4, stockout_cost=3))
    unconstrained = optimise_base_stock(network, settings=TEST_SETTINGS, seed=1)
    assert unconstrained.simulation.fill_rate[0] < 0.95  # cheap stockouts: the cost optimum serves less
    constrained = optimise_base_stock(network, service_level=0.98, settings=TEST_SETTINGS, seed=1)
    assert constrained.feasible
    assert constrained.simulation.leaf_fill_rate[0].min() >= 0.98
    fresh = simulate(network, constrained.local_base_stock, draw_scenarios(network, 200, 200, seed=99))
    assert fresh.fill_rate[0] >= 0.975  # a little sampling error, not a different policy
    assert constrained.simulation.cost_per_period[0] > unconstrained.simulation.cost_per_period[0]


def test_on_a_distribution_tree_the_ga_beats_the_newsvendor_guess_it_starts_from():
    network = parse_network(distribution_document())
    scenarios = draw_scenarios(network, TEST_SETTINGS.scenarios, TEST_SETTINGS.periods, seed=2)
    found = optimise_base_stock(network, settings=TEST_SETTINGS, seed=2, scenarios=scenarios)
    guess = echelon_to_local(network, newsvendor_echelon_levels(network))
    guessed = simulate(network, guess, scenarios)
    assert found.simulation.cost_per_period[0] < guessed.cost_per_period[0]
    assert (found.local_base_stock >= 0).all()


def test_more_stock_never_serves_fewer_customers_on_the_same_demand():
    network = parse_network(distribution_document())
    scenarios = draw_scenarios(network, 16, 100, seed=4)
    lean = np.array([20.0, 10.0, 5.0, 20.0])
    result = simulate(network, np.vstack([lean, lean + 5.0]), scenarios)
    assert result.fill_rate[1] >= result.fill_rate[0]
    assert result.average_inventory[1] > result.average_inventory[0]
    again = simulate(network, lean, scenarios)
    assert again.cost_per_period[0] == result.cost_per_period[0]  # common random numbers: repeatable


def test_echelon_and_local_levels_convert_both_ways_on_a_tree():
    network = parse_network(distribution_document())
    local = np.array([50.0, 12.0, 8.0, 25.0])
    echelon = local_to_echelon(network, local)
    assert echelon.tolist() == [95.0, 12.0, 8.0, 25.0]
    assert echelon_to_local(network, echelon).tolist() == local.tolist()


def test_a_proposal_for_several_trees_covers_every_node():
    first, second = (
        distribution_document(periods=60),
        serial_document([(1, 1), (2, 1)], mean=4, sd=1, stockout_cost=9),
    )
    document = {"periods": 60, "nodes": first["nodes"] + second["nodes"]}
    network = parse_network(document)
    policy = propose_policy(network, settings=TEST_SETTINGS, seed=0)
    assert set(policy.local_base_stock) == set(network.ids)
    assert policy.echelon_base_stock["W"] == pytest.approx(
        sum(policy.local_base_stock[i] for i in ("W", "D1", "D2", "D3"))
    )
    assert policy.expected_cost_per_period > 0 and 0 < policy.fill_rate <= 1


def test_the_exact_method_refuses_a_tree_and_a_service_level():
    with pytest.raises(ValidationFailed) as raised:
        propose_policy(parse_network(distribution_document()), method="exact")
    assert raised.value.code == "replenish.exact.not_serial"
    with pytest.raises(ValidationFailed) as raised:
        propose_policy(parse_network(snyder_shen_example()), method="exact", service_level=0.9)
    assert raised.value.code == "replenish.exact.no_service_level"


def test_a_min_max_rule_with_the_reorder_point_just_below_the_level_is_base_stock():
    network = parse_network(distribution_document())
    scenarios = draw_scenarios(network, 16, 60, seed=6)
    levels = np.array([70.0, 15.0, 11.0, 30.0])
    base_stock = simulate(network, levels, scenarios)
    min_max = simulate(network, levels, scenarios, reorder_points=levels - 1e-9)
    assert min_max.cost_per_period[0] == pytest.approx(base_stock.cost_per_period[0])
    assert min_max.fill_rate[0] == pytest.approx(base_stock.fill_rate[0])


def test_a_min_max_rule_orders_in_batches_and_so_holds_more_than_base_stock_at_its_level():
    network = parse_network(distribution_document())
    scenarios = draw_scenarios(network, 16, 60, seed=6)
    levels = np.array([70.0, 15.0, 11.0, 30.0])
    base_stock = simulate(network, levels, scenarios)
    min_max = simulate(network, levels + 20.0, scenarios, reorder_points=levels)
    assert min_max.average_inventory[0] > base_stock.average_inventory[0]
