"""Conformal intervals from backtest residuals cover about their nominal share of future points."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from services.planning.forecast.intervals import conformal_quantile
from services.planning.forecast.pipeline import forecast_with_selection
from tests.unit.planning.conftest import monthly

CHEAP = ("SeasonalNaive", "AutoTheta", "CrostonSBA", "ADIDA")


def test_conformal_quantile_takes_the_finite_sample_rank() -> None:
    errors = np.arange(1.0, 10.0)  # 9 errors: rank ceil(10 * 0.8) = 8
    assert conformal_quantile(errors[::-1], 0.8) == 8.0
    assert conformal_quantile(errors[:3], 0.95) == 3.0  # too few for the rank: the largest
    assert np.isnan(conformal_quantile(np.array([]), 0.8))


@pytest.mark.parametrize("level", [0.8, 0.95])
def test_intervals_cover_about_their_nominal_share_of_held_out_points(level: float) -> None:
    rng = np.random.default_rng(11)
    series, train, held_out = 40, 30, 6
    frames = []
    for i in range(series):
        level_i = rng.uniform(50, 150)
        frames.append(monthly(f"s{i}", np.round(level_i + rng.normal(0, 0.1 * level_i, train + held_out))))
    history = pd.concat(frames, ignore_index=True)
    cut = history.groupby("unique_id").cumcount() < train
    run = forecast_with_selection(history[cut], held_out, "MS", level=level, candidates=CHEAP)
    truth = history[~cut].merge(run.forecast, on=["unique_id", "ds"])
    assert len(truth) == series * held_out
    covered = ((truth["y"] >= truth["yhat_lo"]) & (truth["y"] <= truth["yhat_hi"])).mean()
    assert level - 0.1 <= covered <= min(level + 0.1, 0.995)
