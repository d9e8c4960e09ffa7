"""Market index values: import (CSV upload and the API's JSON), read, and the monthly levels the
formula averages.

Import rules (both ways in):
- A row is `index` (a known index code), `period` (`YYYY-MM` for a monthly value, `YYYY-MM-DD` for a
  daily one; a monthly value may also be written as the month's first day), `value` (positive, at
  most 6 decimals), optionally `granularity` (`monthly` or `daily`; default from the period's form)
  and `published_at` (ISO 8601 time the source published it; default: the import's time).
- All or nothing: any bad row refuses the whole import (ValidationFailed `pricing.import_invalid`,
  field of the first bad row such as `rows[3].value`, params `errors` with every bad row, numbered
  as a spreadsheet shows them for CSV, from 0 for JSON) and nothing is written.
- Same (index, granularity, period) as a stored value:
  - the same value: nothing changes (an identical re-import is a no-op and re-prices nothing);
  - a different value published later than the stored one: it replaces it;
  - a different value published at or before the stored one: it is kept out (`stale`), so a
    late-arriving older correction never overwrites a newer figure.
- When anything was inserted or replaced, one outbox message `pricing.index_values_changed` leaves
  with the commit; the relay coalesces a burst of them into one re-pricing run.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

from sqlmodel import Session, select

from models import Granularity, IndexValue, MarketIndex
from models.types import utcnow
from services.identity.auth import Principal
from services.platform import audit, outbox
from services.platform.csv_files import read_table
from services.platform.errors import NotFound, ValidationFailed, field_path
from services.platform.fields import all_or_nothing
from services.supply.access import require_manager, require_reader

INDEX_VALUES_CHANGED = "pricing.index_values_changed"
MAX_CSV_BYTES = 5 * 1024 * 1024
MAX_ROWS = 50_000
MAX_VALUE = Decimal("1000000000000")
MAX_REPORTED_ERRORS = 200
VALUE_PLACES = Decimal("0.000001")
REQUIRED_COLUMNS = ("index", "period", "value")


@dataclass
class CheckedRows:
    valid: list[dict] = field(
        default_factory=list
    )  # {index_id, code, granularity, period, value, published_at}
    errors: list[dict] = field(default_factory=list)  # {row, field, code, params}
    error_count: int = 0

    def add_error(self, row: int, field_name: str, code: str, **params: object) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append({"row": row, "field": field_name, "code": code, "params": params})


def list_indices(session: Session, principal: Principal) -> list[dict]:
    """Every index with its latest value (managers, admins and suppliers may read them)."""
    require_reader(principal)
    latest: dict[int, IndexValue] = {}
    for value in session.exec(select(IndexValue).order_by(IndexValue.period)):
        latest[value.index_id] = value
    return [
        {
            "id": index.id,
            "code": index.code,
            "name": index.name,
            "unit": index.unit,
            "currency": index.currency,
            "source": index.source,
            "latest_period": latest[index.id].period if index.id in latest else None,
            "latest_value": latest[index.id].value if index.id in latest else None,
        }
        for index in session.exec(select(MarketIndex).order_by(MarketIndex.code))
    ]


def index_values(
    session: Session,
    principal: Principal,
    code: str,
    *,
    granularity: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> list[dict]:
    """The values of one index, oldest first (NotFound `pricing.index_not_found`, field `code`)."""
    require_reader(principal)
    index = session.exec(select(MarketIndex).where(MarketIndex.code == str(code).strip().upper())).first()
    if index is None:
        raise NotFound("pricing.index_not_found", field="code")
    query = select(IndexValue).where(IndexValue.index_id == index.id)
    if granularity:
        query = query.where(IndexValue.granularity == granularity)
    if since:
        query = query.where(IndexValue.period >= since)
    if until:
        query = query.where(IndexValue.period <= until)
    return [
        {
            "period": value.period,
            "granularity": value.granularity,
            "value": value.value,
            "published_at": value.published_at,
        }
        for value in session.exec(query.order_by(IndexValue.period, IndexValue.granularity))
    ]


def monthly_levels(session: Session, index_ids: Iterable[int]) -> dict[int, dict[date, Decimal]]:
    """By index id, its level per month (month start -> value): the monthly value where there is
    one, else the mean of that month's daily values."""
    ids = sorted(set(index_ids))
    monthly: dict[int, dict[date, Decimal]] = defaultdict(dict)
    daily: dict[tuple[int, date], list[Decimal]] = defaultdict(list)
    if not ids:
        return {}
    for index_id, granularity, period, value in session.exec(
        select(IndexValue.index_id, IndexValue.granularity, IndexValue.period, IndexValue.value).where(
            IndexValue.index_id.in_(ids)
        )
    ):
        if granularity == Granularity.MONTHLY:
            monthly[index_id][period] = Decimal(value)
        else:
            daily[(index_id, period.replace(day=1))].append(Decimal(value))
    for (index_id, month), values in daily.items():
        monthly[index_id].setdefault(month, sum(values, Decimal(0)) / len(values))
    return {index_id: dict(monthly.get(index_id, {})) for index_id in ids}


