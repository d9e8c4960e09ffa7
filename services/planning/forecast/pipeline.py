"""The whole forecast for a frame of many series: prepare, backtest, select, fit on all history,
intervals, demand classes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from services.planning.forecast.backtest import (
    BacktestPlan,
    naive_scales,
    plan_backtest,
    run_backtest,
    score_backtest,
)
from services.planning.forecast.candidates import ALL_CANDIDATES, CandidateSpec, fit_predict
from services.planning.forecast.classify import demand_classes
from services.planning.forecast.intervals import half_widths
from services.planning.forecast.selection import TOP_K, ensemble_backtest, rank_scores, select_models

FALLBACK_MODEL = "AutoETS"  # for a series too short for any backtest window

_SEASONS = {"M": 12, "Q": 4, "W": 52, "D": 7, "h": 24, "H": 24, "A": 1, "Y": 1, "B": 5}


@dataclass(frozen=True)
class ForecastRun:
    """`forecast`: `unique_id, ds, yhat, yhat_lo, yhat_hi, model`. `selection`: per series the chosen
    model, its members, backtest `mase, rmsse, bias, score, windows`, the `rank_score` it won by (its
    score shrunk toward its class's, see `selection`), `runner_up, runner_up_score`, `demand_class`.
    `candidates`: every candidate's forecast from the full history. `backtest`: the
    window forecasts (the ensemble's included). `plan`: the windows used."""

    forecast: pd.DataFrame
    selection: pd.DataFrame
    candidates: pd.DataFrame
    backtest: pd.DataFrame
    plan: BacktestPlan


def infer_freq(history: pd.DataFrame) -> str:
    """The pandas frequency of the longest series (month starts -> "MS", and so on). Raises ValueError
    when no series has three points or the dates are irregular."""
    sizes = history.groupby("unique_id")["ds"].size()
    longest = sizes.idxmax()
    dates = pd.DatetimeIndex(history.loc[history["unique_id"] == longest, "ds"].sort_values())
    freq = pd.infer_freq(dates) if len(dates) >= 3 else None
    if freq is None:
        raise ValueError("the frequency cannot be inferred from the dates; pass --freq")
    return freq


def normalise_freq(freq: str, history: pd.DataFrame) -> str:
    """A user's `M` / `W` / `Q` as the anchored pandas alias that matches the dates given (month starts
    are "MS", month ends "ME")."""
    if freq in ("M", "Q", "Y", "A"):
        starts = bool((history["ds"].dt.is_month_start).all())
        return {"M": "MS" if starts else "ME", "Q": "QS" if starts else "QE"}.get(
            freq, "YS" if starts else "YE"
        )
    return freq


def season_length(freq: str) -> int:
    """Periods per season for a pandas frequency: 12 for monthly, 52 weekly, 7 daily, 4 quarterly."""
    code = pd.tseries.frequencies.to_offset(freq).name.split("-")[0]
    for prefix, length in _SEASONS.items():
        if code.startswith(prefix):
            return length
    return 1


def prepare_history(history: pd.DataFrame, freq: str) -> pd.DataFrame:
    """Sorted, with each series' missing periods between its first and last date filled with zero
    demand (a period without orders sold nothing)."""
    from utilsforecast.preprocessing import fill_gaps

    frame = history[["unique_id", "ds", "y"]].copy()
    frame["unique_id"] = frame["unique_id"].astype(str)
    filled = fill_gaps(frame, freq=freq, start="per_serie", end="per_serie")
    filled["y"] = filled["y"].fillna(0.0).astype(float)
    return filled.sort_values(["unique_id", "ds"]).reset_index(drop=True)


def forecast_with_selection(
    history: pd.DataFrame,
    horizon: int,
    freq: str | None = None,
    *,
    level: float = 0.8,
    candidates: tuple[str, ...] = ALL_CANDIDATES,
    windows: int = 3,
    top_k: int = TOP_K,
    n_jobs: int = 1,
) -> ForecastRun:
    """Forecast `horizon` periods for every series of `history` (`unique_id, ds, y`; checked input, see
    `history_file`), each with the model its own backtest chose, and a central `level` interval.
    Deterministic for the same input."""
    if horizon < 1:
        raise ValueError("horizon must be at least 1")
    freq = normalise_freq(freq, history) if freq else infer_freq(history)
    frame = prepare_history(history, freq)
    spec = CandidateSpec(freq=freq, season_length=season_length(freq), names=tuple(candidates), n_jobs=n_jobs)
    longest = int(frame.groupby("unique_id").size().max())
    plan = plan_backtest(longest, horizon, spec.season_length, windows)
    backtest = run_backtest(frame, plan, spec)
    classes = demand_classes(frame)
    selection = select_models(backtest, top_k=top_k, groups=classes)
    if not backtest.empty:
        scores = score_backtest(backtest)
        if not scores.empty:
            # The same members select_models averaged: the intervals need the ensemble's residuals.
            averaged, _ = ensemble_backtest(backtest, rank_scores(scores, classes), top_k)
            backtest = pd.concat([backtest, averaged[backtest.columns]], ignore_index=True)

    ids = pd.Index(sorted(frame["unique_id"].unique()), name="unique_id")
    selection = selection.set_index("unique_id").reindex(ids)
    short = selection["model"].isna()
    selection.loc[short, "model"] = FALLBACK_MODEL
    selection.loc[short, "members"] = FALLBACK_MODEL
    selection.loc[short, "windows"] = 0
    selection["demand_class"] = classes.reindex(ids)

    candidates_fc = fit_predict(frame, horizon, spec)
    forecast = _chosen_forecast(candidates_fc, selection)
    scales = naive_scales(frame, spec.season_length).set_index("unique_id")["scale_mae"].reindex(ids)
    widths = half_widths(backtest, selection.reset_index(), scales, level)
    width = forecast["unique_id"].map(widths).to_numpy()
    forecast["yhat_lo"] = np.maximum(forecast["yhat"].to_numpy() - width, 0.0)
    forecast["yhat_hi"] = forecast["yhat"].to_numpy() + width
    forecast = forecast[["unique_id", "ds", "yhat", "yhat_lo", "yhat_hi", "model"]]
    return ForecastRun(
        forecast=forecast,
        selection=selection.reset_index(),
        candidates=candidates_fc,
        backtest=backtest,
        plan=plan,
    )


def _chosen_forecast(candidates_fc: pd.DataFrame, selection: pd.DataFrame) -> pd.DataFrame:
    """Each series' forecast from its chosen model (the mean of the members for an ensemble). A chosen
    model without a forecast on the full history (rare: it forecast in backtest) falls back to the
    first candidate that has one."""
    long = candidates_fc.melt(id_vars=["unique_id", "ds"], var_name="member", value_name="yhat")
    members = selection["members"].str.split("+").explode().rename("member").reset_index()
    picked = long.merge(members, on=["unique_id", "member"], how="inner")
    forecast = picked.groupby(["unique_id", "ds"], as_index=False, sort=True)["yhat"].mean()
    forecast["model"] = forecast["unique_id"].map(selection["model"])
    names = [c for c in candidates_fc.columns if c not in ("unique_id", "ds")]
    fallback = candidates_fc.set_index(["unique_id", "ds"])[names].bfill(axis=1).iloc[:, 0]
    forecast = candidates_fc[["unique_id", "ds"]].merge(forecast, on=["unique_id", "ds"], how="left")
    gap = forecast["yhat"].isna()
    if gap.any():
        keys = pd.MultiIndex.from_frame(forecast.loc[gap, ["unique_id", "ds"]])
        forecast.loc[gap, "yhat"] = fallback.reindex(keys).to_numpy()
        forecast.loc[gap, "model"] = forecast.loc[gap, "unique_id"].map(selection["model"])
    return forecast
