"""Rolling-origin backtest: several cutoffs per series, each window's candidates fitted on the data up
to its cutoff only, scored on the `horizon` points after it by MASE, RMSSE and bias.

Windows are counted back from each series' own last date, so series that end at different dates
(discontinued items) are still tested on their own latest history. A window is skipped for a series
whose training part would be shorter than `min_train`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from services.planning.forecast.candidates import CandidateSpec, fit_predict


@dataclass(frozen=True)
class BacktestPlan:
    """`windows` origins, `step` periods apart, each scored on the following `horizon` periods; the
    newest window's test part ends at the series' last point."""

    horizon: int
    windows: int
    step: int
    min_train: int


def plan_backtest(longest: int, horizon: int, season_length: int, windows: int = 3) -> BacktestPlan:
    """The real horizon when the history is long enough for `windows` origins each with at least
    `min_train` training points; otherwise the longest horizon that fits (at least 1). `step` is half
    the backtest horizon, so windows overlap and short histories still get several origins."""
    min_train = max(4, season_length) if season_length * 2 <= longest else 4
    for tested in range(horizon, 0, -1):
        step = max(1, tested // 2)
        if longest - tested - (windows - 1) * step >= min_train:
            return BacktestPlan(horizon=tested, windows=windows, step=step, min_train=min_train)
    return BacktestPlan(horizon=1, windows=windows, step=1, min_train=min_train)


def run_backtest(history: pd.DataFrame, plan: BacktestPlan, spec: CandidateSpec) -> pd.DataFrame:
    """Window forecasts in long form: `unique_id, window, ds, y, model, yhat, scale_mae, scale_mse`
    (window 0 the oldest origin). Each window's models see only the rows before its cutoff: the frame
    passed to `fit_predict` is cut first, so no later value can reach them."""
    frame = history.sort_values(["unique_id", "ds"]).reset_index(drop=True)
    from_end = frame.groupby("unique_id", sort=False).cumcount(ascending=False).to_numpy()
    length = frame.groupby("unique_id", sort=False)["y"].transform("size").to_numpy()
    results: list[pd.DataFrame] = []
    for window in range(plan.windows):
        # Test rows of this window sit `offset` .. `offset + horizon - 1` periods from the end.
        offset = (plan.windows - 1 - window) * plan.step
        train_size = length - offset - plan.horizon
        usable = train_size >= plan.min_train
        train = frame[usable & (from_end >= offset + plan.horizon)]
        if train.empty:
            continue
        test = frame[usable & (from_end >= offset) & (from_end < offset + plan.horizon)]
        predicted = fit_predict(train[["unique_id", "ds", "y"]], plan.horizon, spec)
        scales = naive_scales(train, spec.season_length)
        long = predicted.melt(id_vars=["unique_id", "ds"], var_name="model", value_name="yhat")
        long = long.merge(test[["unique_id", "ds", "y"]], on=["unique_id", "ds"], how="inner")
        long = long.merge(scales, on="unique_id", how="left")
        long.insert(1, "window", window)
        results.append(long)
    if not results:
        columns = ["unique_id", "window", "ds", "model", "yhat", "y", "scale_mae", "scale_mse"]
        return pd.DataFrame(columns=columns)
    return pd.concat(results, ignore_index=True)


def naive_scales(train: pd.DataFrame, season_length: int) -> pd.DataFrame:
    """`unique_id, scale_mae, scale_mse`, the MASE / RMSSE denominators per series: the in-sample
    seasonal-naive (or naive, when the training part is not longer than a season) mean absolute and
    squared error; the mean level when those are zero (a constant history), and 1 when that is zero too."""
    rows = []
    for uid, y in train.groupby("unique_id", sort=True)["y"]:
        values = y.to_numpy(dtype=float)
        lag = season_length if values.size > season_length > 1 else 1
        diffs = values[lag:] - values[:-lag] if values.size > lag else np.zeros(1)
        mae = float(np.mean(np.abs(diffs)))
        mse = float(np.mean(diffs**2))
        if mae == 0.0:
            level = float(np.mean(np.abs(values))) or 1.0
            mae, mse = level, level**2
        rows.append((uid, mae, mse))
    return pd.DataFrame(rows, columns=["unique_id", "scale_mae", "scale_mse"])


def score_backtest(backtest: pd.DataFrame) -> pd.DataFrame:
    """Per `unique_id, model`: `mase`, `rmsse`, `bias` (mean error in MASE units, positive = forecast
    too high), each the mean over windows, `windows` counted, and `score` = (mase + rmsse) / 2, the
    figure the selection ranks by. A model with any missing forecast in a window is left out for that
    series."""
    frame = backtest.assign(error=backtest["yhat"] - backtest["y"])
    frame["abs"] = frame["error"].abs()
    frame["sq"] = frame["error"] ** 2
    frame["missing"] = frame["yhat"].isna()
    per_window = frame.groupby(["unique_id", "model", "window"], sort=False).agg(
        mae=("abs", "mean"),
        mse=("sq", "mean"),
        me=("error", "mean"),
        missing=("missing", "max"),
        scale_mae=("scale_mae", "first"),
        scale_mse=("scale_mse", "first"),
    )
    per_window = per_window[~per_window["missing"]]
    per_window = per_window.assign(
        mase=per_window["mae"] / per_window["scale_mae"],
        rmsse=np.sqrt(per_window["mse"] / per_window["scale_mse"]),
        bias=per_window["me"] / per_window["scale_mae"],
    )
    scores = per_window.groupby(["unique_id", "model"], sort=False).agg(
        mase=("mase", "mean"), rmsse=("rmsse", "mean"), bias=("bias", "mean"), windows=("mase", "size")
    )
    scores["score"] = (scores["mase"] + scores["rmsse"]) / 2
    scores = scores.reset_index()
    # A model scored on fewer windows than the series had would be compared on easier ground.
    complete = scores["windows"] == scores.groupby("unique_id")["windows"].transform("max")
    return scores[complete].reset_index(drop=True)
