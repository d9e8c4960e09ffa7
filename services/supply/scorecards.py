"""Supplier scorecards: five criteria per supplier and period, computed set-based in SQL.

Criteria (each normalised to 0-100; NULL when the period has nothing to judge it by):

- on_time: order lines due in the period (the promised date, else the requested date) that were
  fully received (accepted + rejected units) on or before that date, over the lines due. A line
  counts once it is complete or its date has passed; score = the percentage.
- fill_rate: accepted units over ordered units of those same lines; score = the percentage.
- quality: rejected units per million received in the period (by receipt date);
  score = 100 - ppm * 100 / ppm_zero (ppm_zero, default 5,000 ppm, scores 0).
- response: mean hours from opening to the supplier's first acknowledgement of the incidents
  opened in the period (still unacknowledged ones count the hours open so far);
  score = 100 at or below `response_target_hours` (0.5), 0 at `response_limit_hours` (48), linear.
- cost: price paid against the part's catalogue list price, weighted by quantity, for lines issued
  in the period in the supplier's own currency (its organisation's; the part priced in it too), so
  the spend shown beside the index is one sum in one currency:
  cost_index = sum(price * qty) / sum(list price * qty);
  score = 100 at or below `cost_floor` (0.95), 0 at `cost_ceiling` (1.15), linear.
  Why the list price: our catalogue has one supplier per part, so "the median price of the same
  part across suppliers" is that one supplier's own price and measures nothing; a category median
  compares unlike parts (a bolt with a wiring harness). The list price is the carmaker's benchmark
  for that very part, so the index says how far above or below benchmark the supplier sells.

The total is the weighted mean of the criteria that have a score (weights set by managers, summing
to 100; a criterion without data drops out and the others' weights are rescaled), rounded to one
decimal; criterion scores are rounded to one decimal before weighting, so the total can be checked
by hand from what the page shows. Standing: excellent >= band_excellent (85), good >= band_good
(70), watch >= band_watch (50), poor below; no score, no standing.

Periods: `month` (YYYY-MM) and `rolling12` (the twelve months ending with YYYY-MM). One
`recompute_scorecards` call rewrites the requested periods with a handful of GROUP BY queries and
one INSERT ... SELECT, whatever the number of suppliers and order lines.
"""

from __future__ import annotations

import re
import time
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import Date, Integer, bindparam, case, func, text
from sqlmodel import Session, select

from models import (
    GoodsReceipt,
    GoodsReceiptLine,
    Location,
    Organisation,
    OrganisationKind,
    Part,
    PurchaseOrder,
    PurchaseOrderLine,
    QualityIncident,
    ScorecardSettings,
    SupplierControl,
    SupplierScorecard,
)
from models.inventory import LocationKind
from models.supply import IncidentStatus, PeriodKind, Standing
from models.supply import PurchaseOrderLineStatus as LineStatus
from models.supply import PurchaseOrderStatus as Status
from models.types import UTCDateTime, utcnow
from services.catalog.lists import Page
from services.identity.auth import Principal
from services.platform import audit, outbox
from services.platform.errors import FieldCollector, NotFound, ValidationFailed
from services.platform.fields import all_or_nothing, record_id, today_in, whole_quantity
from services.supply.access import (
    check_visible,
    is_supplier,
    require_manager,
    require_reader,
    scoped_supplier_id,
)
from services.supply.incident_titles import title_fields
from services.supply.numbers import incident_number, po_number, receipt_number

SCORECARD_STALE = "scorecard.stale"
# Written by every recompute, in its transaction: the relay publishes it on the live channel
# (services/platform/live.py) and the open scorecard pages reload (portal/live_updates.py).
SCORECARDS_CHANGED = "scorecards.changed"
WEIGHTS_TOTAL = 100
CRITERIA: dict[str, dict] = {
    "on_time": {
        "score": "score_on_time",
        "weight": "weight_on_time",
        "figures": ("lines_due", "lines_on_time", "on_time_pct"),
    },
    "fill_rate": {
        "score": "score_fill_rate",
        "weight": "weight_fill_rate",
        "figures": ("quantity_ordered", "quantity_accepted", "fill_rate_pct"),
    },
    "quality": {
        "score": "score_quality",
        "weight": "weight_quality",
        "figures": ("quantity_received", "quantity_rejected", "rejected_ppm"),
    },
    "response": {
        "score": "score_response",
        "weight": "weight_response",
        "figures": ("incidents_opened", "response_hours"),
    },
    "cost": {
        "score": "score_cost",
        "weight": "weight_cost",
        "figures": ("spend", "list_value", "cost_index"),
    },
}
_BAND_FIELDS = ("band_excellent", "band_good", "band_watch")
_LIMIT_FIELDS = ("ppm_zero", "response_target_hours", "response_limit_hours", "cost_floor", "cost_ceiling")
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_OPEN_ORDER = (
    Status.ISSUED,
    Status.ACKNOWLEDGED,
    Status.PARTLY_SHIPPED,
    Status.SHIPPED,
    Status.PARTLY_RECEIVED,
)
_AWAITING_SUPPLIER = (IncidentStatus.OPEN, IncidentStatus.ACKNOWLEDGED, IncidentStatus.REOPENED)
EXPLAIN_LIMIT = 200


# ---------------------------------------------------------------- months


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def parse_month(value: object, field: str = "period") -> str:
    """A `YYYY-MM` period (a date gives its month); ValidationFailed(`scorecard.period_invalid`)."""
    if isinstance(value, date):
        return month_of(value)
    text_value = str(value or "").strip()
    if not _MONTH.match(text_value):
        raise ValidationFailed("scorecard.period_invalid", field=field)
    return text_value


def add_months(month: str, count: int) -> str:
    year, number = int(month[:4]), int(month[5:7])
    index = year * 12 + number - 1 + count
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def first_day(month: str) -> date:
    return date(int(month[:4]), int(month[5:7]), 1)


def months_between(first: str, last: str) -> list[str]:
    months, current = [], first
    while current <= last:
        months.append(current)
        current = add_months(current, 1)
    return months


def current_month(session: Session, now: datetime | None = None) -> str:
    """The month a scorecard is "now" in: the warehouses' local month, as receipts date themselves
    (`receive_goods` stamps `received_on` in the receiving warehouse's zone). With warehouses in
    several zones, the latest of their months, so a receipt already dated into the next month
    locally is counted at once; UTC's month without any warehouse."""
    now = now or utcnow()
    zones = session.exec(
        select(Location.time_zone).where(Location.kind == LocationKind.WAREHOUSE).distinct()
    ).all()
    return max((month_of(today_in(zone, now)) for zone in zones), default=month_of(now.date()))


