"""Small demand histories for the forecast tests: few, short series, so that the candidates (AutoARIMA
above all) fit in seconds; the expensive full run happens once per session."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from services.planning.forecast.cli import main

HORIZON = 6


def monthly(uid: str, values: np.ndarray, start: str = "2023-01-01") -> pd.DataFrame:
    return pd.DataFrame(
        {"unique_id": uid, "ds": pd.date_range(start, periods=len(values), freq="MS"), "y": values}
    )


def small_history(periods: int = 30) -> pd.DataFrame:
    """A seasonal fast mover, a trending one, an intermittent and a lumpy slow mover, and a new item
    (5 months, too short for any backtest window)."""
    rng = np.random.default_rng(7)
    t = np.arange(periods)
    seasonal = np.round(60 + 15 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 3, periods))
    trending = np.round(20 + 1.5 * t + rng.normal(0, 2, periods))
    intermittent = np.where(rng.random(periods) < 0.35, 1 + rng.poisson(1, periods), 0)
    lumpy = np.where(rng.random(periods) < 0.25, np.ceil(rng.lognormal(2, 1, periods)), 0)
    return pd.concat(
        [
            monthly("seasonal", seasonal),
            monthly("trending", trending),
            monthly("intermittent", intermittent.astype(float)),
            monthly("lumpy", lumpy.astype(float)),
            monthly("new-item", np.array([3.0, 5, 4, 6, 5]), start="2025-02-01"),
        ],
        ignore_index=True,
    )


def write_history(frame: pd.DataFrame, path: Path) -> Path:
    frame.assign(ds=frame["ds"].dt.strftime("%Y-%m-%d")).to_csv(path, index=False)
    return path


@pytest.fixture(scope="session")
def full_cli_run(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The CLI, in process, once with every candidate on `small_history()`: its exit code, input and
    outputs."""
    folder = tmp_path_factory.mktemp("forecast")
    history = small_history()
    source = write_history(history, folder / "history.csv")
    out, selection = folder / "forecast.csv", folder / "selection.csv"
    code = main(
        [
            "--input", str(source), "--horizon", str(HORIZON), "--out", str(out),
            "--selection", str(selection),
        ]
    )  # fmt: skip
    return {"code": code, "history": history, "out": out, "selection": selection}
