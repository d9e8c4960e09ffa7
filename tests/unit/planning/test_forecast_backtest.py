"""The rolling-origin backtest never lets a window see its future: altering the points after a
window's cutoff leaves that window's forecasts as they were (for every candidate, the global LightGBM
and the hybrid's residual net included)."""

from __future__ import annotations

import pandas as pd
import pytest

from services.planning.forecast.backtest import BacktestPlan, plan_backtest, run_backtest
from services.planning.forecast.candidates import ALL_CANDIDATES, CandidateSpec
from tests.unit.planning.conftest import small_history

SPEC = CandidateSpec(freq="MS", season_length=12, names=ALL_CANDIDATES)
PLAN = BacktestPlan(horizon=4, windows=3, step=2, min_train=12)


@pytest.fixture(scope="module")
def history() -> pd.DataFrame:
    frame = small_history(periods=26)
    return frame[frame["unique_id"].isin(["seasonal", "intermittent", "lumpy"])].reset_index(drop=True)


@pytest.fixture(scope="module")
def original(history: pd.DataFrame) -> pd.DataFrame:
    return run_backtest(history, PLAN, SPEC)


def _forecasts(backtest: pd.DataFrame) -> pd.DataFrame:
    return backtest.pivot_table(index=["window", "unique_id", "ds"], columns="model", values="yhat")


def _alter(history: pd.DataFrame, uid: str, from_end: list[int]) -> pd.DataFrame:
    altered = history.copy()
    rows = altered.index[altered["unique_id"] == uid]
    for k in from_end:
        altered.loc[rows[-1 - k], "y"] += 40.0
    return altered


def test_every_window_has_every_candidate_and_the_planned_test_points(original: pd.DataFrame) -> None:
    assert sorted(original["window"].unique()) == [0, 1, 2]
    assert set(original["model"]) == set(ALL_CANDIDATES)
    points = original.groupby(["window", "unique_id"])["ds"].nunique()
    assert (points == PLAN.horizon).all()
    assert original["yhat"].notna().all()


def test_altering_the_tested_points_changes_no_window_forecast(history: pd.DataFrame, original) -> None:
    # The last `horizon` points are only ever tested on, never trained on.
    altered = run_backtest(_alter(history, "seasonal", list(range(PLAN.horizon))), PLAN, SPEC)
    pd.testing.assert_frame_equal(_forecasts(altered), _forecasts(original))
    assert not altered["y"].equals(original["y"])  # the actuals did change: the errors see it


def test_altering_the_newest_cutoff_point_changes_only_the_newest_window(
    history: pd.DataFrame, original
) -> None:
    # The point just before the newest window's test part is in its training data and in no older one.
    altered = run_backtest(_alter(history, "seasonal", [PLAN.horizon]), PLAN, SPEC)
    before, after = _forecasts(original), _forecasts(altered)
    older = before.index.get_level_values("window") < PLAN.windows - 1
    pd.testing.assert_frame_equal(after[older], before[older])
    newest = after.loc[(PLAN.windows - 1, "seasonal")]
    assert (newest - before.loc[(PLAN.windows - 1, "seasonal")]).abs().to_numpy().max() > 1.0


def test_plan_uses_the_real_horizon_when_the_history_allows_and_shrinks_it_otherwise() -> None:
    assert plan_backtest(longest=36, horizon=12, season_length=12) == BacktestPlan(12, 3, 6, 12)
    short = plan_backtest(longest=24, horizon=12, season_length=12)
    assert short.horizon < 12
    assert 24 - short.horizon - (short.windows - 1) * short.step >= short.min_train