def period_bounds(period: str, period_kind: str = PeriodKind.MONTH) -> tuple[date, date]:
    """The first day of a period and the first day after it."""
    first = add_months(period, -11) if period_kind == PeriodKind.ROLLING_12 else period
    return first_day(first), first_day(add_months(period, 1))


# ---------------------------------------------------------------- settings


def get_scorecard_settings(session: Session) -> dict:
    """The scoring rules in force: weights per criterion (sum 100), standing bands and the
    normalisation limits (the defaults until a manager saves some)."""
    saved = session.get(ScorecardSettings, 1)
    row = saved or ScorecardSettings(id=1)
    return {
        "weights": {name: getattr(row, meta["weight"]) for name, meta in CRITERIA.items()},
        "bands": {"excellent": row.band_excellent, "good": row.band_good, "watch": row.band_watch},
        "ppm_zero": row.ppm_zero,
        "response_target_hours": Decimal(row.response_target_hours),
        "response_limit_hours": Decimal(row.response_limit_hours),
        "cost_floor": Decimal(row.cost_floor),
        "cost_ceiling": Decimal(row.cost_ceiling),
        "updated_at": saved.updated_at if saved else None,
    }


@all_or_nothing
def update_scorecard_settings(
    session: Session,
    principal: Principal,
    *,
    weights: dict | None = None,
    bands: dict | None = None,
    ppm_zero: int | str | None = None,
    response_target_hours: object = None,
    response_limit_hours: object = None,
    cost_floor: object = None,
    cost_ceiling: object = None,
) -> dict:
    """Managers set the weights (whole numbers 0-100 for every criterion, adding up to exactly 100:
    `scorecard.weights_sum` on field `weights`), the standing bands (whole 0-100,
    watch <= good <= excellent) and the normalisation limits. Saved in one transaction; a
    SCORECARD_STALE message asks for every supplier's scores to be recomputed."""
    require_manager(principal)
    row = session.get(ScorecardSettings, 1) or ScorecardSettings(id=1)
    before = get_scorecard_settings(session)
    if weights is not None:
        if not isinstance(weights, dict) or set(weights) != set(CRITERIA):
            raise ValidationFailed(
                "scorecard.weights_criteria", field="weights", criteria=", ".join(CRITERIA)
            )
        # Every bad weight is named at once ("abc" for delivery does not hide -5 for quality).
        problems = FieldCollector()
        clean = {name: problems.check(whole_weight, weights[name], f"weights.{name}") for name in CRITERIA}
        problems.raise_if_any()
        total = sum(clean.values())
        if total != WEIGHTS_TOTAL:
            raise ValidationFailed("scorecard.weights_sum", field="weights", total=total)
        for name, weight in clean.items():
            setattr(row, CRITERIA[name]["weight"], weight)
    if bands is not None:
        if not isinstance(bands, dict):
            raise ValidationFailed("scorecard.bands_invalid", field="bands")
        clean_bands = {
            name: whole_quantity(
                bands.get(name, before["bands"][name]), f"bands.{name}", allow_zero=True, maximum=100
            )
            for name in ("excellent", "good", "watch")
        }
        if not clean_bands["watch"] <= clean_bands["good"] <= clean_bands["excellent"]:
            raise ValidationFailed("scorecard.bands_order", field="bands.good")
        row.band_excellent, row.band_good, row.band_watch = (
            clean_bands["excellent"],
            clean_bands["good"],
            clean_bands["watch"],
        )
    if ppm_zero is not None:
        row.ppm_zero = whole_quantity(ppm_zero, "ppm_zero", maximum=1_000_000)
    for name, value in (
        ("response_target_hours", response_target_hours),
        ("response_limit_hours", response_limit_hours),
        ("cost_floor", cost_floor),
        ("cost_ceiling", cost_ceiling),
    ):
        if value is not None:
            setattr(row, name, _positive_decimal(value, name))
    if Decimal(row.response_target_hours) >= Decimal(row.response_limit_hours):
        raise ValidationFailed("scorecard.limits_order", field="response_limit_hours")
    if Decimal(row.cost_floor) >= Decimal(row.cost_ceiling):
        raise ValidationFailed("scorecard.limits_order", field="cost_ceiling")
    row.updated_at = utcnow()
    row.updated_by_user_id = principal.user_id
    session.add(row)
    session.flush()
    after = get_scorecard_settings(session)
    audit.record(
        session,
        action="scorecard.settings_changed",
        entity="scorecard_settings",
        entity_id=1,
        actor_user_id=principal.user_id,
        organisation_id=principal.organisation_id,
        before=_jsonable(before),
        after=_jsonable(after),
    )
    mark_stale(session, None, reason="settings")
    session.commit()
    return after


# What a weight's refusal says: the quantity parser's reasons, in words about a weight.
_WEIGHT_CODES = {
    "quantity.required": "scorecard.weight_required",
    "quantity.not_a_number": "scorecard.weight_not_a_number",
    "quantity.not_whole": "scorecard.weight_not_whole",
    "quantity.negative": "scorecard.weight_range",
    "quantity.not_positive": "scorecard.weight_range",
    "quantity.too_large": "scorecard.weight_range",
}


def whole_weight(value: object, field: str) -> int:
    """A criterion's weight: a whole number from 0 to 100. Raises ValidationFailed on `field` with
    `scorecard.weight_required`, `scorecard.weight_not_a_number` ("abc"), `scorecard.weight_not_whole`
    or `scorecard.weight_range`."""
    try:
        return whole_quantity(value, field, allow_zero=True, maximum=WEIGHTS_TOTAL)
    except ValidationFailed as error:
        raise ValidationFailed(
            _WEIGHT_CODES.get(error.code, "scorecard.weight_not_a_number"),
            field=field,
            value=error.params.get("value", str(value)[:40]),
        ) from None


def weights_sum(weights: dict) -> int:
    """The sum of the weights that are valid (what a form shows while being filled in)."""
    total = 0
    for name in CRITERIA:
        try:
            total += whole_weight(weights.get(name), f"weights.{name}")
        except ValidationFailed:
            continue
    return total


