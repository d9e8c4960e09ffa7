"""Per series: the candidate with the lowest backtest score, or the mean of the best `top_k` candidates
when that mean scored lower on the same windows; the runner-up beside it."""

from __future__ import annotations

import pandas as pd

from services.planning.forecast.backtest import score_backtest
from services.planning.forecast.candidates import ALL_CANDIDATES

ENSEMBLE = "Ensemble"
TOP_K = 3
# Ties go to the simpler model: the order of ALL_CANDIDATES, the ensemble last.
_ORDER = {name: rank for rank, name in enumerate((*ALL_CANDIDATES, ENSEMBLE))}


def ensemble_backtest(backtest: pd.DataFrame, scores: pd.DataFrame, top_k: int = TOP_K) -> tuple:
    """The ensemble's window forecasts (same long form as the backtest, `model = "Ensemble"`) and each
    series' members. The members are picked by their backtest scores and averaged window by window, so
    each averaged forecast is still out of sample for the window it is scored on."""
    ranked = _ranked(scores)
    members = ranked.groupby("unique_id", sort=False).head(top_k)
    counts = members.groupby("unique_id")["model"].transform("size")
    members = members[counts == top_k]
    member_names = members.groupby("unique_id", sort=True)["model"].agg("+".join)
    chosen = backtest.merge(members[["unique_id", "model"]], on=["unique_id", "model"], how="inner")
    averaged = chosen.groupby(["unique_id", "window", "ds"], sort=False, as_index=False).agg(
        yhat=("yhat", "mean"),
        y=("y", "first"),
        scale_mae=("scale_mae", "first"),
        scale_mse=("scale_mse", "first"),
    )
    averaged["model"] = ENSEMBLE
    return averaged, member_names


def select_models(backtest: pd.DataFrame, top_k: int = TOP_K) -> pd.DataFrame:
    """One row per series that has backtest windows: `unique_id, model, members` (the ensemble's members
    joined by "+", else the model itself), `mase, rmsse, bias, score, windows` of the chosen model, and
    `runner_up, runner_up_score`. Lower score wins; ties go to the simpler model."""
    scores = score_backtest(backtest)
    if scores.empty:
        columns = ["unique_id", "model", "members", "mase", "rmsse", "bias", "score", "windows"]
        return pd.DataFrame(columns=[*columns, "runner_up", "runner_up_score"])
    averaged, member_names = ensemble_backtest(backtest, scores, top_k)
    if not averaged.empty:
        scores = pd.concat([scores, score_backtest(averaged)], ignore_index=True)
    ranked = _ranked(scores)
    best = ranked.groupby("unique_id", sort=True).nth(0).set_index("unique_id")
    second = ranked.groupby("unique_id", sort=True).nth(1).set_index("unique_id")
    best["runner_up"] = second["model"].reindex(best.index)
    best["runner_up_score"] = second["score"].reindex(best.index)
    best["members"] = best["model"]
    is_ensemble = best["model"] == ENSEMBLE
    best.loc[is_ensemble, "members"] = member_names.reindex(best.index[is_ensemble])
    columns = ["model", "members", "mase", "rmsse", "bias", "score", "windows"]
    return best[[*columns, "runner_up", "runner_up_score"]].reset_index()


def _ranked(scores: pd.DataFrame) -> pd.DataFrame:
    order = scores["model"].map(_ORDER).fillna(len(_ORDER))
    return scores.assign(_order=order).sort_values(["unique_id", "score", "_order"]).drop(columns="_order")
