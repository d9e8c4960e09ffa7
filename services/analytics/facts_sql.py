"""The facts of a range of days derived inside PostgreSQL: the same rows `facts._fact_rows` builds in
Python, written by three set-based statements instead of reading every order into the process.

A full rebuild of a year of three million orders reads about twelve million rows; in Python that is
minutes of row objects, in SQL one pass. The rules are the Python ones, term by term (a test derives
random worlds both ways and compares every fact row):
- an order's day is its placement time as a date in the reporting zone;
- its store is the buyer's location (where it was ordered), its dealer that store's owner; its
  channel from its kind and test drive;
- it stands when paid or allocated without a refund, counts as cancelled when cancelled or refunded,
  and is in neither while it waits for payment;
- money converts order by order (and line by line) at the rate of the order's day or the latest
  earlier one, rounded half-up to cents; a currency without such a rate raises `fx.rate_missing`
  before anything is written;
- order-to-paid and paid-to-delivered are whole minutes (floored, never negative);
- the stock rows ordered from per day and dealer count every order placed, whatever became of it.

Used on PostgreSQL only; SQLite (the embedded default, a small portal) keeps the Python path.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime

from sqlalchemy import text
from sqlmodel import Session

from models.settings import get_settings
from services.platform.errors import ValidationFailed

# One row per order of the range with what the facts need; a temporary table dropped at commit.
_ORDERS = """
CREATE TEMPORARY TABLE {name} ON COMMIT DROP AS
WITH placed AS (
    SELECT o.id,
           (o.created_at AT TIME ZONE :zone)::date AS day,
           o.created_at,
           b.organisation_id AS dealer_organisation_id,
           o.buyer_location_id AS store_location_id,
           CASE WHEN o.kind = 'dealer_purchase' THEN 'dealer_order'
                WHEN o.test_drive_id IS NOT NULL THEN 'customer_store'
                ELSE 'customer_online' END AS channel,
           o.status,
           o.currency,
           o.total,
           p.captured_at,
           (r.id IS NOT NULL) AS refunded
    FROM sales_order o
    JOIN location b ON b.id = o.buyer_location_id
    LEFT JOIN payment p ON p.order_id = o.id
    LEFT JOIN refund r ON r.payment_id = p.id
    WHERE o.created_at >= :start AND o.created_at < :end
      AND (o.status IN ('paid', 'allocated', 'cancelled') OR r.id IS NOT NULL)
), with_dealer AS (
    SELECT * FROM placed WHERE {dealer_clause}
), day_rates AS (
    SELECT k.currency, k.day,
           CASE WHEN k.currency = :reporting THEN 1::numeric ELSE (
               SELECT f.rate FROM fx_rate f
               WHERE f.currency = k.currency AND f.day <= k.day
               ORDER BY f.day DESC LIMIT 1) END AS rate
    FROM (SELECT DISTINCT currency, day FROM with_dealer) k
), units AS (
    SELECT l.order_id, sum(l.quantity) AS units
    FROM sales_order_line l
    WHERE l.order_id IN (SELECT id FROM with_dealer)
    GROUP BY l.order_id
), delivered AS (
    SELECT s.order_id, min(e.occurred_at) AS delivered_at
    FROM shipment s JOIN shipment_event e ON e.shipment_id = s.id
    WHERE e.status IN ('delivered', 'handed_over')
      AND s.order_id IN (SELECT id FROM with_dealer)
    GROUP BY s.order_id
)
SELECT w.id, w.day, w.dealer_organisation_id, w.store_location_id, w.channel, w.currency, w.total,
       d.rate,
       (w.status IN ('paid', 'allocated') AND NOT w.refunded) AS standing,
       (w.status = 'allocated' AND NOT w.refunded) AS allocated,
       round(w.total * d.rate, 2) AS value_reporting,
       CASE WHEN w.captured_at IS NULL THEN NULL
            ELSE greatest(0, floor(extract(epoch FROM w.captured_at - w.created_at) / 60))::bigint
       END AS paid_minutes,
       CASE WHEN w.captured_at IS NULL OR v.delivered_at IS NULL THEN NULL
            ELSE greatest(0, floor(extract(epoch FROM v.delivered_at - w.captured_at) / 60))::bigint
       END AS delivered_minutes,
       coalesce(u.units, 0) AS units
FROM with_dealer w
JOIN day_rates d ON d.currency = w.currency AND d.day = w.day
LEFT JOIN delivered v ON v.order_id = w.id
LEFT JOIN units u ON u.order_id = w.id
"""

_MISSING_RATE = "SELECT currency, day FROM {name} WHERE rate IS NULL ORDER BY day, currency LIMIT 1"

_ORDER_FACTS = """
INSERT INTO order_fact_daily (
    day, dealer_organisation_id, store_location_id, channel, currency, orders, value, value_reporting,
    cancelled_orders, cancelled_value_reporting, paid_orders, paid_minutes, delivered_orders,
    delivered_minutes, units, units_allocated)