# ---------------------------------------------------------------- import


@all_or_nothing
def import_index_csv(
    session: Session, principal: Principal, data: bytes, *, now: datetime | None = None
) -> dict:
    """Import an uploaded CSV (columns `index,period,value`, optional `granularity`, `published_at`;
    any order, case-insensitive). File problems raise ValidationFailed with field `file`; row
    problems refuse the whole file (see the module's rules). Returns the import's counts."""
    require_manager(principal)
    return _import(session, principal, _read_csv(data), source="csv", now=now or utcnow())


@all_or_nothing
def import_index_values(
    session: Session, principal: Principal, rows: list[dict], *, now: datetime | None = None
) -> dict:
    """Import values sent as JSON: a list of {index, period, value, granularity?, published_at?}.
    Rows are numbered from 0 and fields named `rows[3].value`. Returns {inserted, updated,
    unchanged, stale, rows}."""
    require_manager(principal)
    if not isinstance(rows, list | tuple) or not rows:
        raise ValidationFailed("pricing.rows_required", field="rows")
    if len(rows) > MAX_ROWS:
        raise ValidationFailed("pricing.too_many_rows", field="rows", max=MAX_ROWS)
    items = []
    for number, row in enumerate(rows):
        if not isinstance(row, dict):
            row = {"_invalid": True}
        items.append((number, row))
    return _import(session, principal, items, source="api", now=now or utcnow())


def _read_csv(data: bytes) -> list[tuple[int, dict]]:
    return read_table(
        data, prefix="pricing", required=REQUIRED_COLUMNS, max_bytes=MAX_CSV_BYTES, max_rows=MAX_ROWS
    )


def _period(text: str, granularity: str | None) -> tuple[date, str] | tuple[None, str]:
    """(period, granularity) or (None, error code)."""
    text = text.strip()
    try:
        if len(text) == 7:
            day, form = date.fromisoformat(text + "-01"), Granularity.MONTHLY
        else:
            day, form = date.fromisoformat(text), Granularity.DAILY
    except ValueError:
        return None, "pricing.period_invalid"
    chosen = granularity or form
    if chosen == Granularity.MONTHLY and day.day != 1:
        return None, "pricing.period_not_month_start"
    return day, chosen


