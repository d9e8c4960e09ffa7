"""Reading a planner's demand history CSV (`unique_id, ds, y`; more columns are ignored) and refusing a
bad one with the line at fault: line 1 is the header, the first data row is line 2."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

REQUIRED_COLUMNS = ("unique_id", "ds", "y")


class HistoryFileError(ValueError):
    """The file cannot be used. `line` is the 1-based line of the CSV at fault (None for the whole file),
    `column` the column, when one is."""

    def __init__(self, message: str, line: int | None = None, column: str | None = None) -> None:
        where = f"line {line}: " if line is not None else ""
        super().__init__(f"{where}{message}")
        self.line = line
        self.column = column


def read_history(path: Path | str) -> pd.DataFrame:
    """The history as `unique_id` (str), `ds` (datetime64), `y` (float), in file order. Raises
    HistoryFileError naming the first bad line for: a missing file or column, an empty id, an
    unparseable date, a missing or non-numeric or negative or non-finite y, the same date twice in a
    series (the line of the second, and the line it repeats), or no rows at all."""
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True)
    except FileNotFoundError as error:
        raise HistoryFileError(f"no such file: {path}") from error
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        raise HistoryFileError(f"not a readable CSV file: {error}") from error
    raw.columns = [str(column).strip() for column in raw.columns]
    missing = [column for column in REQUIRED_COLUMNS if column not in raw.columns]
    if missing:
        raise HistoryFileError(
            f"missing column(s) {', '.join(missing)}; the header must name unique_id, ds, y", line=1
        )
    if raw.empty:
        raise HistoryFileError("the file has a header but no rows", line=1)
    lines = pd.Series(range(2, len(raw) + 2), index=raw.index)

    ids = raw["unique_id"].str.strip()
    _refuse_first(ids == "", lines, "unique_id", lambda i: "unique_id is empty")

    text_dates = raw["ds"].str.strip()
    dates = pd.to_datetime(text_dates, errors="coerce", format="mixed")
    _refuse_first(dates.isna(), lines, "ds", lambda i: f"ds {text_dates[i]!r} is not a date")

    text_y = raw["y"].str.strip()
    _refuse_first(text_y == "", lines, "y", lambda i: "y is empty")
    y = pd.to_numeric(text_y, errors="coerce")
    _refuse_first(y.isna(), lines, "y", lambda i: f"y {text_y[i]!r} is not a number")
    finite = y.abs() != float("inf")
    _refuse_first(~finite, lines, "y", lambda i: f"y {text_y[i]!r} is not a finite number")
    _refuse_first(y < 0, lines, "y", lambda i: f"y {text_y[i]!r} is negative; demand cannot be")

    frame = pd.DataFrame({"unique_id": ids, "ds": dates, "y": y.astype(float)})
    repeated = frame.duplicated(subset=["unique_id", "ds"], keep="first")
    if repeated.any():
        second = repeated.idxmax()
        same = (frame["unique_id"] == frame.at[second, "unique_id"]) & (frame["ds"] == frame.at[second, "ds"])
        first = same.idxmax()
        raise HistoryFileError(
            f"series {frame.at[second, 'unique_id']!r} has the date {text_dates[second]} twice "
            f"(also on line {lines[first]})",
            line=int(lines[second]),
            column="ds",
        )
    return frame


def _refuse_first(bad: pd.Series, lines: pd.Series, column: str, message) -> None:
    if bad.any():
        index = bad.idxmax()
        raise HistoryFileError(message(index), line=int(lines[index]), column=column)
