"""Selection: the candidate with the lowest backtest score wins, ties go to the simpler model, and the
mean of the best few wins only where it scored lower on the same windows."""

from __future__ import annotations

import numpy as np
import pandas as pd

from services.planning.forecast.pipeline import forecast_with_selection
from services.planning.forecast.selection import ENSEMBLE, select_models
from tests.unit.planning.conftest import monthly


def _backtest(uid: str, y: float, forecasts: dict[str, list[float]]) -> pd.DataFrame:
    """Window forecasts of a flat series `y`: one window per entry of each model's list (one point)."""
    rows = [
        {"unique_id": uid, "window": w, "ds": pd.Timestamp("2025-01-01") + pd.DateOffset(months=w),
         "model": model, "yhat": value, "y": y, "scale_mae": 1.0, "scale_mse": 1.0}
        for model, values in forecasts.items()
        for w, value in enumerate(values)
    ]  # fmt: skip
    return pd.DataFrame(rows)


def test_lowest_backtest_error_is_chosen_with_the_second_lowest_as_runner_up() -> None:
    backtest = _backtest(
        "part",
        10.0,
        {
            "SeasonalNaive": [13, 7, 13],
            "AutoETS": [10.5, 9.5, 10.5],
            "CrostonSBA": [8, 12, 8],
            "TSB": [11, 11, 11],
        },
    )
    chosen = select_models(backtest, top_k=2).set_index("unique_id").loc["part"]
    assert chosen["model"] == "AutoETS"
    assert chosen["mase"] == 0.5 and chosen["rmsse"] == 0.5 and abs(chosen["bias"] - 1 / 6) < 1e-12
    # The mean of AutoETS and TSB (errors 0.75, 0.25, 0.75) is second: better than TSB alone (1.0).
    assert chosen["runner_up"] == ENSEMBLE
    assert abs(chosen["runner_up_score"] - 7 / 12) < 1e-12


def test_ensemble_is_chosen_only_where_its_errors_cancel() -> None:
    cancelling = _backtest("cancel", 10.0, {"AutoETS": [12, 12], "CrostonSBA": [8, 8], "ADIDA": [10.3, 9.7]})
    one_sided = _backtest(
        "one-sided", 10.0, {"AutoETS": [12, 12], "CrostonSBA": [13, 13], "ADIDA": [10.3, 9.7]}
    )
    chosen = select_models(pd.concat([cancelling, one_sided]), top_k=3).set_index("unique_id")
    assert chosen.loc["cancel", "model"] == ENSEMBLE
    assert chosen.loc["cancel", "members"] == "ADIDA+AutoETS+CrostonSBA"
    assert chosen.loc["cancel", "runner_up"] == "ADIDA"
    assert chosen.loc["one-sided", "model"] == "ADIDA"


def test_a_tie_goes_to_the_simpler_model() -> None:
    backtest = _backtest("tie", 10.0, {"AutoARIMA": [11, 9], "SeasonalNaive": [11, 9]})
    assert select_models(backtest, top_k=2).loc[0, "model"] == "SeasonalNaive"


def test_a_repeating_season_is_forecast_by_seasonal_naive_with_zero_backtest_error() -> None:
    pattern = np.array([5, 9, 14, 20, 26, 30, 28, 22, 15, 10, 6, 4], dtype=float)
    noise = np.random.default_rng(3).normal(0, 4, 36).round().clip(-8, 8)
    history = pd.concat([monthly("repeating", np.tile(pattern, 3)), monthly("level", 30 + noise)])
    run = forecast_with_selection(history, 6, "MS", candidates=("SeasonalNaive", "CrostonSBA", "ADIDA"))
    chosen = run.selection.set_index("unique_id")
    assert chosen.loc["repeating", "model"] == "SeasonalNaive"
    assert chosen.loc["repeating", "mase"] == 0.0
    assert chosen.loc["level", "model"] != "SeasonalNaive"
    forecast = run.forecast[run.forecast["unique_id"] == "repeating"]
    assert list(forecast["yhat"]) == list(pattern[:6])
