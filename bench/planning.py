"""Benchmark of the planning forecasts: speed of forecasting with per-series selection beside
statsforecast alone fitting the single best model on the same data, the extrapolation to the large
seed's 500,000 series, and accuracy on a held-out last 12 months per candidate, for the selection, per
demand class. Not a test: it prints tables and writes var/bench/planning.json.

    .venv/bin/python bench/planning.py [--series 20000] [--periods 36] [--horizon 12] [--jobs 2]
                                       [--seed 0] [--skip-speed]

What runs (all in this process, `--jobs` processes for statsforecast and threads for LightGBM):
1. accuracy: `--series` seeded synthetic monthly series (services/planning/forecast/synthetic.py: trend,
   seasonality, promotions, intermittent and lumpy slow movers, new items) of `--periods` points; the
   pipeline sees all but the last `--horizon` points (its own rolling-origin backtest inside them) and is
   scored on those held out: MASE, RMSSE (means over series), WAPE and bias (sum(yhat - y) / sum(y)),
   for every candidate alone (fitted on the same training part) and for the selection, overall and per
   demand class (ADI / CV² of the training part). Series with fewer than 12 training points are left out.
2. real public series: the same on every series found offline: AirPassengers (bundled with
   statsforecast, 1949-1960) and the Eurostat turnover index of electrical equipment manufacture
   (bundled with statsmodels, 1995-2016), each cut into consecutive 36-month pieces.
3. speed: the pipeline on the full `--periods` points forecasting `--horizon` ahead, wall time; then
   statsforecast alone fitting only the statsforecast candidate with the best held-out accuracy in part
   1 on the same frame (one `forecast` call, same `--jobs`); the ratio; and the pipeline's time scaled
   linearly to 500,000 series on this machine's `--jobs` workers (the per-series models dominate and are
   independent; the global LightGBM and MLP fits are linear in rows too).

Targets (the issue, this 2-core machine): overhead over plain statsforecast < 25 %; 500,000 series in
< 30 minutes with 2 workers; the selection beats every single candidate overall.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import warnings
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from models.settings import PROJECT_ROOT  # noqa: E402
from services.planning.forecast.backtest import naive_scales  # noqa: E402
from services.planning.forecast.candidates import ALL_CANDIDATES, STATS_MODELS, _stats_model  # noqa: E402
from services.planning.forecast.classify import CLASSES  # noqa: E402
from services.planning.forecast.pipeline import forecast_with_selection  # noqa: E402
from services.planning.forecast.synthetic import synthetic_demand  # noqa: E402

LARGE_SEED_SERIES = 500_000
TARGETS = {"overhead_ratio": 1.25, "large_seed_minutes": 30.0}
SELECTION = "selection"


def accuracy(history: pd.DataFrame, horizon: int, jobs: int) -> dict:
    """Fit on all but the last `horizon` points of each series, score on those."""
    position = history.groupby("unique_id").cumcount(ascending=False)
    train, test = history[position >= horizon], history[position < horizon]
    enough = train.groupby("unique_id").size()
    keep = enough.index[enough >= 12]
    train = train[train["unique_id"].isin(keep)]
    test = test[test["unique_id"].isin(keep)]
    started = time.perf_counter()
    run = forecast_with_selection(train[["unique_id", "ds", "y"]], horizon, "MS", n_jobs=jobs)
    seconds = time.perf_counter() - started
    forecasts = run.candidates.merge(
        run.forecast[["unique_id", "ds", "yhat"]].rename(columns={"yhat": SELECTION}), on=["unique_id", "ds"]
    )
    scored = test[["unique_id", "ds", "y"]].merge(forecasts, on=["unique_id", "ds"], how="inner")
    scales = naive_scales(train, 12).set_index("unique_id")
    scored = scored.join(scales, on="unique_id")
    classes = run.selection.set_index("unique_id")["demand_class"]
    scored["demand_class"] = scored["unique_id"].map(classes)
    names = [*[c for c in ALL_CANDIDATES if c in forecasts.columns], SELECTION]
    table: dict[str, dict[str, dict[str, float]]] = {}
    for group, rows in [("all", scored), *[(c, scored[scored["demand_class"] == c]) for c in CLASSES]]:
        if rows.empty:
            continue
        table[group] = {name: _metrics(rows, name) for name in names}
        table[group]["_series"] = {"count": int(rows["unique_id"].nunique())}
    chosen = run.selection["model"].value_counts().to_dict()
    return {
        "seconds": seconds,
        "series": int(len(keep)),
        "table": table,
        "chosen": chosen,
        "plan": vars(run.plan),
    }


def _metrics(rows: pd.DataFrame, name: str) -> dict[str, float]:
    error = rows[name] - rows["y"]
    per_series = rows.assign(abs=error.abs(), sq=error**2).groupby("unique_id")
    mae, mse = per_series["abs"].mean(), per_series["sq"].mean()
    scale_mae, scale_mse = per_series["scale_mae"].first(), per_series["scale_mse"].first()
    total = rows["y"].sum()
    return {
        "mase": float((mae / scale_mae).mean()),
        "rmsse": float(np.sqrt(mse / scale_mse).mean()),
        "wape": float(error.abs().sum() / total) if total else float("nan"),
        "bias": float(error.sum() / total) if total else float("nan"),
    }


def best_stats_model(table: dict) -> str:
    """The statsforecast candidate with the lowest (MASE + RMSSE) / 2 on the held-out months overall."""
    overall = table["all"]
    return min(
        (name for name in STATS_MODELS if name in overall),
        key=lambda name: (overall[name]["mase"] + overall[name]["rmsse"]) / 2,
    )


def speed(history: pd.DataFrame, horizon: int, jobs: int, baseline_model: str) -> dict:
    from statsforecast import StatsForecast

    frame = history[["unique_id", "ds", "y"]]
    started = time.perf_counter()
    forecast_with_selection(frame, horizon, "MS", n_jobs=jobs)
    pipeline = time.perf_counter() - started
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        StatsForecast(models=[_stats_model(baseline_model, 12)], freq="MS", n_jobs=jobs).forecast(
            df=frame, h=horizon
        )
    baseline = time.perf_counter() - started
    series = frame["unique_id"].nunique()
    return {
        "series": int(series),
        "pipeline_seconds": pipeline,
        "baseline_model": baseline_model,
        "baseline_seconds": baseline,
        "overhead_ratio": pipeline / baseline,
        "large_seed_minutes": pipeline / series * LARGE_SEED_SERIES / 60,
        "large_seed_baseline_minutes": baseline / series * LARGE_SEED_SERIES / 60,
    }


def real_series() -> pd.DataFrame:
    """Every real monthly demand-like series bundled offline, cut into consecutive 36-month pieces."""
    from statsforecast.utils import AirPassengers
    from statsmodels.datasets import elec_equip

    sources = {
        "airpassengers": pd.Series(AirPassengers, index=pd.date_range("1949-01-01", periods=144, freq="MS")),
        "elec_equip": elec_equip.load_pandas().data.iloc[:, 0],
    }
    pieces = []
    for name, series in sources.items():
        series = series.asfreq("MS") if isinstance(series.index, pd.DatetimeIndex) else series
        values = series.to_numpy(dtype=float)
        for k in range(len(values) // 36):
            chunk = values[k * 36 : (k + 1) * 36]
            dates = pd.date_range("2020-01-01", periods=36, freq="MS")
            pieces.append(pd.DataFrame({"unique_id": f"{name}-{k}", "ds": dates, "y": chunk}))
    return pd.concat(pieces, ignore_index=True)


def print_table(title: str, table: dict) -> None:
    print(f"\n{title}")
    for group, rows in table.items():
        print(f"  {group} ({rows['_series']['count']} series)")
        print(f"    {'model':<16}{'MASE':>8}{'RMSSE':>8}{'WAPE':>8}{'bias':>8}")
        for name, m in rows.items():
            if name == "_series":
                continue
            print(f"    {name:<16}{m['mase']:>8.3f}{m['rmsse']:>8.3f}{m['wape']:>8.3f}{m['bias']:>+8.3f}")


def beats_every_candidate(table: dict) -> dict[str, bool]:
    overall = table["all"]
    candidates = [name for name in overall if name not in (SELECTION, "_series")]
    return {
        metric: all(overall[SELECTION][metric] <= overall[name][metric] for name in candidates)
        for metric in ("mase", "rmsse", "wape")
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--series", type=int, default=20_000)
    parser.add_argument("--periods", type=int, default=36)
    parser.add_argument("--horizon", type=int, default=12)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--skip-speed", action="store_true")
    args = parser.parse_args()
    loads = {}
    history = synthetic_demand(args.series, args.periods, seed=args.seed)

    print(f"part 1: accuracy, {args.series:,} synthetic series, last {args.horizon} held out ...", flush=True)
    loads["accuracy"] = os.getloadavg()[0]
    synthetic = accuracy(history, args.horizon, args.jobs)
    print_table("Held-out accuracy, synthetic series", synthetic["table"])
    print(f"  chosen: {synthetic['chosen']}")

    print("\npart 2: accuracy on real public series ...", flush=True)
    loads["real"] = os.getloadavg()[0]
    real = accuracy(real_series(), args.horizon, args.jobs)
    print_table(
        "Held-out accuracy, real series (AirPassengers, Eurostat elec_equip; 36-month pieces)", real["table"]
    )

    timing = None
    if not args.skip_speed:
        baseline_model = best_stats_model(synthetic["table"])
        print(f"\npart 3: speed, pipeline vs statsforecast {baseline_model} alone ...", flush=True)
        loads["speed"] = os.getloadavg()[0]
        timing = speed(history, args.horizon, args.jobs, baseline_model)
        print(
            f"  {timing['series']:,} series x {args.periods} points, h={args.horizon}, {args.jobs} workers:\n"
            f"  pipeline (11 candidates, backtest, selection) {timing['pipeline_seconds']:.1f} s; "
            f"statsforecast {baseline_model} alone {timing['baseline_seconds']:.1f} s; "
            f"ratio {timing['overhead_ratio']:.1f}x\n"
            f"  extrapolated to {LARGE_SEED_SERIES:,} series: "
            f"pipeline {timing['large_seed_minutes']:.0f} min, "
            f"baseline {timing['large_seed_baseline_minutes']:.0f} min"
        )
    beats = beats_every_candidate(synthetic["table"])
    print(f"\nselection beats every single candidate overall (synthetic): {beats}")
    print(
        f"1-minute load average before each part: {loads} (a shared machine: other engineers' work runs too)"
    )
    print(f"targets: {TARGETS}")
    result = {
        "meta": {
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "cpus": os.cpu_count(),
            "load_average_1min": loads,
            "args": vars(args),
        },
        "targets": TARGETS,
        "synthetic": synthetic,
        "real": real,
        "speed": timing,
        "selection_beats_every_candidate": beats,
    }
    out = PROJECT_ROOT / "var" / "bench" / "planning.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, default=str))
    print(f"\nwritten: {out.relative_to(PROJECT_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