def weights_add_up(weights: dict) -> bool:
    """Whether `weights` would be accepted: a valid weight for every criterion, adding up to 100
    (the rule `update_scorecard_settings` enforces)."""
    try:
        return sum(whole_weight(weights.get(name), f"weights.{name}") for name in CRITERIA) == WEIGHTS_TOTAL
    except ValidationFailed:
        return False


def _positive_decimal(value: object, field: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except ArithmeticError:
        raise ValidationFailed("scorecard.limit_invalid", field=field) from None
    if not number.is_finite() or number <= 0 or number >= 100_000:
        raise ValidationFailed("scorecard.limit_invalid", field=field)
    return number


def _jsonable(settings: dict) -> dict:
    return {
        key: (str(value) if isinstance(value, Decimal | datetime) else value)
        for key, value in settings.items()
    }


def standing_for(score: Decimal | float | None, settings: dict) -> str | None:
    """The standing a total score earns under `settings["bands"]`; None without a score."""
    if score is None:
        return None
    bands = settings["bands"]
    if score >= bands["excellent"]:
        return Standing.EXCELLENT
    if score >= bands["good"]:
        return Standing.GOOD
    if score >= bands["watch"]:
        return Standing.WATCH
    return Standing.POOR


def mark_stale(session: Session, supplier_id: int | None, *, reason: str) -> None:
    """Ask (through the outbox, in the caller's transaction) for a supplier's scores to be
    recomputed; `supplier_id` None means every supplier's."""
    outbox.enqueue(session, SCORECARD_STALE, {"supplier_id": supplier_id, "reason": reason})


def current_standing(session: Session, supplier_id: int) -> dict:
    """The supplier's latest rolling-12-month score: standing, score, period, computed_at
    (all None before the first computation). Not scoped: callers check access."""
    row = session.exec(
        select(SupplierScorecard)
        .where(
            SupplierScorecard.supplier_id == supplier_id,
            SupplierScorecard.period_kind == PeriodKind.ROLLING_12,
        )
        .order_by(SupplierScorecard.period.desc())
        .limit(1)
    ).first()
    if row is None:
        return {"standing": None, "score": None, "period": None, "computed_at": None}
    return {
        "standing": row.standing,
        "score": row.score,
        "period": row.period,
        "computed_at": row.computed_at,
    }


# ---------------------------------------------------------------- the set-based recompute


def _sql_dialect(session: Session) -> dict[str, str]:
    if session.get_bind().dialect.name == "postgresql":
        return {
            "date_month": "to_char({}, 'YYYY-MM')",
            "time_month": "to_char({} AT TIME ZONE 'UTC', 'YYYY-MM')",
            "hours_open": "EXTRACT(EPOCH FROM (CAST(:as_of AS timestamptz) - {})) / 3600.0",
        }
    return {
        "date_month": "strftime('%Y-%m', {})",
        "time_month": "strftime('%Y-%m', {})",
        "hours_open": "(julianday(:as_of) - julianday({})) * 24.0",
    }


def _clamped(expression: str) -> str:
    return (
        f"ROUND(CAST(CASE WHEN {expression} < 0 THEN 0 WHEN {expression} > 100 THEN 100 "
        f"ELSE {expression} END AS NUMERIC), 1)"
    )


_SCORE_COLUMNS = (
    "lines_due",
    "lines_on_time",
    "on_time_pct",
    "quantity_ordered",
    "quantity_accepted",
    "fill_rate_pct",
    "quantity_received",
    "quantity_rejected",
    "rejected_ppm",
    "incidents_opened",
    "response_hours",
    "spend",
    "list_value",
    "cost_index",
    "score_on_time",
    "score_fill_rate",
    "score_quality",
    "score_response",
    "score_cost",
    "score",
    "standing",
)


def _recompute_sql(sql: dict[str, str], periods: list[tuple[str, str, str]], by_supplier: bool) -> str:
    due = "COALESCE(l.promised_date, l.requested_date)"
    due_month = sql["date_month"].format(due)
    receipt_month = sql["date_month"].format("r.received_on")
    incident_month = sql["time_month"].format("i.opened_at")
    issue_month = sql["time_month"].format("po.issued_at")
    only = (lambda column: f" AND {column} IN :supplier_ids") if by_supplier else (lambda column: "")
    # Period labels are generated here from validated YYYY-MM strings, never from user text.
    period_rows = " UNION ALL ".join(
        f"SELECT '{kind}' AS period_kind, '{period}' AS period, '{first}' AS first_month"
        for kind, period, first in periods
    )
    weights = ("on_time", "fill_rate", "quality", "response", "cost")
    weighted = " + ".join(f"COALESCE(s_{name} * :w_{name}, 0)" for name in weights)
    weight_sum = " + ".join(f"CASE WHEN s_{name} IS NULL THEN 0 ELSE :w_{name} END" for name in weights)
    zeros = {
        "lines_due": "0",
        "lines_on_time": "0",
        "quantity_ordered": "0",
        "quantity_accepted": "0",
        "quantity_received": "0",
        "quantity_rejected": "0",
        "incidents_opened": "0",
        "response_hours_sum": "0.0",
        "spend": "0.0",
        "list_value": "0.0",
    }

    def branch(source: str, present: tuple[str, ...]) -> str:
        columns = ", ".join(name if name in present else f"{zeros[name]} AS {name}" for name in zeros)
        return f"SELECT supplier_id, month, {columns} FROM {source}"

    return f"""
INSERT INTO supplier_scorecard (supplier_id, period_kind, period, {", ".join(_SCORE_COLUMNS)}, computed_at)
WITH delivery AS (
    SELECT po.supplier_id AS supplier_id, {due_month} AS month, COUNT(*) AS lines_due,
           SUM(CASE WHEN l.received_complete_on IS NOT NULL AND l.received_complete_on <= {due}
                    THEN 1 ELSE 0 END) AS lines_on_time,
           SUM(l.quantity) AS quantity_ordered, SUM(l.accepted_quantity) AS quantity_accepted
    FROM purchase_order_line l JOIN purchase_order po ON po.id = l.purchase_order_id
    WHERE l.status = 'acknowledged' AND {due} >= :start_date AND {due} < :end_date
      AND (l.received_complete_on IS NOT NULL OR {due} < :as_of_date){only("po.supplier_id")}
    GROUP BY po.supplier_id, {due_month}
), received AS (
    SELECT r.supplier_id AS supplier_id, {receipt_month} AS month,
           SUM(rl.accepted_quantity + rl.rejected_quantity) AS quantity_received,
           SUM(rl.rejected_quantity) AS quantity_rejected
    FROM goods_receipt_line rl JOIN goods_receipt r ON r.id = rl.receipt_id
    WHERE r.received_on >= :start_date AND r.received_on < :end_date{only("r.supplier_id")}
    GROUP BY r.supplier_id, {receipt_month}
), responses AS (
    SELECT i.supplier_id AS supplier_id, {incident_month} AS month, COUNT(*) AS incidents_opened,
           SUM(CASE WHEN i.response_minutes IS NOT NULL THEN i.response_minutes / 60.0
                    ELSE {sql["hours_open"].format("i.opened_at")} END) AS response_hours_sum
    FROM quality_incident i
    WHERE i.opened_at >= :start_at AND i.opened_at < :end_at{only("i.supplier_id")}
    GROUP BY i.supplier_id, {incident_month}
), prices AS (
    SELECT po.supplier_id AS supplier_id, {issue_month} AS month,
           SUM(l.unit_price * l.quantity) AS spend, SUM(p.list_price * l.quantity) AS list_value
    FROM purchase_order_line l JOIN purchase_order po ON po.id = l.purchase_order_id
         JOIN part p ON p.id = l.part_id JOIN organisation s ON s.id = po.supplier_id
    WHERE l.status NOT IN ('rejected', 'cancelled') AND po.currency = p.currency AND po.currency = s.currency
      AND po.issued_at >= :start_at AND po.issued_at < :end_at{only("po.supplier_id")}
    GROUP BY po.supplier_id, {issue_month}
), facts AS (
    {branch("delivery", ("lines_due", "lines_on_time", "quantity_ordered", "quantity_accepted"))}
    UNION ALL {branch("received", ("quantity_received", "quantity_rejected"))}
    UNION ALL {branch("responses", ("incidents_opened", "response_hours_sum"))}
    UNION ALL {branch("prices", ("spend", "list_value"))}
), periods AS (
    {period_rows}
), totals AS (
    SELECT f.supplier_id, p.period_kind, p.period,
           SUM(f.lines_due) AS lines_due, SUM(f.lines_on_time) AS lines_on_time,
           SUM(f.quantity_ordered) AS quantity_ordered, SUM(f.quantity_accepted) AS quantity_accepted,
           SUM(f.quantity_received) AS quantity_received, SUM(f.quantity_rejected) AS quantity_rejected,
           SUM(f.incidents_opened) AS incidents_opened, SUM(f.response_hours_sum) AS response_hours_sum,
           SUM(f.spend) AS spend, SUM(f.list_value) AS list_value
    FROM facts f JOIN periods p ON f.month >= p.first_month AND f.month <= p.period
    GROUP BY f.supplier_id, p.period_kind, p.period
), figures AS (
    SELECT t.*,
           CASE WHEN lines_due > 0 THEN 100.0 * lines_on_time / lines_due END AS on_time_pct,
           CASE WHEN quantity_ordered > 0 THEN 100.0 * quantity_accepted / quantity_ordered END
               AS fill_rate_pct,
           CASE WHEN quantity_received > 0 THEN 1000000.0 * quantity_rejected / quantity_received END
               AS rejected_ppm,
           CASE WHEN incidents_opened > 0 THEN response_hours_sum / incidents_opened END AS response_hours,
           CASE WHEN list_value > 0 THEN spend / list_value END AS cost_index
    FROM totals t
), scores AS (
    SELECT f.*,
           {_clamped("on_time_pct")} AS s_on_time,
           {_clamped("fill_rate_pct")} AS s_fill_rate,
           {_clamped("(100.0 - rejected_ppm * 100.0 / :ppm_zero)")} AS s_quality,
           {_clamped("(100.0 * (:response_limit - response_hours) / (:response_limit - :response_target))")}
               AS s_response,
           {_clamped("(100.0 * (:cost_ceiling - cost_index) / (:cost_ceiling - :cost_floor))")} AS s_cost
    FROM figures f
), totalled AS (
    SELECT s.*, ROUND(CAST(({weighted}) / NULLIF(({weight_sum}), 0) AS NUMERIC), 1) AS score
    FROM scores s
)
SELECT supplier_id, period_kind, period, lines_due, lines_on_time, on_time_pct, quantity_ordered,
       quantity_accepted, fill_rate_pct, quantity_received, quantity_rejected, rejected_ppm,
       incidents_opened, response_hours, spend, list_value, cost_index, s_on_time, s_fill_rate,
       s_quality, s_response, s_cost, score,
       CASE WHEN score IS NULL THEN NULL
            WHEN score >= :band_excellent THEN 'excellent'
            WHEN score >= :band_good THEN 'good'
            WHEN score >= :band_watch THEN 'watch'
            ELSE 'poor' END,
       :computed_at
FROM totalled
"""


def recompute_scorecards(
    session: Session,
    period_from: str | date | None = None,
    period_to: str | date | None = None,
    supplier_ids: list[int] | None = None,
    *,
    as_of: datetime | None = None,
) -> dict:
    """Rewrite the scorecards of the months `period_from`..`period_to` (YYYY-MM; default: the
    twelve months ending with the current one), both the monthly and the rolling-12-month rows,
    for `supplier_ids` (default: every supplier), and commit.

    Set-based: one DELETE and one INSERT ... SELECT over GROUP BY queries, whatever the volume.
    Idempotent: running it twice gives the same rows (with a later `computed_at`). Concurrent runs
    queue on a lock (PostgreSQL advisory lock; SQLite's single writer). This is what the nightly
    Celery task and the task triggered by SCORECARD_STALE messages call.
    Returns {"rows", "period_from", "period_to", "suppliers", "computed_at", "seconds"}.
    """
    started = time.perf_counter()
    as_of = as_of or utcnow()
    period_to = parse_month(period_to, "period_to") if period_to else current_month(session, as_of)
    period_from = parse_month(period_from, "period_from") if period_from else add_months(period_to, -11)
    if period_from > period_to:
        raise ValidationFailed("scorecard.period_order", field="period_from")
    if len(months_between(period_from, period_to)) > 60:
        raise ValidationFailed("scorecard.period_too_long", field="period_from", max=60)
    ids = sorted({int(i) for i in supplier_ids}) if supplier_ids is not None else None
    if ids is not None and not ids:
        return {
            "rows": 0,
            "period_from": period_from,
            "period_to": period_to,
            "suppliers": 0,
            "computed_at": as_of,
            "seconds": 0.0,
        }
    settings = get_scorecard_settings(session)
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(424242)"))

    periods = []
    for month in months_between(period_from, period_to):
        periods.append((PeriodKind.MONTH.value, month, month))
        periods.append((PeriodKind.ROLLING_12.value, month, add_months(month, -11)))
    start_date = first_day(add_months(period_from, -11))
    end_date = first_day(add_months(period_to, 1))
    params = {
        "start_date": start_date,
        "end_date": end_date,
        "as_of_date": as_of.date(),
        "start_at": datetime.combine(start_date, datetime.min.time(), tzinfo=as_of.tzinfo),
        "end_at": datetime.combine(end_date, datetime.min.time(), tzinfo=as_of.tzinfo),
        "as_of": as_of,
        "computed_at": as_of,
        "ppm_zero": settings["ppm_zero"],
        "response_limit": settings["response_limit_hours"],
        "response_target": settings["response_target_hours"],
        "cost_ceiling": settings["cost_ceiling"],
        "cost_floor": settings["cost_floor"],
        "band_excellent": settings["bands"]["excellent"],
        "band_good": settings["bands"]["good"],
        "band_watch": settings["bands"]["watch"],
        **{f"w_{name}": weight for name, weight in settings["weights"].items()},
    }
    if bind.dialect.name == "sqlite":  # sqlite3 binds no Decimal
        params = {key: float(value) if isinstance(value, Decimal) else value for key, value in params.items()}
    typed = [
        bindparam("start_date", type_=Date()),
        bindparam("end_date", type_=Date()),
        bindparam("as_of_date", type_=Date()),
        bindparam("start_at", type_=UTCDateTime()),
        bindparam("end_at", type_=UTCDateTime()),
        bindparam("as_of", type_=UTCDateTime()),
        bindparam("computed_at", type_=UTCDateTime()),
    ]
    delete = "DELETE FROM supplier_scorecard WHERE period >= :period_from AND period <= :period_to" + (
        " AND supplier_id IN :supplier_ids" if ids is not None else ""
    )
    delete_statement = text(delete)
    insert_sql = _recompute_sql(_sql_dialect(session), periods, ids is not None)
    insert_statement = text(insert_sql).bindparams(*typed)
    delete_params = {"period_from": period_from, "period_to": period_to}
    if ids is not None:
        delete_statement = delete_statement.bindparams(bindparam("supplier_ids", expanding=True))
        insert_statement = insert_statement.bindparams(
            bindparam("supplier_ids", expanding=True, type_=Integer())
        )
        params["supplier_ids"] = ids
        delete_params["supplier_ids"] = ids
    session.execute(delete_statement, delete_params)
    rows = session.execute(insert_statement, params).rowcount
    outbox.enqueue(
        session,
        SCORECARDS_CHANGED,
        {
            "topic": SCORECARDS_CHANGED,
            "supplier_ids": ids,
            "period_from": period_from,
            "period_to": period_to,
            "computed_at": as_of.isoformat(),
        },
    )
    session.commit()
    return {
        "rows": rows,
        "period_from": period_from,
        "period_to": period_to,
        "suppliers": len(ids) if ids is not None else None,
        "computed_at": as_of,
        "seconds": round(time.perf_counter() - started, 3),
    }


# ---------------------------------------------------------------- reading scores


def _row_dict(row: SupplierScorecard, currency: str) -> dict:
    return {
        "period_kind": row.period_kind,
        "period": row.period,
        "computed_at": row.computed_at,
        **{column: getattr(row, column) for column in _SCORE_COLUMNS},
        "currency": currency,  # of `spend` and `list_value`: the supplier's
    }


def supplier_scorecard(
    session: Session,
    principal: Principal,
    supplier_id: int,
    *,
    months: int = 12,
    period: str | None = None,
) -> dict:
    """A supplier's card: the rolling-12-month row for `period` (default: the latest) and the
    monthly rows of the `months` months ending there (the trend), with the weights in force.
    A supplier asking for another's card gets NotFound."""
    require_reader(principal)
    supplier_id = record_id(supplier_id, "supplier_id")
    check_visible(principal, supplier_id, "supplier.not_found", "supplier_id")
    supplier = session.get(Organisation, supplier_id)
    if supplier is None or supplier.kind != OrganisationKind.SUPPLIER:
        raise NotFound("supplier.not_found", field="supplier_id")
    latest = select(SupplierScorecard).where(
        SupplierScorecard.supplier_id == supplier_id, SupplierScorecard.period_kind == PeriodKind.ROLLING_12
    )
    if period:
        latest = latest.where(SupplierScorecard.period == parse_month(period))
    current = session.exec(latest.order_by(SupplierScorecard.period.desc()).limit(1)).first()
    last_month = current.period if current else (parse_month(period) if period else current_month(session))
    trend = session.exec(
        select(SupplierScorecard)
        .where(
            SupplierScorecard.supplier_id == supplier_id,
            SupplierScorecard.period_kind == PeriodKind.MONTH,
            SupplierScorecard.period > add_months(last_month, -months),
            SupplierScorecard.period <= last_month,
        )
        .order_by(SupplierScorecard.period)
    ).all()
    control = session.get(SupplierControl, supplier_id)
    settings = get_scorecard_settings(session)
    return {
        "supplier_id": supplier_id,
        "supplier_name": supplier.name,
        "supplier_name_zh": supplier.name_zh,
        "blocked": bool(control and control.blocked),
        "blocked_reason": control.reason if control else "",
        "currency": supplier.currency,
        "current": _row_dict(current, supplier.currency) if current else None,
        "trend": [_row_dict(row, supplier.currency) for row in trend],
        "trend_months": months_between(add_months(last_month, -months + 1), last_month),
        "weights": settings["weights"],
        "bands": settings["bands"],
        "computed_at": current.computed_at if current else None,
    }


def explain_criterion(
    session: Session,
    principal: Principal,
    supplier_id: int,
    period: str,
    criterion: str,
    *,
    period_kind: str = PeriodKind.MONTH,
    limit: int = EXPLAIN_LIMIT,
    today: date | None = None,
) -> dict:
    """Why a criterion scored what it did for one supplier and period: the stored figures and
    score, its weight, the formula's parameters, and the very items that moved it, worst first:

    - on_time / fill_rate: the order lines due in the period (due date, when complete, days late,
      ordered and accepted units)
    - quality: the receipt lines of the period with rejected units (lot, reason, incident)
    - response: the incidents opened in the period with their hours to acknowledge
    - cost: the order lines issued in the period with price, list price and the excess paid

    Scoped: a supplier asking about another supplier gets NotFound. Unknown criterion or period
    format raise ValidationFailed.
    """
    require_reader(principal)
    if criterion not in CRITERIA:
        raise ValidationFailed("scorecard.criterion_invalid", field="criterion")
    if period_kind not in (PeriodKind.MONTH, PeriodKind.ROLLING_12):
        raise ValidationFailed("scorecard.period_kind_invalid", field="period_kind")
    supplier_id = record_id(supplier_id, "supplier_id")
    check_visible(principal, supplier_id, "supplier.not_found", "supplier_id")
    supplier = session.get(Organisation, supplier_id)
    if supplier is None or supplier.kind != OrganisationKind.SUPPLIER:
        raise NotFound("supplier.not_found", field="supplier_id")
    period = parse_month(period)
    limit = max(1, min(int(limit), 1000))
    row = session.exec(
        select(SupplierScorecard).where(
            SupplierScorecard.supplier_id == supplier_id,
            SupplierScorecard.period_kind == period_kind,
            SupplierScorecard.period == period,
        )
    ).first()
    settings = get_scorecard_settings(session)
    meta = CRITERIA[criterion]
    start, end = period_bounds(period, period_kind)
    today = today or (row.computed_at.date() if row else utcnow().date())
    items, items_total = _EXPLAINERS[criterion](session, supplier_id, start, end, today, limit)
    _add_part_names_zh(session, items)
    return {
        "supplier_id": supplier_id,
        "supplier_name": supplier.name,
        "supplier_name_zh": supplier.name_zh,
        "period": period,
        "period_kind": str(period_kind),
        "period_start": start,
        "period_end": end - timedelta(days=1),
        "criterion": criterion,
        "label_key": f"scorecard.criterion.{criterion}",
        "formula_key": f"scorecard.formula.{criterion}",
        "formula_params": {
            "ppm_zero": settings["ppm_zero"],
            "response_target_hours": settings["response_target_hours"],
            "response_limit_hours": settings["response_limit_hours"],
            "cost_floor": settings["cost_floor"],
            "cost_ceiling": settings["cost_ceiling"],
        },
        "weight": settings["weights"][criterion],
        "score": getattr(row, meta["score"]) if row else None,
        "total_score": row.score if row else None,
        "standing": row.standing if row else None,
        "figures": (
            {name: getattr(row, name) for name in meta["figures"]}
            | ({"currency": supplier.currency} if criterion == "cost" else {})
            if row
            else {}
        ),
        "computed_at": row.computed_at if row else None,
        "items": items,
        "items_total": items_total,
    }


def _add_part_names_zh(session: Session, items: list[dict]) -> None:
    """Give every item with a part (by its SKU) the part's Chinese name beside `part_name`."""
    skus = {item["sku"] for item in items if item.get("sku")}
    if not skus:
        return
    names = dict(session.exec(select(Part.sku, Part.name_zh).where(Part.sku.in_(skus))).all())
    for item in items:
        if item.get("sku"):
            item["part_name_zh"] = names.get(item["sku"])


def _due_lines(session: Session, supplier_id: int, start: date, end: date, today: date):
    due = func.coalesce(PurchaseOrderLine.promised_date, PurchaseOrderLine.requested_date)
    return (
        select(PurchaseOrderLine, Part.sku, Part.name, due.label("due"))
        .join(PurchaseOrder, PurchaseOrder.id == PurchaseOrderLine.purchase_order_id)
        .join(Part, Part.id == PurchaseOrderLine.part_id)
        .where(
            PurchaseOrder.supplier_id == supplier_id,
            PurchaseOrderLine.status == LineStatus.ACKNOWLEDGED,
            due >= start,
            due < end,
            (PurchaseOrderLine.received_complete_on.is_not(None)) | (due < today),
        )
    ), due


def _line_item(line: PurchaseOrderLine, sku: str, name: str, due: date | str, today: date) -> dict:
    due = _as_date(due)
    done = line.received_complete_on
    days_late = ((done or today) - due).days
    return {
        "purchase_order_id": line.purchase_order_id,
        "purchase_order_number": po_number(line.purchase_order_id),
        "po_line_id": line.id,
        "line_no": line.line_no,
        "sku": sku,
        "part_name": name,
        "due_date": due,
        "received_complete_on": done,
        "on_time": done is not None and done <= due,
        "days_late": max(days_late, 0),
        "quantity": line.quantity,
        "accepted_quantity": line.accepted_quantity,
        "rejected_quantity": line.rejected_quantity,
        "shortfall": line.quantity - line.accepted_quantity,
    }


def _explain_on_time(session, supplier_id, start, end, today, limit):
    statement, _due = _due_lines(session, supplier_id, start, end, today)
    items = [_line_item(line, sku, name, due, today) for line, sku, name, due in session.exec(statement)]
    items.sort(key=lambda item: (item["on_time"], -item["days_late"], item["due_date"]))
    return items[:limit], len(items)


def _explain_fill_rate(session, supplier_id, start, end, today, limit):
    statement, _due = _due_lines(session, supplier_id, start, end, today)
    items = [_line_item(line, sku, name, due, today) for line, sku, name, due in session.exec(statement)]
    items.sort(key=lambda item: (-item["shortfall"], item["due_date"]))
    return items[:limit], len(items)


def _explain_quality(session, supplier_id, start, end, today, limit):
    base = (
        select(GoodsReceiptLine, GoodsReceipt, Part.sku, Part.name, QualityIncident.id)
        .join(GoodsReceipt, GoodsReceipt.id == GoodsReceiptLine.receipt_id)
        .join(Part, Part.id == GoodsReceiptLine.part_id)
        .outerjoin(QualityIncident, QualityIncident.receipt_line_id == GoodsReceiptLine.id)
        .where(
            GoodsReceipt.supplier_id == supplier_id,
            GoodsReceipt.received_on >= start,
            GoodsReceipt.received_on < end,
            GoodsReceiptLine.rejected_quantity > 0,
        )
    )
    total = session.exec(select(func.count()).select_from(base.subquery())).one()
    rows = session.exec(
        base.order_by(GoodsReceiptLine.rejected_quantity.desc(), GoodsReceipt.received_on).limit(limit)
    ).all()
    return [
        {
            "receipt_id": receipt.id,
            "receipt_number": receipt_number(receipt.id),
            "purchase_order_id": receipt.purchase_order_id,
            "purchase_order_number": po_number(receipt.purchase_order_id),
            "received_on": receipt.received_on,
            "sku": sku,
            "part_name": name,
            "lot_number": line.lot_number,
            "accepted_quantity": line.accepted_quantity,
            "rejected_quantity": line.rejected_quantity,
            "reject_reason": line.reject_reason,
            "incident_id": incident_id,
        }
        for line, receipt, sku, name, incident_id in rows
    ], total


def _explain_response(session, supplier_id, start, end, today, limit):
    start_at = datetime.combine(start, datetime.min.time()).replace(tzinfo=utcnow().tzinfo)
    end_at = datetime.combine(end, datetime.min.time()).replace(tzinfo=utcnow().tzinfo)
    rows = session.exec(
        select(QualityIncident, Part.sku)
        .join(Part, Part.id == QualityIncident.part_id)
        .where(
            QualityIncident.supplier_id == supplier_id,
            QualityIncident.opened_at >= start_at,
            QualityIncident.opened_at < end_at,
        )
    ).all()
    now = utcnow()
    items = []
    for incident, sku in rows:
        if incident.response_minutes is not None:
            hours = Decimal(incident.response_minutes) / 60
        else:
            hours = Decimal((now - incident.opened_at).total_seconds()) / 3600
        items.append(
            {
                "incident_id": incident.id,
                "number": incident_number(incident.id),
                "sku": sku,
                "lot_number": incident.lot_number,
                **title_fields(incident),
                "status": incident.status,
                "opened_at": incident.opened_at,
                "acknowledged_at": incident.acknowledged_at,
                "response_hours": hours.quantize(Decimal("0.01")),
                "still_waiting": incident.response_minutes is None,
            }
        )
    items.sort(key=lambda item: -item["response_hours"])
    return items[:limit], len(items)


def _explain_cost(session, supplier_id, start, end, today, limit):
    supplier_currency = select(Organisation.currency).where(Organisation.id == supplier_id).scalar_subquery()
    start_at = datetime.combine(start, datetime.min.time()).replace(tzinfo=utcnow().tzinfo)
    end_at = datetime.combine(end, datetime.min.time()).replace(tzinfo=utcnow().tzinfo)
    rows = session.exec(
        select(
            PurchaseOrderLine,
            PurchaseOrder.currency,
            PurchaseOrder.issued_at,
            Part.sku,
            Part.name,
            Part.list_price,
        )
        .join(PurchaseOrder, PurchaseOrder.id == PurchaseOrderLine.purchase_order_id)
        .join(Part, Part.id == PurchaseOrderLine.part_id)
        .where(
            PurchaseOrder.supplier_id == supplier_id,
            PurchaseOrder.issued_at >= start_at,
            PurchaseOrder.issued_at < end_at,
            PurchaseOrder.currency == Part.currency,
            PurchaseOrder.currency == supplier_currency,
            PurchaseOrderLine.status.not_in([LineStatus.REJECTED, LineStatus.CANCELLED]),
        )
    ).all()
    items = []
    for line, currency, issued_at, sku, name, list_price in rows:
        excess = (line.unit_price - list_price) * line.quantity
        items.append(
            {
                "purchase_order_id": line.purchase_order_id,
                "purchase_order_number": po_number(line.purchase_order_id),
                "po_line_id": line.id,
                "line_no": line.line_no,
                "issued_at": issued_at,
                "sku": sku,
                "part_name": name,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
                "list_price": list_price,
                "currency": currency,
                "price_index": (line.unit_price / list_price).quantize(Decimal("0.0001"))
                if list_price
                else None,
                "excess": excess.quantize(Decimal("0.01")),
            }
        )
    items.sort(key=lambda item: -item["excess"])
    return items[:limit], len(items)


_EXPLAINERS = {
    "on_time": _explain_on_time,
    "fill_rate": _explain_fill_rate,
    "quality": _explain_quality,
    "response": _explain_response,
    "cost": _explain_cost,
}


def _as_date(value: object) -> date:
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


# ---------------------------------------------------------------- dashboards


def supplier_dashboard(
    session: Session,
    principal: Principal,
    supplier_id: int | None = None,
    *,
    today: date | None = None,
    list_size: int = 10,
) -> dict:
    """Everything the supplier dashboard shows, in a few indexed queries: open orders by state,
    orders awaiting an answer, lines due in the next 7 days and lines late (not fully received by
    their due date) with the first `list_size` of each, incidents waiting for the supplier,
    the current score and standing, the 12-month trend per criterion and when it was computed.

    A supplier's user sees its own (asking for another supplier answers NotFound); managers and
    admins pass the `supplier_id` of the card they drill into.
    """
    require_reader(principal)
    if is_supplier(principal):
        supplier_id = scoped_supplier_id(principal, supplier_id)
    elif supplier_id is None:
        raise ValidationFailed("supplier.required", field="supplier_id")
    supplier_id = record_id(supplier_id, "supplier_id")
    today = today or today_in(principal.time_zone)
    card = supplier_scorecard(session, principal, supplier_id)

    orders_by_status = dict(
        session.exec(
            select(PurchaseOrder.status, func.count())
            .where(PurchaseOrder.supplier_id == supplier_id, PurchaseOrder.status.in_(_OPEN_ORDER))
            .group_by(PurchaseOrder.status)
        ).all()
    )
    due = func.coalesce(PurchaseOrderLine.promised_date, PurchaseOrderLine.requested_date)
    week_end = today + timedelta(days=7)
    conditions = (
        PurchaseOrder.supplier_id == supplier_id,
        PurchaseOrder.status.in_(_OPEN_ORDER),
        PurchaseOrderLine.status.in_([LineStatus.OPEN, LineStatus.PROPOSED, LineStatus.ACKNOWLEDGED]),
        PurchaseOrderLine.accepted_quantity + PurchaseOrderLine.rejected_quantity
        < PurchaseOrderLine.quantity,
    )
    outstanding = (
        select(PurchaseOrderLine, PurchaseOrder.status, Part.sku, Part.name, due.label("due"))
        .join(PurchaseOrder, PurchaseOrder.id == PurchaseOrderLine.purchase_order_id)
        .join(Part, Part.id == PurchaseOrderLine.part_id)
        .where(*conditions)
    )
    counts = session.exec(
        select(
            func.coalesce(func.sum(case(((due >= today) & (due < week_end), 1), else_=0)), 0),
            func.coalesce(func.sum(case((due < today, 1), else_=0)), 0),
        )
        .select_from(PurchaseOrderLine)
        .join(PurchaseOrder, PurchaseOrder.id == PurchaseOrderLine.purchase_order_id)
        .where(*conditions)
    ).one()
    due_rows = session.exec(outstanding.where(due >= today, due < week_end).order_by(due).limit(list_size))
    late_rows = session.exec(outstanding.where(due < today).order_by(due).limit(list_size))
    incidents = dict(
        session.exec(
            select(QualityIncident.status, func.count())
            .where(QualityIncident.supplier_id == supplier_id, QualityIncident.status.in_(_AWAITING_SUPPLIER))
            .group_by(QualityIncident.status)
        ).all()
    )

    def line(row) -> dict:
        order_line, order_status, sku, name, due_date = row
        due_date = _as_date(due_date)
        return {
            "purchase_order_id": order_line.purchase_order_id,
            "purchase_order_number": po_number(order_line.purchase_order_id),
            "order_status": order_status,
            "po_line_id": order_line.id,
            "line_no": order_line.line_no,
            "sku": sku,
            "part_name": name,
            "due_date": due_date,
            "line_status": order_line.status,
            "quantity": order_line.quantity,
            "shipped_quantity": order_line.shipped_quantity,
            "open_quantity": order_line.quantity
            - order_line.accepted_quantity
            - order_line.rejected_quantity,
            "days_late": max((today - due_date).days, 0),
        }

    due_lines, late_lines = [line(row) for row in due_rows], [line(row) for row in late_rows]
    _add_part_names_zh(session, due_lines + late_lines)
    current = card["current"]
    return {
        "supplier_id": supplier_id,
        "supplier_name": card["supplier_name"],
        "supplier_name_zh": card["supplier_name_zh"],
        "today": today,
        "blocked": card["blocked"],
        "blocked_reason": card["blocked_reason"],
        "open_orders": sum(orders_by_status.values()),
        "orders_by_status": {status.value: orders_by_status.get(status, 0) for status in _OPEN_ORDER},
        "awaiting_answer": orders_by_status.get(Status.ISSUED, 0),
        "due_this_week": int(counts[0]),
        "late": int(counts[1]),
        "due_lines": due_lines,
        "late_lines": late_lines,
        "incidents_awaiting": sum(incidents.values()),
        "incidents_by_status": {status.value: incidents.get(status, 0) for status in _AWAITING_SUPPLIER},
        "score": current["score"] if current else None,
        "standing": current["standing"] if current else None,
        "period": current["period"] if current else None,
        "current": current,
        "trend": card["trend"],
        "trend_months": card["trend_months"],
        "weights": card["weights"],
        "computed_at": card["computed_at"],
    }


def manager_ranking(
    session: Session,
    principal: Principal,
    *,
    category: str | None = None,
    standing: str | None = None,
    period: str | None = None,
    page: Page | None = None,
) -> dict:
    """Suppliers ranked by their rolling-12-month score for `period` (default: the latest computed),
    best first, unscored last; filter by a part `category` they supply and by `standing`
    (`unscored` for those without a score). Also the (on-time %, rejected ppm, quality score) pairs of
    the filtered suppliers for the quality-vs-delivery scatter. Managers and admins only."""
    require_reader(principal)
    if is_supplier(principal):
        require_manager(principal)
    if standing and standing not in {s.value for s in Standing} | {"unscored"}:
        raise ValidationFailed("scorecard.standing_invalid", field="standing")
    if period:
        period = parse_month(period)
    else:
        period = session.exec(
            select(func.max(SupplierScorecard.period)).where(
                SupplierScorecard.period_kind == PeriodKind.ROLLING_12
            )
        ).one()
    page = page or Page(1, 50)
    card = SupplierScorecard
    statement = (
        select(
            Organisation.id,
            Organisation.name,
            Organisation.country,
            SupplierControl.blocked,
            card,
            Organisation.name_zh,
        )
        .outerjoin(
            card,
            (card.supplier_id == Organisation.id)
            & (card.period_kind == PeriodKind.ROLLING_12)
            & (card.period == (period or "")),
        )
        .outerjoin(SupplierControl, SupplierControl.supplier_id == Organisation.id)
        .where(Organisation.kind == OrganisationKind.SUPPLIER)
    )
    if category:
        # IN over the category's suppliers (the category index) beats EXISTS per supplier here.
        statement = statement.where(
            Organisation.id.in_(select(Part.supplier_id).where(Part.category == category).distinct())
        )
    if standing == "unscored":
        statement = statement.where(card.score.is_(None))
    elif standing:
        statement = statement.where(card.standing == standing)
    total = session.exec(select(func.count()).select_from(statement.subquery())).one()
    rows = session.exec(
        statement.order_by(card.score.is_(None), card.score.desc(), Organisation.name, Organisation.id)
        .offset(page.offset)
        .limit(page.size)
    ).all()
    scatter = session.exec(
        statement.with_only_columns(
            Organisation.id,
            Organisation.name,
            card.on_time_pct,
            card.rejected_ppm,
            card.score_quality,
            card.standing,
            Organisation.name_zh,
        ).where(card.on_time_pct.is_not(None), card.score_quality.is_not(None))
    ).all()
    computed_at = session.exec(
        select(func.max(card.computed_at)).where(
            card.period_kind == PeriodKind.ROLLING_12, card.period == (period or "")
        )
    ).one()
    return {
        "period": period,
        "computed_at": computed_at,
        "total": total,
        "rows": [
            {
                "rank": page.offset + index + 1,
                "supplier_id": supplier_id,
                "supplier_name": name,
                "supplier_name_zh": name_zh,
                "country": country,
                "blocked": bool(blocked),
                **(
                    {column: getattr(row, column) for column in _SCORE_COLUMNS}
                    if row
                    else {column: None for column in _SCORE_COLUMNS}
                ),
            }
            for index, (supplier_id, name, country, blocked, row, name_zh) in enumerate(rows)
        ],
        "scatter": [
            {
                "supplier_id": supplier_id,
                "supplier_name": name,
                "supplier_name_zh": name_zh,
                "on_time_pct": on_time,
                "rejected_ppm": ppm,
                "score_quality": quality,
                "standing": row_standing,
            }
            for supplier_id, name, on_time, ppm, quality, row_standing, name_zh in scatter
        ],
    }
