"""Conformal prediction intervals from the chosen model's backtest residuals.

None of the candidates' own intervals is used: most of them (the intermittent family, LightGBM, the
hybrid, the ensemble) have none, and those that do assume their model is right. The residuals of the
rolling-origin windows are honest out-of-sample errors at the real horizon, the same for every model.
The half-width is the split-conformal quantile of the absolute residuals, pooled over the windows and
steps of the series; a series without backtest windows borrows the pooled quantile of all series'
residuals in units of their scale, times its own scale.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd


def conformal_quantile(abs_errors: np.ndarray, level: float) -> float:
    """The ceil((n + 1) * level) / n empirical quantile of `abs_errors` (the finite-sample correction
    that gives coverage of at least `level` for exchangeable errors); the largest error when n is too
    small for that rank."""
    values = np.sort(np.asarray(abs_errors, dtype=float))
    if values.size == 0:
        return float("nan")
    rank = math.ceil((values.size + 1) * level)
    return float(values[min(rank, values.size) - 1])


def half_widths(backtest: pd.DataFrame, chosen: pd.DataFrame, scales: pd.Series, level: float) -> pd.Series:
    """`unique_id -> half-width` for every series in `scales` (its MASE scale on the full history), from
    the residuals of the model `chosen` names for it (`backtest` includes the ensemble's rows)."""
    picked = backtest.merge(chosen[["unique_id", "model"]], on=["unique_id", "model"], how="inner")
    picked = picked.assign(abs_error=(picked["y"] - picked["yhat"]).abs())
    widths = picked.groupby("unique_id")["abs_error"].agg(lambda e: conformal_quantile(e.to_numpy(), level))
    scaled = (picked["abs_error"] / picked["scale_mae"]).to_numpy()
    pooled = conformal_quantile(scaled, level) if scaled.size else 1.0
    widths = widths.reindex(scales.index)
    missing = widths.isna()
    widths[missing] = pooled * scales[missing]
    return widths
