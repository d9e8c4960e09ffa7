"""`python -m services.planning.replenish`: the policy file's contract, and bad networks refused with
the node named and nothing written."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from services.planning import replenish
from tests.unit.planning.replenish_networks import serial_document, snyder_shen_example

ROOT = Path(__file__).resolve().parents[3]
CONTRACT_KEYS = {"echelon_base_stock", "local_base_stock", "expected_cost_per_period", "method", "seconds"}


def _write(tmp_path: Path, document: object) -> Path:
    path = tmp_path / "network.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_the_cli_writes_the_policy_contract_for_a_small_serial_line(tmp_path, capsys):
    network = _write(tmp_path, serial_document([(1, 1), (2, 1)], mean=6, sd=2, stockout_cost=9, periods=60))
    out = tmp_path / "policy.json"
    assert replenish.main(["--network", str(network), "--out", str(out)]) == 0
    policy = json.loads(out.read_text(encoding="utf-8"))
    assert set(policy) >= CONTRACT_KEYS
    assert set(policy["local_base_stock"]) == {"S1", "S2"} == set(policy["echelon_base_stock"])
    assert policy["echelon_base_stock"]["S2"] == pytest.approx(
        policy["local_base_stock"]["S2"] + policy["local_base_stock"]["S1"], abs=1e-3
    )
    assert policy["expected_cost_per_period"] > 0
    assert "GA" in policy["method"] and policy["seconds"] >= 0
    assert "policy.json" in capsys.readouterr().out


def test_the_exact_method_writes_the_known_optimum(tmp_path):
    out = tmp_path / "policy.json"
    assert (
        replenish.main(
            [
                "--network",
                str(_write(tmp_path, snyder_shen_example())),
                "--out",
                str(out),
                "--method",
                "exact",
            ]
        )
        == 0
    )
    policy = json.loads(out.read_text(encoding="utf-8"))
    assert policy["expected_cost_per_period"] == pytest.approx(47.6687, rel=1e-3)
    assert policy["method"].startswith("exact")


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda nodes: nodes[2].update(downstream="S3"), ["S3", "nodes[0].downstream"]),
        (lambda nodes: nodes[1].update(holding_cost=-2), ["S2", "nodes[1].holding_cost"]),
        (lambda nodes: nodes[2].pop("demand"), ["nodes"]),
    ],
    ids=["cycle", "negative cost", "no demand node"],
)
def test_a_bad_network_exits_2_naming_the_node_and_writes_nothing(tmp_path, capsys, change, named):
    document = snyder_shen_example()
    change(document["nodes"])
    out = tmp_path / "policy.json"
    assert replenish.main(["--network", str(_write(tmp_path, document)), "--out", str(out)]) == 2
    error = capsys.readouterr().err
    assert all(text in error for text in named)
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [tmp_path / "network.json"]


def test_a_file_that_is_not_json_or_not_there_exits_2(tmp_path, capsys):
    broken = tmp_path / "network.json"
    broken.write_text("{not json", encoding="utf-8")
    out = tmp_path / "policy.json"
    assert replenish.main(["--network", str(broken), "--out", str(out)]) == 2
    assert "not valid JSON" in capsys.readouterr().err
    assert replenish.main(["--network", str(tmp_path / "missing.json"), "--out", str(out)]) == 2
    assert "missing.json" in capsys.readouterr().err
    assert not out.exists()


def test_the_module_runs_as_a_real_process(tmp_path):
    out = tmp_path / "policy.json"
    network = _write(tmp_path, snyder_shen_example())
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "services.planning.replenish",
            "--network",
            str(network),
            "--out",
            str(out),
            "--method",
            "exact",
            "--language",
            "zh",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert set(json.loads(out.read_text(encoding="utf-8"))) >= CONTRACT_KEYS
    assert "策略已写入" in done.stdout