def _published(value: object, now: datetime) -> datetime | None:
    if value in (None, ""):
        return now
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _check(session: Session, rows: list[tuple[int, dict]], now: datetime) -> CheckedRows:
    result = CheckedRows()
    indices = {index.code: index for index in session.exec(select(MarketIndex))}
    seen: dict[tuple[int, str, date], int] = {}
    for number, row in rows:
        if row.get("_invalid"):
            result.add_error(number, "row", "pricing.row_invalid")
            continue
        code = str(row.get("index") or "").strip().upper()
        index = indices.get(code)
        if index is None:
            result.add_error(number, "index", "pricing.index_unknown", index=code[:20])
            continue
        granularity = str(row.get("granularity") or "").strip().lower() or None
        if granularity is not None and granularity not in {g.value for g in Granularity}:
            result.add_error(number, "granularity", "pricing.granularity_invalid")
            continue
        period, granularity_or_error = _period(str(row.get("period") or ""), granularity)
        if period is None:
            result.add_error(number, "period", granularity_or_error, value=str(row.get("period") or "")[:20])
            continue
        if period > now.date():
            result.add_error(number, "period", "pricing.period_in_future")
            continue
        raw = row.get("value")
        try:
            if raw is None or isinstance(raw, bool | float):
                raise InvalidOperation
            value = Decimal(str(raw).strip())
            if not value.is_finite():
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            result.add_error(number, "value", "pricing.value_invalid", value=str(raw)[:40])
            continue
        if value <= 0:
            result.add_error(number, "value", "pricing.value_not_positive")
            continue
        if value != value.quantize(VALUE_PLACES) or value >= MAX_VALUE:
            result.add_error(number, "value", "pricing.value_too_precise")
            continue
        published_at = _published(row.get("published_at"), now)
        if published_at is None:
            result.add_error(number, "published_at", "pricing.published_at_invalid")
            continue
        key = (index.id, granularity_or_error, period)
        if key in seen:
            result.add_error(number, "period", "pricing.period_twice", first_row=seen[key])
            continue
        seen[key] = number
        result.valid.append(
            {
                "index_id": index.id,
                "code": index.code,
                "granularity": granularity_or_error,
                "period": period,
                "value": value,
                "published_at": published_at,
            }
        )
    return result


def _import(
    session: Session, principal: Principal, rows: list[tuple[int, dict]], *, source: str, now: datetime
) -> dict:
    checked = _check(session, rows, now)
    if checked.error_count:
        first = checked.errors[0]
        numbered = "rows" if source == "api" else "row"
        raise ValidationFailed(
            "pricing.import_invalid",
            field=field_path("rows", first["row"], first["field"]) if source == "api" else "file",
            errors=checked.errors,
            count=checked.error_count,
            numbering=numbered,
        )
    index_ids = {row["index_id"] for row in checked.valid}
    stored = {
        (value.index_id, value.granularity, value.period): value
        for value in session.exec(select(IndexValue).where(IndexValue.index_id.in_(sorted(index_ids))))
    }
    counts = {"inserted": 0, "updated": 0, "unchanged": 0, "stale": 0}
    changed_codes: set[str] = set()
    for row in checked.valid:
        current = stored.get((row["index_id"], row["granularity"], row["period"]))
        if current is None:
            session.add(
                IndexValue(
                    index_id=row["index_id"],
                    granularity=row["granularity"],
                    period=row["period"],
                    value=row["value"],
                    published_at=row["published_at"],
                    imported_at=now,
                )
            )
            counts["inserted"] += 1
            changed_codes.add(row["code"])
        elif Decimal(current.value) == row["value"]:
            counts["unchanged"] += 1
        elif row["published_at"] > current.published_at:
            current.value = row["value"]
            current.published_at = row["published_at"]
            current.imported_at = now
            session.add(current)
            counts["updated"] += 1
            changed_codes.add(row["code"])
        else:
            counts["stale"] += 1
    changed = counts["inserted"] + counts["updated"]
    if changed:
        outbox.enqueue(
            session,
            INDEX_VALUES_CHANGED,
            {"indices": sorted(changed_codes), "values": changed, "source": source},
        )
    audit.record(
        session,
        action="pricing.index_values_imported",
        entity="market_index",
        entity_id=",".join(sorted({row["code"] for row in checked.valid}))[:200],
        actor_user_id=principal.user_id,
        organisation_id=principal.organisation_id,
        after={"source": source, "rows": len(checked.valid), **counts},
    )
    session.commit()
    return {"rows": len(checked.valid), **counts}
