"""`python -m services.planning.forecast --input history.csv --horizon H --out forecast.csv [--freq M]`.

Writes `unique_id, ds, yhat, yhat_lo, yhat_hi, model` (and, with `--selection`, a per-series file of the
chosen model, its backtest errors, the runner-up and the demand class). A bad input file is refused
with the line at fault on stderr and exit code 2, and nothing is written; the outputs appear whole or
not at all (written beside the target, then renamed)."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from services.planning.forecast.candidates import ALL_CANDIDATES
from services.planning.forecast.history_file import HistoryFileError, read_history

EXIT_BAD_INPUT = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m services.planning.forecast",
        description="Forecast demand per series, each with the model its own rolling-origin backtest chose.",
    )
    parser.add_argument("--input", required=True, type=Path, help="CSV with columns unique_id, ds, y")
    parser.add_argument("--horizon", required=True, type=int, help="periods to forecast")
    parser.add_argument("--out", required=True, type=Path, help="CSV to write the forecast to")
    parser.add_argument("--freq", help="pandas frequency (M, MS, W, D, ...); inferred when omitted")
    parser.add_argument("--level", type=float, default=80.0, help="interval coverage in percent (80)")
    parser.add_argument("--selection", type=Path, help="also write the per-series selection to this CSV")
    parser.add_argument(
        "--models", help=f"comma-separated subset of the candidates ({', '.join(ALL_CANDIDATES)})"
    )
    parser.add_argument("--jobs", type=int, default=1, help="processes for the per-series models")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code (0 done, 2 bad input or arguments)."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # argparse already printed why
        return int(stop.code or 0)
    problem = _check_arguments(args)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        history = read_history(args.input)
    except HistoryFileError as error:
        print(f"error: {args.input}: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT

    from services.planning.forecast.pipeline import forecast_with_selection

    models = tuple(name.strip() for name in args.models.split(",")) if args.models else ALL_CANDIDATES
    try:
        run = forecast_with_selection(
            history, args.horizon, args.freq, level=args.level / 100, candidates=models, n_jobs=args.jobs
        )
    except ValueError as error:
        print(f"error: {args.input}: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    forecast = run.forecast.assign(ds=run.forecast["ds"].dt.strftime("%Y-%m-%d"))
    _write_whole(forecast, args.out)
    if args.selection:
        _write_whole(run.selection, args.selection)
    return 0


def _check_arguments(args: argparse.Namespace) -> str | None:
    if args.horizon < 1:
        return "--horizon must be at least 1"
    if not 0 < args.level < 100:
        return "--level must be between 0 and 100 (percent)"
    if args.models:
        unknown = sorted({name.strip() for name in args.models.split(",")} - set(ALL_CANDIDATES))
        if unknown:
            return f"--models: unknown model(s) {', '.join(unknown)}"
    if args.freq:
        try:
            pd.tseries.frequencies.to_offset(args.freq)
        except ValueError:
            return f"--freq {args.freq!r} is not a pandas frequency"
    return None


def _write_whole(frame: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", newline="") as out:
            frame.to_csv(out, index=False, float_format="%.6g")
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
