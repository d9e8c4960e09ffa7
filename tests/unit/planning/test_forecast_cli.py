"""The forecast CLI: the output contract on a good file, and each kind of bad file refused with its line
named, exit code 2 and nothing written."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from models.settings import PROJECT_ROOT
from services.planning.forecast.candidates import ALL_CANDIDATES
from services.planning.forecast.cli import main
from services.planning.forecast.selection import ENSEMBLE
from tests.unit.planning.conftest import HORIZON

GOOD_HEADER = "unique_id,ds,y\n"


def test_forecast_file_has_the_contract_columns_and_horizon_rows_per_series(full_cli_run: dict) -> None:
    assert full_cli_run["code"] == 0
    forecast = pd.read_csv(full_cli_run["out"], parse_dates=["ds"])
    assert list(forecast.columns) == ["unique_id", "ds", "yhat", "yhat_lo", "yhat_hi", "model"]
    history = full_cli_run["history"]
    assert forecast.groupby("unique_id").size().to_dict() == {
        uid: HORIZON for uid in history["unique_id"].unique()
    }
    for uid, rows in forecast.groupby("unique_id"):
        last = history.loc[history["unique_id"] == uid, "ds"].max()
        assert list(rows["ds"]) == list(pd.date_range(last, periods=HORIZON + 1, freq="MS")[1:])
    assert (forecast["yhat_lo"] >= 0).all()
    assert (forecast["yhat_lo"] <= forecast["yhat"]).all() and (forecast["yhat"] <= forecast["yhat_hi"]).all()
    assert (forecast["yhat_hi"] > forecast["yhat_lo"]).any()
    assert set(forecast["model"]) <= {*ALL_CANDIDATES, ENSEMBLE}


def test_selection_file_names_the_model_its_errors_and_a_worse_runner_up(full_cli_run: dict) -> None:
    selection = pd.read_csv(full_cli_run["selection"]).set_index("unique_id")
    tested = selection[selection["windows"] > 0]
    assert set(tested.index) == {"seasonal", "trending", "intermittent", "lumpy"}
    assert tested[["mase", "rmsse", "bias", "score", "rank_score"]].notna().all().all()
    assert (tested["rank_score"] <= tested["runner_up_score"]).all()
    assert (tested["model"] != tested["runner_up"]).all()
    assert selection.loc["new-item", "windows"] == 0  # too short to backtest: the fallback, said so
    assert selection.loc["seasonal", "demand_class"] == "smooth"
    assert selection.loc["lumpy", "demand_class"] == "lumpy"


BAD_FILES = {
    "missing column": ("unique_id,date,y\na,2024-01-01,1\n", 1, "missing column(s) ds"),
    "non-numeric y": (GOOD_HEADER + "a,2024-01-01,1\na,2024-02-01,lots\n", 3, "'lots' is not a number"),
    "empty y": (GOOD_HEADER + "a,2024-01-01,1\na,2024-02-01,\n", 3, "y is empty"),
    "negative demand": (GOOD_HEADER + "a,2024-01-01,1\nb,2024-01-01,-2\n", 3, "negative"),
    "unparseable date": (GOOD_HEADER + "a,2024-01-01,1\na,2024-13-45,2\n", 3, "'2024-13-45' is not a date"),
    "duplicate date": (
        GOOD_HEADER + "a,2024-01-01,1\nb,2024-01-01,1\na,2024-02-01,2\na,2024-01-01,5\n",
        5,
        "has the date 2024-01-01 twice (also on line 2)",
    ),
    "empty id": (GOOD_HEADER + "a,2024-01-01,1\n,2024-02-01,2\n", 3, "unique_id is empty"),
    "no rows": (GOOD_HEADER, 1, "no rows"),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_file_is_refused_with_its_line_and_nothing_written(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text, line, message = BAD_FILES[case]
    source = tmp_path / "history.csv"
    source.write_text(text)
    out = tmp_path / "forecast.csv"
    code = main(["--input", str(source), "--horizon", "3", "--out", str(out)])
    error = capsys.readouterr().err
    assert code == 2
    assert f"line {line}:" in error and message in error
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [source]


def test_bad_arguments_are_refused_with_exit_code_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "history.csv"
    source.write_text(GOOD_HEADER + "a,2024-01-01,1\n")
    out = tmp_path / "forecast.csv"
    assert main(["--input", str(source), "--horizon", "0", "--out", str(out)]) == 2
    assert main(["--input", str(source), "--horizon", "2", "--out", str(out), "--models", "Prophet"]) == 2
    assert main(["--input", str(tmp_path / "absent.csv"), "--horizon", "2", "--out", str(out)]) == 2
    errors = capsys.readouterr().err
    assert "--horizon must be at least 1" in errors and "unknown model(s) Prophet" in errors
    assert "no such file" in errors
    assert not out.exists()


def test_cli_runs_as_a_module_in_a_real_process(tmp_path: Path) -> None:
    rows = [
        f"w{uid},2024-{month:02d}-01,{(month * (uid + 1)) % 7}" for uid in range(2) for month in range(1, 13)
    ]
    source = tmp_path / "history.csv"
    source.write_text(GOOD_HEADER + "\n".join(rows) + "\n")
    out = tmp_path / "forecast.csv"
    command = [sys.executable, "-m", "services.planning.forecast", "--input", str(source), "--horizon", "2"]
    command += ["--out", str(out), "--freq", "M", "--models", "SeasonalNaive,CrostonSBA,ADIDA"]
    done = subprocess.run(
        command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120, env={**os.environ}
    )
    assert done.returncode == 0, done.stderr
    forecast = pd.read_csv(out)
    assert len(forecast) == 4
    assert set(forecast["ds"]) == {"2025-01-01", "2025-02-01"}

    source.write_text(GOOD_HEADER + "w0,2024-01-01,x\n")
    out.unlink()
    done = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "line 2:" in done.stderr
    assert not out.exists()
