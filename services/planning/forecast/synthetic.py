"""Seeded synthetic monthly demand shaped like car parts: a few fast movers with trend and
seasonality (and the odd promotion), erratic ones, and many intermittent and lumpy slow movers; some
items are new (shorter history). For the benchmark and the tests; deterministic for a seed."""

from __future__ import annotations

import numpy as np
import pandas as pd

# Shares of the four shapes; most car parts sell rarely.
SHARES = {"smooth": 0.3, "erratic": 0.15, "intermittent": 0.35, "lumpy": 0.2}
NEW_ITEM_SHARE = 0.05


def synthetic_demand(
    n_series: int, periods: int = 36, seed: int = 0, start: str = "2023-01-01"
) -> pd.DataFrame:
    """`unique_id, ds, y` (monthly, month starts), `n_series` series of `periods` points (new items
    fewer, at least 12), plus `shape`, the shape the series was drawn from."""
    rng = np.random.default_rng(seed)
    shapes = rng.choice(list(SHARES), size=n_series, p=list(SHARES.values()))
    t = np.arange(periods)[None, :]
    level = rng.uniform(8, 200, size=(n_series, 1))
    trend = rng.normal(0, 0.01, size=(n_series, 1)) * level
    amplitude = rng.uniform(0, 0.35, size=(n_series, 1)) * level
    phase = rng.uniform(0, 2 * np.pi, size=(n_series, 1))
    base = np.maximum(level + trend * t + amplitude * np.sin(2 * np.pi * t / 12 + phase), 0.5)
    smooth = rng.poisson(base * rng.gamma(40, 1 / 40, size=base.shape))
    erratic = rng.poisson(base * rng.gamma(1.2, 1 / 1.2, size=base.shape))
    occurs = rng.random(base.shape) < rng.uniform(0.12, 0.6, size=(n_series, 1))
    in_season = np.sin(2 * np.pi * t / 12 + phase) > 0.5
    seasonal_occurrence = occurs | (rng.random(base.shape) < 0.15 * in_season)
    small = 1 + rng.poisson(rng.uniform(0.5, 3, size=(n_series, 1)), size=base.shape)
    intermittent = np.where(seasonal_occurrence, small, 0)
    large = np.ceil(rng.lognormal(np.log(rng.uniform(2, 15, size=(n_series, 1))), 1.0, size=base.shape))
    lumpy = np.where(occurs, large, 0)
    y = np.select(
        [shapes[:, None] == "smooth", shapes[:, None] == "erratic", shapes[:, None] == "intermittent"],
        [smooth, erratic, intermittent],
        lumpy,
    ).astype(float)
    promoted = (shapes == "smooth") & (rng.random(n_series) < 0.2)
    promo_month = rng.integers(0, periods, size=n_series)
    y[promoted, promo_month[promoted]] *= 2.0
    is_new = rng.random(n_series) < NEW_ITEM_SHARE
    starts = np.where(is_new, rng.integers(0, max(periods - 12, 1), n_series), 0)
    dates = pd.date_range(start, periods=periods, freq="MS")
    width = len(str(n_series))
    ids = np.array([f"P{i:0{width}d}" for i in range(n_series)])
    keep = t >= starts[:, None]
    rows = np.nonzero(keep)
    return pd.DataFrame(
        {
            "unique_id": ids[rows[0]],
            "ds": dates[rows[1]],
            "y": y[rows],
            "shape": shapes[rows[0]],
        }
    )
