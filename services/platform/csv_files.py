"""Reading an uploaded CSV file, the same way for every import (index values, FX rates, stock levels).

The codes of the refusals carry the importing domain's prefix (`pricing.file_not_csv`,
`fx.file_not_csv`, `inventory.file_not_csv`), so each import keeps its own messages; the checks are one:
not empty, not larger than the limit, UTF-8 (a BOM is allowed), no NUL byte, a header naming the
required columns, at most `max_rows` rows, blank lines skipped.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from services.platform.errors import ValidationFailed

__all__ = ["decode_text", "read_table"]


def decode_text(data: object, *, prefix: str, max_bytes: int) -> str:
    """The file's text, or a refusal naming the field "file"."""
    if not isinstance(data, bytes | bytearray) or not data.strip():
        raise ValidationFailed(f"{prefix}.file_empty", field="file")
    if len(data) > max_bytes:
        raise ValidationFailed(f"{prefix}.file_too_large", field="file", max_mb=max_bytes // (1024 * 1024))
    try:
        content = bytes(data).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailed(f"{prefix}.file_not_utf8", field="file") from None
    if "\x00" in content:
        raise ValidationFailed(f"{prefix}.file_not_csv", field="file")
    return content


def read_table(
    data: object, *, prefix: str, required: Sequence[str], max_bytes: int, max_rows: int
) -> list[tuple[int, dict[str, str]]]:
    """(line number, {lower-case column name: value}) per non-blank row after the header."""
    reader = csv.reader(io.StringIO(decode_text(data, prefix=prefix, max_bytes=max_bytes), newline=""))
    try:
        names = [name.strip().lower() for name in next(reader)]
    except (StopIteration, csv.Error):
        raise ValidationFailed(f"{prefix}.file_not_csv", field="file") from None
    missing = [column for column in required if column not in names]
    if missing:
        raise ValidationFailed(f"{prefix}.columns_missing", field="file", missing=", ".join(missing))
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        for values in reader:
            if not any(value.strip() for value in values):
                continue
            if len(rows) >= max_rows:
                raise ValidationFailed(f"{prefix}.too_many_rows", field="file", max=max_rows)
            rows.append((reader.line_num, dict(zip(names, values, strict=False))))
    except csv.Error:
        raise ValidationFailed(f"{prefix}.file_not_csv", field="file") from None
    if not rows:
        raise ValidationFailed(f"{prefix}.file_no_rows", field="file")
    return rows
