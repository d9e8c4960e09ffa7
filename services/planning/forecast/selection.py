"""Per series: the candidate with the lowest backtest score, or the mean of the best `top_k` candidates
when that mean scored lower on the same windows; the runner-up beside it.

With `groups` (the demand class of each series) a model is ranked by its own score shrunk toward the
mean score of the same model over the series of the same class: `(own + shrink * class mean) / (1 +
shrink)`. A few short windows per series make the own score noisy, and picking the minimum of twelve
noisy scores favours the luckiest model rather than the best one; the class mean is the evidence of
the many similar series. On the benchmark's held-out year this turned per-series selection from worse
than the best single candidate into better than every one (see README, "Planning forecasts").
"""

from __future__ import annotations

import pandas as pd

from services.planning.forecast.backtest import score_backtest
from services.planning.forecast.candidates import ALL_CANDIDATES

ENSEMBLE = "Ensemble"
TOP_K = 3
SHRINK = 1.0
# Ties go to the simpler model: the order of ALL_CANDIDATES, the ensemble last.
_ORDER = {name: rank for rank, name in enumerate((*ALL_CANDIDATES, ENSEMBLE))}
SELECTION_COLUMNS = [
    "unique_id", "model", "members", "mase", "rmsse", "bias", "score", "rank_score", "windows",
    "runner_up", "runner_up_score",
]  # fmt: skip


def rank_scores(scores: pd.DataFrame, groups: pd.Series | None, shrink: float = SHRINK) -> pd.DataFrame:
    """`scores` with `rank_score`: the own `score` without groups, else shrunk toward the class mean."""
    if groups is None or shrink == 0:
        return scores.assign(rank_score=scores["score"])
    group = scores["unique_id"].map(groups).fillna("")
    class_mean = scores.groupby([group, scores["model"]])["score"].transform("mean")
    return scores.assign(rank_score=(scores["score"] + shrink * class_mean) / (1 + shrink))


def ensemble_backtest(
    backtest: pd.DataFrame, ranked_scores: pd.DataFrame, top_k: int = TOP_K
) -> tuple[pd.DataFrame, pd.Series]:
    """The ensemble's window forecasts (same long form as the backtest, `model = "Ensemble"`) and each
    series' members joined by "+". The members are the `top_k` by `rank_score` (or `score`), averaged
    window by window, so each averaged forecast is still out of sample for the window it is scored on."""
    ranked = _ranked(ranked_scores)
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


def select_models(
    backtest: pd.DataFrame,
    top_k: int = TOP_K,
    groups: pd.Series | None = None,
    shrink: float = SHRINK,
) -> pd.DataFrame:
    """One row per series that has backtest windows (columns `SELECTION_COLUMNS`): the chosen `model`,
    its `members` (the ensemble's joined by "+", else the model itself), its own backtest `mase, rmsse,
    bias, score, windows`, the `rank_score` it won by, and the `runner_up` with its rank score. Lowest
    rank score wins; ties go to the simpler model. `backtest` holds the candidates' windows only."""
    scores = score_backtest(backtest)
    if scores.empty:
        return pd.DataFrame(columns=SELECTION_COLUMNS)
    scores = rank_scores(scores, groups, shrink)
    averaged, member_names = ensemble_backtest(backtest, scores, top_k)
    if not averaged.empty:
        scores = pd.concat([scores.drop(columns="rank_score"), score_backtest(averaged)], ignore_index=True)
        scores = rank_scores(scores, groups, shrink)
    ranked = _ranked(scores)
    best = ranked.groupby("unique_id", sort=True).nth(0).set_index("unique_id")
    second = ranked.groupby("unique_id", sort=True).nth(1).set_index("unique_id")
    best["runner_up"] = second["model"].reindex(best.index)
    best["runner_up_score"] = second["rank_score"].reindex(best.index)
    best["members"] = best["model"]
    is_ensemble = best["model"] == ENSEMBLE
    best.loc[is_ensemble, "members"] = member_names.reindex(best.index[is_ensemble])
    return best.reset_index()[SELECTION_COLUMNS]


def _ranked(scores: pd.DataFrame) -> pd.DataFrame:
    key = "rank_score" if "rank_score" in scores.columns else "score"
    order = scores["model"].map(_ORDER).fillna(len(_ORDER))
    return scores.assign(_order=order).sort_values(["unique_id", key, "_order"]).drop(columns="_order")
