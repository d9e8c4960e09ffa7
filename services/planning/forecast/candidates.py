"""The candidate models, fitted together on one training frame and forecasting `horizon` steps after it.

Everything a candidate learns comes from the frame it is given (`fit_predict(train, ...)`); the backtest
relies on that to keep each window blind to its future. Forecasts are clipped at zero: demand is never
negative.

- statsforecast: SeasonalNaive, AutoETS, AutoARIMA (a small stepwise search: p, q, P, Q <= 1, six models;
  still ~0.1 s per series, the bulk of the run), AutoTheta, and the intermittent family CrostonClassic,
  CrostonSBA, TSB, ADIDA, IMAPA.
  A model that fails on a series falls back to Naive for that series (statsforecast's `fallback_model`).
- LightGBM: one global model over all series (mlforecast), on lags, rolling means and the calendar month,
  each series divided by its mean so slow and fast movers share the trees.
- ARIMA+MLP (the brief's hybrid): AutoARIMA's forecast plus a small scikit-learn MLP, trained on all
  series' scaled in-sample ARIMA residuals, that forecasts the residual from its last lags.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

STATS_MODELS = (
    "SeasonalNaive",
    "AutoETS",
    "AutoARIMA",
    "AutoTheta",
    "CrostonClassic",
    "CrostonSBA",
    "TSB",
    "ADIDA",
    "IMAPA",
)
LIGHTGBM = "LightGBM"
HYBRID = "ARIMA+MLP"
ALL_CANDIDATES = (*STATS_MODELS, LIGHTGBM, HYBRID)
RESIDUAL_LAGS = 3
MLP_MAX_ROWS = 50_000  # the residual net trains on a seeded sample beyond this; it only needs the shape


@dataclass(frozen=True)
class CandidateSpec:
    """Which candidates to fit, at which frequency and season length, with how many processes."""

    freq: str
    season_length: int
    names: tuple[str, ...] = ALL_CANDIDATES
    n_jobs: int = 1

    def __post_init__(self) -> None:
        unknown = sorted(set(self.names) - set(ALL_CANDIDATES))
        if unknown:
            raise ValueError(f"unknown candidate models: {', '.join(unknown)}")


def _stats_model(name: str, season_length: int) -> object:
    from statsforecast import models as sfm

    match name:
        case "SeasonalNaive":
            return sfm.SeasonalNaive(season_length=season_length)
        case "AutoETS":
            return sfm.AutoETS(season_length=season_length)
        case "AutoARIMA":
            # The default search costs ~0.3 s per short series on this machine and a wider bound
            # (p, q <= 2, 12 models) ~0.25 s; this one ~0.1 s, still the slowest candidate by far.
            return sfm.AutoARIMA(
                season_length=season_length,
                max_p=1,
                max_q=1,
                max_P=1,
                max_Q=1,
                max_order=2,
                nmodels=6,
                approximation=True,
            )
        case "AutoTheta":
            return sfm.AutoTheta(season_length=season_length)
        case "CrostonClassic":
            return sfm.CrostonClassic()
        case "CrostonSBA":
            return sfm.CrostonSBA()
        case "TSB":
            return sfm.TSB(alpha_d=0.2, alpha_p=0.2)
        case "ADIDA":
            return sfm.ADIDA()
        case "IMAPA":
            return sfm.IMAPA()
    raise ValueError(name)


def fit_predict(train: pd.DataFrame, horizon: int, spec: CandidateSpec) -> pd.DataFrame:
    """Fit the candidates of `spec` on `train` (`unique_id, ds, y`, regular, sorted) and forecast
    `horizon` steps after each series' last date. Returns `unique_id, ds` and one column per candidate;
    a candidate that cannot forecast a series leaves NaN there (the selection then skips it)."""
    from statsforecast import StatsForecast
    from statsforecast.models import Naive

    wanted = [name for name in spec.names if name in STATS_MODELS]
    if HYBRID in spec.names and "AutoARIMA" not in wanted:
        wanted.append("AutoARIMA")
    frames: list[pd.DataFrame] = []
    fitted = None
    if wanted:
        season = spec.season_length
        sf = StatsForecast(
            models=[_stats_model(name, season) for name in wanted],
            freq=spec.freq,
            n_jobs=spec.n_jobs,
            fallback_model=Naive(),
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            stats = sf.forecast(df=train, h=horizon, fitted=HYBRID in spec.names)
            if HYBRID in spec.names:
                fitted = sf.forecast_fitted_values()
        frames.append(stats)
    out = frames[0] if frames else _future_dates(train, horizon, spec.freq)
    if LIGHTGBM in spec.names:
        out = out.merge(_lightgbm(train, horizon, spec), on=["unique_id", "ds"], how="left")
    if HYBRID in spec.names:
        out[HYBRID] = out["AutoARIMA"].to_numpy() + _residual_mlp(fitted, out, horizon)
    out = out[["unique_id", "ds", *[name for name in ALL_CANDIDATES if name in spec.names]]].copy()
    models = [c for c in out.columns if c not in ("unique_id", "ds")]
    out[models] = out[models].clip(lower=0.0)
    return out.reset_index(drop=True)


def _future_dates(train: pd.DataFrame, horizon: int, freq: str) -> pd.DataFrame:
    last = train.groupby("unique_id", sort=True)["ds"].max()
    offset = pd.tseries.frequencies.to_offset(freq)
    rows = [
        pd.DataFrame({"unique_id": uid, "ds": pd.date_range(end + offset, periods=horizon, freq=freq)})
        for uid, end in last.items()
    ]
    return pd.concat(rows, ignore_index=True)


def _series_scale(train: pd.DataFrame) -> pd.Series:
    scale = train.groupby("unique_id", sort=True)["y"].mean()
    return scale.where(scale > 0, 1.0)


def _lightgbm(train: pd.DataFrame, horizon: int, spec: CandidateSpec) -> pd.DataFrame:
    import lightgbm as lgb
    from mlforecast import MLForecast
    from mlforecast.lag_transforms import RollingMean

    season = spec.season_length
    lags = [1, 2, 3] + ([season] if 3 < season <= 24 else [])
    lag_transforms = {1: [RollingMean(window_size=3)]}
    if 3 < season <= 24:
        lag_transforms[1].append(RollingMean(window_size=season))
    monthly = pd.tseries.frequencies.to_offset(spec.freq).rule_code.startswith("M")
    scale = _series_scale(train)
    scaled = train.assign(y=train["y"] / train["unique_id"].map(scale))
    model = lgb.LGBMRegressor(
        n_estimators=150,
        learning_rate=0.05,
        num_leaves=15,
        min_child_samples=10,
        subsample=1.0,
        colsample_bytree=1.0,
        deterministic=True,
        force_row_wise=True,
        n_jobs=spec.n_jobs,
        random_state=0,
        verbosity=-1,
    )
    forecaster = MLForecast(
        models={LIGHTGBM: model},
        freq=spec.freq,
        lags=lags,
        lag_transforms=lag_transforms,
        date_features=["month"] if monthly else None,
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            forecaster.fit(scaled, dropna=True)
            predicted = forecaster.predict(horizon)
    except ValueError:
        # Every series shorter than the longest lag: nothing to learn from; the candidate sits out.
        predicted = _future_dates(train, horizon, spec.freq).assign(**{LIGHTGBM: np.nan})
    predicted[LIGHTGBM] = predicted[LIGHTGBM] * predicted["unique_id"].map(scale)
    return predicted[["unique_id", "ds", LIGHTGBM]]


def _residual_mlp(fitted: pd.DataFrame, future: pd.DataFrame, horizon: int) -> np.ndarray:
    """The MLP's residual forecast for each row of `future` (sorted by series then date), in units of y."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPRegressor

    frame = fitted[["unique_id", "ds", "y", "AutoARIMA"]].copy()
    scale = frame.groupby("unique_id", sort=True)["y"].std().fillna(0.0)
    scale = scale.where(scale > 0, 1.0)
    frame["z"] = ((frame["y"] - frame["AutoARIMA"]) / frame["unique_id"].map(scale)).fillna(0.0)
    grouped = frame.groupby("unique_id", sort=True)["z"]
    lag_columns = [f"lag{k}" for k in range(1, RESIDUAL_LAGS + 1)]
    for k, column in enumerate(lag_columns, start=1):
        frame[column] = grouped.shift(k)
    rows = frame.dropna(subset=lag_columns)
    ids = future["unique_id"].drop_duplicates().to_numpy()
    if len(rows) < 20:
        return np.zeros(len(future))
    if len(rows) > MLP_MAX_ROWS:
        rows = rows.sample(n=MLP_MAX_ROWS, random_state=0)
    net = MLPRegressor(hidden_layer_sizes=(8,), alpha=1e-3, max_iter=300, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        net.fit(rows[lag_columns].to_numpy(), rows["z"].to_numpy())
    # The last RESIDUAL_LAGS residuals of each series, newest first, then roll forward step by step.
    tails = grouped.apply(lambda z: z.to_numpy()[::-1][:RESIDUAL_LAGS]).reindex(ids)
    state = np.zeros((len(ids), RESIDUAL_LAGS))
    for i, tail in enumerate(tails):
        state[i, : len(tail)] = tail
    steps = np.zeros((len(ids), horizon))
    for step in range(horizon):
        z = net.predict(state)
        steps[:, step] = z
        state = np.column_stack([z, state[:, :-1]])
    steps *= scale.reindex(ids).to_numpy()[:, None]
    # `future` holds exactly `horizon` rows per series, in the order of `ids`.
    return steps.reshape(-1)
