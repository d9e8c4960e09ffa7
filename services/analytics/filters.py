"""The dashboard's filter: a period in the manager's time zone and the scope (country or region,
dealer, vehicle model or part category, supplier), to and from URL query parameters.

The period's dates are calendar days; "this month" is the month of today in the manager's time zone
(`today`), and the figures of a day are the facts of that day in the reporting time zone
(services/analytics/facts.py), so two managers in different zones looking at the same dates see the
same figures. The previous period has the same length and ends the day before; the same period last
year is the same dates a year earlier (29 February becomes the 28th).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum
from urllib.parse import parse_qsl, urlencode

from models import ItemKind
from services.platform.errors import FieldCollector, ValidationFailed

MAX_CUSTOM_DAYS = 731
MAX_ID = 2**31 - 1


class PeriodKind(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    CUSTOM = "custom"


# Regions as groups of ISO countries: the markets the demo network sells in.
REGIONS: dict[str, frozenset[str]] = {
    "greater_china": frozenset({"CN", "HK", "MO", "TW"}),
    "asia_pacific": frozenset({"JP", "KR", "IN", "TH", "VN", "ID", "MY", "SG", "AU", "NZ", "PH"}),
    "europe": frozenset({"DE", "FR", "IT", "ES", "PL", "CZ", "NL", "BE", "AT", "SE", "GB", "HU", "SK", "PT"}),
    "americas": frozenset({"US", "CA", "MX", "BR", "AR", "CL"}),
    "middle_east_africa": frozenset({"AE", "SA", "TR", "ZA", "EG", "MA", "IL"}),
}


@dataclass(frozen=True)
class KpiFilter:
    """One view of the dashboard. `first`..`last` are inclusive calendar days."""

    period: str
    first: date
    last: date
    country: str | None = None
    region: str | None = None
    dealer_id: int | None = None
    item_kind: str | None = None
    category: str | None = None
    supplier_id: int | None = None

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def countries(self) -> frozenset[str] | None:
        """The countries the view is limited to (country, or the region's), None for all."""
        if self.country:
            return frozenset({self.country}) if self.region is None else REGIONS[self.region] & {self.country}
        return REGIONS[self.region] if self.region else None

    @property
    def line_level(self) -> bool:
        """True when the scope names item kind, category or supplier: order-level facts cannot
        answer it, the line facts do."""
        return bool(self.item_kind or self.category or self.supplier_id)

    def previous(self) -> KpiFilter:
        """The period of the same kind just before (a month before a month, same length for custom)."""
        if self.period == PeriodKind.MONTH:
            last = self.first - timedelta(days=1)
            return replace(self, first=last.replace(day=1), last=last)
        if self.period == PeriodKind.QUARTER:
            last = self.first - timedelta(days=1)
            return replace(self, first=_quarter_start(last), last=last)
        if self.period == PeriodKind.YEAR:
            return replace(
                self, first=self.first.replace(year=self.first.year - 1), last=self.first - timedelta(days=1)
            )
        length = timedelta(days=self.days)
        return replace(self, first=self.first - length, last=self.last - length)

    def last_year(self) -> KpiFilter:
        return replace(self, first=_year_before(self.first), last=_year_before(self.last))

    def to_date(self, today: date) -> KpiFilter:
        """The period up to `today` while it is running (this month so far), else all of it."""
        return replace(self, last=today) if self.first <= today < self.last else self

    def first_days(self, days: int) -> KpiFilter:
        """The first `days` days of this period (a running period's comparison: the same days)."""
        return replace(self, last=min(self.last, self.first + timedelta(days=days - 1)))

    def scope_key(self) -> str:
        """The scope without the period, canonical: what a target is set for."""
        params = self.to_query()
        for key in ("period", "from", "to", "day"):
            params.pop(key, None)
        return urlencode(sorted(params.items()))

    def to_query(self) -> dict[str, str]:
        """The URL query parameters that give this filter back through `parse_filter`."""
        params: dict[str, str] = {"period": self.period}
        if self.period == PeriodKind.CUSTOM:
            params |= {"from": self.first.isoformat(), "to": self.last.isoformat()}
        else:
            params["day"] = self.first.isoformat()
        for key in ("country", "region", "item_kind", "category"):
            value = getattr(self, key)
            if value:
                params[key] = value
        if self.dealer_id is not None:
            params["dealer"] = str(self.dealer_id)
        if self.supplier_id is not None:
            params["supplier"] = str(self.supplier_id)
        return params

    def query_string(self) -> str:
        return urlencode(self.to_query())


def _quarter_start(day: date) -> date:
    return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def period_of(kind: str, day: date) -> tuple[date, date]:
    """The period of `kind` containing `day` (weeks start on Monday)."""
    if kind == PeriodKind.DAY:
        return day, day
    if kind == PeriodKind.WEEK:
        first = day - timedelta(days=day.weekday())
        return first, first + timedelta(days=6)
    if kind == PeriodKind.MONTH:
        first = day.replace(day=1)
        return first, (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    if kind == PeriodKind.QUARTER:
        first = _quarter_start(day)
        return first, (first + timedelta(days=95)).replace(day=1) - timedelta(days=1)
    if kind == PeriodKind.YEAR:
        return day.replace(month=1, day=1), day.replace(month=12, day=31)
    raise ValidationFailed("kpi.period_invalid", field="period", value=kind)


def parse_filter(params: dict[str, str] | str, *, today: date) -> KpiFilter:
    """The filter of URL query parameters (a dict, or the query string itself).

    period: day, week, month (default), quarter, year or custom; `day` (YYYY-MM-DD, default `today`:
    the manager's today) picks which one; custom takes `from` and `to` (at most MAX_CUSTOM_DAYS days).
    country (ISO alpha-2), region (a REGIONS key), dealer (id), item_kind (vehicle, part), category
    (model code or part category), supplier (id). Unknown parameters are ignored.
    Raises FieldErrors naming every bad parameter.
    """
    values = dict(parse_qsl(params, keep_blank_values=True)) if isinstance(params, str) else dict(params)
    values = {key: str(value).strip() for key, value in values.items()}
    collector = FieldCollector()
    kind = values.get("period") or PeriodKind.MONTH
    first = last = today
    if kind not in set(PeriodKind):
        collector.add("period", "kpi.period_invalid", value=kind)
    elif kind == PeriodKind.CUSTOM:
        first_day = collector.check(_date, values.get("from", ""), "from")
        last_day = collector.check(_date, values.get("to", ""), "to")
        if first_day and last_day:
            if last_day < first_day:
                collector.add("to", "kpi.range_reversed")
            elif (last_day - first_day).days + 1 > MAX_CUSTOM_DAYS:
                collector.add("to", "kpi.range_too_long", max=MAX_CUSTOM_DAYS)
            first, last = first_day, last_day
    else:
        anchor = collector.check(_date, values.get("day") or today.isoformat(), "day")
        if anchor:
            first, last = period_of(kind, anchor)
    country = values.get("country") or None
    if country is not None:
        country = country.upper()
        if len(country) != 2 or not country.isalpha() or not country.isascii():
            collector.add("country", "kpi.country_invalid", value=country)
    region = values.get("region") or None
    if region is not None and region not in REGIONS:
        collector.add("region", "kpi.region_invalid", value=region)
    item_kind = values.get("item_kind") or None
    if item_kind is not None and item_kind not in set(ItemKind):
        collector.add("item_kind", "kpi.item_kind_invalid", value=item_kind)
    category = values.get("category") or None
    if category is not None and (len(category) > 80 or not category.isprintable()):
        collector.add("category", "kpi.category_invalid")
    dealer_id = collector.check(_id, values.get("dealer"), "dealer")
    supplier_id = collector.check(_id, values.get("supplier"), "supplier")
    collector.raise_if_any()
    return KpiFilter(
        period=kind,
        first=first,
        last=last,
        country=country,
        region=region,
        dealer_id=dealer_id,
        item_kind=item_kind,
        category=category,
        supplier_id=supplier_id,
    )


def _date(value: str, field: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationFailed("kpi.date_invalid", field=field, value=value) from None


def _id(value: str | None, field: str) -> int | None:
    if value is None or value == "":
        return None
    if not value.isdigit() or not 1 <= int(value) <= MAX_ID:
        raise ValidationFailed("kpi.id_invalid", field=field, value=value)
    return int(value)