SELECT day, dealer_organisation_id, store_location_id, channel, currency,
       count(*) FILTER (WHERE standing),
       coalesce(sum(total) FILTER (WHERE standing), 0),
       coalesce(sum(value_reporting) FILTER (WHERE standing), 0),
       count(*) FILTER (WHERE NOT standing),
       coalesce(sum(value_reporting) FILTER (WHERE NOT standing), 0),
       count(paid_minutes) FILTER (WHERE standing),
       coalesce(sum(paid_minutes) FILTER (WHERE standing), 0),
       count(delivered_minutes) FILTER (WHERE standing),
       coalesce(sum(delivered_minutes) FILTER (WHERE standing), 0),
       coalesce(sum(units) FILTER (WHERE standing), 0),
       coalesce(sum(units) FILTER (WHERE allocated), 0)
FROM {name}
GROUP BY day, dealer_organisation_id, store_location_id, channel, currency
"""

_LINE_FACTS = """
INSERT INTO line_fact_daily (
    day, dealer_organisation_id, store_location_id, channel, item_kind, category,
    supplier_organisation_id, currency, orders, units, units_allocated, value, value_reporting)
SELECT o.day, o.dealer_organisation_id, o.store_location_id, o.channel,
       CASE WHEN l.part_id IS NOT NULL THEN 'part' ELSE 'vehicle' END,
       coalesce(CASE WHEN l.part_id IS NOT NULL THEN pt.category ELSE m.code END, ''),
       CASE WHEN l.part_id IS NOT NULL THEN pt.supplier_id END,
       o.currency,
       count(DISTINCT o.id),
       sum(l.quantity),
       coalesce(sum(l.quantity) FILTER (WHERE o.allocated), 0),
       sum(l.line_total),
       sum(round(l.line_total * o.rate, 2))
FROM {name} o
JOIN sales_order_line l ON l.order_id = o.id
LEFT JOIN part pt ON pt.id = l.part_id
LEFT JOIN trim t ON t.id = l.trim_id
LEFT JOIN vehicle_model m ON m.id = t.model_id
WHERE o.standing
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
"""


_DEMAND = """
INSERT INTO stock_demand_daily (day, stock_level_id, dealer_organisation_id, orders)
SELECT (o.created_at AT TIME ZONE :zone)::date, l.stock_level_id, b.organisation_id, count(DISTINCT o.id)
FROM sales_order o
JOIN location b ON b.id = o.buyer_location_id
JOIN sales_order_line l ON l.order_id = o.id
WHERE o.created_at >= :start AND o.created_at < :end {dealer_clause}
GROUP BY 1, 2, 3
"""


def write_range(
    session: Session,
    first: date,
    last: date,
    start: datetime,
    end: datetime,
    dealer_ids: Collection[int] | None = None,
) -> tuple[int, int]:
    """Insert the facts of the orders placed in [start, end) (the UTC bounds of the reporting days
    `first`..`last`), of `dealer_ids` when given. The caller has deleted those days' facts.
    Returns (order fact rows, line fact rows). Raises ValidationFailed `fx.rate_missing` (field
    `currency`) before writing anything when an order's currency has no rate on or before its day."""
    settings = get_settings()
    name = f"analytics_orders_{first:%Y%m%d}_{last:%Y%m%d}"
    params: dict = {
        "zone": settings.reporting_time_zone,
        "reporting": settings.reporting_currency,
        "start": start,
        "end": end,
    }
    if dealer_ids is None:
        dealer_clause, demand_clause = "TRUE", ""
    else:
        dealer_clause = "dealer_organisation_id = ANY(:dealers)"
        demand_clause = "AND b.organisation_id = ANY(:dealers)"
        params["dealers"] = sorted(dealer_ids)
    session.execute(text(f"DROP TABLE IF EXISTS {name}"))
    session.execute(text(_ORDERS.format(name=name, dealer_clause=dealer_clause)), params)
    missing = session.execute(text(_MISSING_RATE.format(name=name))).first()
    if missing is not None:
        raise ValidationFailed(
            "fx.rate_missing", field="currency", currency=missing.currency, day=missing.day.isoformat()
        )
    order_rows = session.execute(text(_ORDER_FACTS.format(name=name))).rowcount
    line_rows = session.execute(text(_LINE_FACTS.format(name=name))).rowcount
    session.execute(text(f"DROP TABLE {name}"))
    session.execute(text(_DEMAND.format(dealer_clause=demand_clause)), params)
    return order_rows, line_rows
