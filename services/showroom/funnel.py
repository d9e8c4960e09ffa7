"""The showroom funnel: trim page views -> bookings -> show-ups -> vehicle orders, per store, trim and
week (the store's own time zone, weeks starting on Monday), and the same summed per store for the
network. Plain data in, plain data out: the KPI work reuses `funnel_rows` and `dealer_totals`.

Views are counted on the server in `trim_view_count` (models/showroom.py); bookings are the drives
booked for that week (any status), show-ups the checked-in or completed ones, orders the sales orders
whose `test_drive_id` names one of those drives.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from models.accounts import Organisation, Role
from models.inventory import Location
from models.orders import SalesOrder
from models.showroom import TestDrive, TestDriveStatus, TrimViewCount
from services.identity.access import require_role
from services.identity.auth import Principal
from services.platform.errors import ValidationFailed

NO_DEALER = 0  # the location_id of views with no dealer chosen
SHOWED_UP = (TestDriveStatus.CHECKED_IN.value, TestDriveStatus.COMPLETED.value)


def record_trim_view(
    session: Session, trim_id: int, location_id: int | None, *, now: datetime | None = None
) -> None:
    """Count one view of a trim page (for that store, or none chosen) on the store's local day:
    one atomic INSERT .. ON CONFLICT DO UPDATE views = views + 1, safe under concurrency; commits."""
    now = now or datetime.now(UTC)
    zone = "UTC"
    if location_id:
        zone = session.exec(select(Location.time_zone).where(Location.id == location_id)).scalar() or "UTC"
    day = now.astimezone(ZoneInfo(zone)).date()
    table = TrimViewCount.__table__
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(table).values(location_id=location_id or NO_DEALER, trim_id=trim_id, day=day, views=1)
    statement = statement.on_conflict_do_update(
        index_elements=["location_id", "trim_id", "day"], set_={"views": table.c.views + 1}
    )
    session.exec(statement)
    session.commit()


def week_of(day: date) -> date:
    """The Monday starting `day`'s week."""
    return day - timedelta(days=day.weekday())


class _Rates:
    """The rates between a funnel's steps (None where the base is zero)."""

    views: int
    bookings: int
    show_ups: int
    orders: int

    @property
    def booking_rate(self) -> float | None:
        return _rate(self.bookings, self.views)

    @property
    def show_up_rate(self) -> float | None:
        return _rate(self.show_ups, self.bookings)

    @property
    def order_rate(self) -> float | None:
        return _rate(self.orders, self.show_ups)


@dataclass(frozen=True)
class FunnelRow(_Rates):
    location_id: int
    trim_id: int
    week: date
    views: int
    bookings: int
    show_ups: int
    orders: int

    def as_dict(self) -> dict:
        return asdict(self) | {
            "week": self.week.isoformat(),
            "booking_rate": self.booking_rate,
            "show_up_rate": self.show_up_rate,
            "order_rate": self.order_rate,
        }


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def visible_stores(session: Session, principal: Principal) -> dict[int, str]:
    """The stores `principal` may see the funnel of, id -> time zone: a dealer its own, managers and
    admins the whole network; anyone else is refused (PermissionDenied)."""
    require_role(principal, Role.DEALER, Role.MANAGER, Role.ADMIN)
    query = select(Location.id, Location.time_zone).where(Location.kind == "store")
    if principal.role == Role.DEALER:
        query = query.where(Location.organisation_id == principal.organisation_id)
    return {row.id: row.time_zone for row in session.exec(query).all()}


def funnel_rows(
    session: Session,
    principal: Principal,
    *,
    location_id: int | None = None,
    trim_id: int | None = None,
    start: date | None = None,
    end: date | None = None,
) -> list[FunnelRow]:
    """Per store, trim and week, for the local days [start, end] (both optional, inclusive)."""
    stores = visible_stores(session, principal)
    if location_id is not None:
        stores = {k: v for k, v in stores.items() if k == location_id}
    if not stores:
        return []
    cells: dict[tuple[int, int, date], list[int]] = {}

    def cell(loc: int, trim: int, day: date) -> list[int] | None:
        if (start and day < start) or (end and day > end) or (trim_id is not None and trim != trim_id):
            return None
        return cells.setdefault((loc, trim, week_of(day)), [0, 0, 0, 0])

    views = select(TrimViewCount.location_id, TrimViewCount.trim_id, TrimViewCount.day, TrimViewCount.views)
    views = views.where(TrimViewCount.location_id.in_(list(stores)))
    for row in session.exec(views).all():
        if (target := cell(row.location_id, row.trim_id, row.day)) is not None:
            target[0] += row.views

    ordered = select(SalesOrder.test_drive_id).where(SalesOrder.test_drive_id.is_not(None))
    drives = select(
        TestDrive.location_id,
        TestDrive.trim_id,
        TestDrive.starts_at,
        TestDrive.status,
        TestDrive.id.in_(ordered).label("ordered"),
    ).where(TestDrive.location_id.in_(list(stores)))
    if start:
        drives = drives.where(
            TestDrive.starts_at >= datetime.combine(start, datetime.min.time(), UTC) - timedelta(days=1)
        )
    if end:
        drives = drives.where(
            TestDrive.starts_at < datetime.combine(end, datetime.min.time(), UTC) + timedelta(days=2)
        )
    for row in session.exec(drives).all():
        starts_at = row.starts_at if row.starts_at.tzinfo else row.starts_at.replace(tzinfo=UTC)
        local_day = starts_at.astimezone(ZoneInfo(stores[row.location_id])).date()
        if (target := cell(row.location_id, row.trim_id, local_day)) is None:
            continue
        target[1] += 1
        if row.status in SHOWED_UP:
            target[2] += 1
        if row.ordered:
            target[3] += 1
    return [FunnelRow(loc, trim, week, *counts) for (loc, trim, week), counts in sorted(cells.items())]


def dealer_totals(rows: list[FunnelRow]) -> list[FunnelRow]:
    """The same figures summed per store over every trim and week (trim_id 0, week of the first row)."""
    totals: dict[int, list] = {}
    for row in rows:
        t = totals.setdefault(row.location_id, [row.week, 0, 0, 0, 0])
        t[0] = min(t[0], row.week)
        t[1] += row.views
        t[2] += row.bookings
        t[3] += row.show_ups
        t[4] += row.orders
    return [FunnelRow(loc, 0, week, *counts) for loc, (week, *counts) in sorted(totals.items())]


def weekly_totals(rows: list[FunnelRow]) -> list[FunnelRow]:
    """Summed per week over the given stores and trims (location_id and trim_id 0): the trend."""
    weeks: dict[date, list[int]] = {}
    for row in rows:
        w = weeks.setdefault(row.week, [0, 0, 0, 0])
        for i, value in enumerate((row.views, row.bookings, row.show_ups, row.orders)):
            w[i] += value
    return [FunnelRow(0, 0, week, *counts) for week, counts in sorted(weeks.items())]


# --- the network, per dealer store (the managers' funnel page and the KPI work) ---------------------

PERIOD_WEEKS = (4, 12, 26)  # the periods the managers' page offers


def period_of(weeks: int, today: date) -> tuple[date, date]:
    """The local days of the last `weeks` weeks, the current one whole: from the Monday `weeks - 1`
    weeks before this one to this week's Sunday (so a store ahead of UTC loses none of its day)."""
    monday = week_of(today)
    return monday - timedelta(weeks=weeks - 1), monday + timedelta(days=6)


@dataclass(frozen=True)
class DealerFunnel(_Rates):
    """One store's funnel over a period: its figures, the rates between steps (None where the base is
    zero), and the names a manager reads it by."""

    location_id: int
    store_name: str
    dealer_name: str
    city: str
    views: int
    bookings: int
    show_ups: int
    orders: int
    store_name_zh: str = ""
    dealer_name_zh: str = ""

    def as_dict(self) -> dict:
        return asdict(self) | {
            "booking_rate": self.booking_rate,
            "show_up_rate": self.show_up_rate,
            "order_rate": self.order_rate,
        }


def _local_days_clause(stores: dict[int, str], start: date | None, end: date | None):
    """WHERE on TestDrive: it starts on a local day in [start, end] of its own store's zone. One
    (store set, UTC bounds) term per zone, so the filter is exact and still a plain range scan."""
    if start is None and end is None:
        return TestDrive.location_id.in_(list(stores))
    by_zone: dict[str, list[int]] = {}
    for location_id, zone in stores.items():
        by_zone.setdefault(zone or "UTC", []).append(location_id)
    terms = []
    for zone, ids in sorted(by_zone.items()):
        term = [TestDrive.location_id.in_(ids)]
        if start is not None:
            term.append(TestDrive.starts_at >= datetime.combine(start, time(), ZoneInfo(zone)))
        if end is not None:
            after = datetime.combine(end + timedelta(days=1), time(), ZoneInfo(zone))
            term.append(TestDrive.starts_at < after)
        terms.append(and_(*term))
    return or_(*terms)


def dealer_funnel(
    session: Session,
    principal: Principal,
    *,
    trim_id: int | None = None,
    start: date | None = None,
    end: date | None = None,
) -> list[DealerFunnel]:
    """Every store `principal` may see (visible_stores: managers and admins the network, a dealer its
    own; PermissionDenied for anyone else), with its views, bookings, show-ups and orders for the local
    days [start, end] (both optional, inclusive) and one trim or all. One SQL statement: the views and
    the drives each grouped per store, joined onto the stores, so stores without activity show zeros.
    The figures are the ones `dealer_totals(funnel_rows(...))` gives for the same arguments."""
    stores = visible_stores(session, principal)
    if not stores:
        return []
    views = select(TrimViewCount.location_id, func.sum(TrimViewCount.views).label("views")).where(
        TrimViewCount.location_id.in_(list(stores))
    )
    if start is not None:
        views = views.where(TrimViewCount.day >= start)
    if end is not None:
        views = views.where(TrimViewCount.day <= end)
    if trim_id is not None:
        views = views.where(TrimViewCount.trim_id == trim_id)
    views = views.group_by(TrimViewCount.location_id).subquery("views")

    ordered = select(SalesOrder.test_drive_id).where(SalesOrder.test_drive_id.is_not(None))
    drives = select(
        TestDrive.location_id,
        func.count().label("bookings"),
        func.sum(case((TestDrive.status.in_(SHOWED_UP), 1), else_=0)).label("show_ups"),
        func.sum(case((TestDrive.id.in_(ordered), 1), else_=0)).label("orders"),
    ).where(_local_days_clause(stores, start, end))
    if trim_id is not None:
        drives = drives.where(TestDrive.trim_id == trim_id)
    drives = drives.group_by(TestDrive.location_id).subquery("drives")

    query = (
        select(
            Location.id,
            Location.name,
            Location.city,
            Organisation.name.label("dealer_name"),
            func.coalesce(views.c.views, 0),
            func.coalesce(drives.c.bookings, 0),
            func.coalesce(drives.c.show_ups, 0),
            func.coalesce(drives.c.orders, 0),
            Location.name_zh,
            Organisation.name_zh,
        )
        .join(Organisation, Organisation.id == Location.organisation_id)
        .outerjoin(views, views.c.location_id == Location.id)
        .outerjoin(drives, drives.c.location_id == Location.id)
        .where(Location.id.in_(list(stores)))
        .order_by(Organisation.name, Location.name, Location.id)
    )
    return [
        DealerFunnel(
            location_id=row[0],
            store_name=row[1],
            city=row[2],
            dealer_name=row[3],
            views=int(row[4]),
            bookings=int(row[5]),
            show_ups=int(row[6]),
            orders=int(row[7]),
            store_name_zh=row[8] or "",
            dealer_name_zh=row[9] or "",
        )
        for row in session.exec(query).all()
    ]


def network_total(dealers: list[DealerFunnel]) -> FunnelRow:
    """The network's funnel: the stores' figures summed (location, trim 0; the week is not used)."""
    sums = [sum(getattr(d, f) for d in dealers) for f in ("views", "bookings", "show_ups", "orders")]
    return FunnelRow(0, 0, date.min, *sums)


def store_weeks(rows: list[FunnelRow]) -> list[FunnelRow]:
    """Summed per store and week over the trims (trim_id 0): each store's trend, and the network's
    through `weekly_totals`."""
    cells: dict[tuple[int, date], list[int]] = {}
    for row in rows:
        cell = cells.setdefault((row.location_id, row.week), [0, 0, 0, 0])
        for i, value in enumerate((row.views, row.bookings, row.show_ups, row.orders)):
            cell[i] += value
    return [FunnelRow(loc, 0, week, *counts) for (loc, week), counts in sorted(cells.items())]


MAX_PERIOD_WEEKS = 104


@dataclass(frozen=True)
class NetworkFunnel:
    """The managers' view over a period: each store's figures and each store's weeks."""

    start: date
    end: date
    dealers: list[DealerFunnel]
    weeks: list[FunnelRow]  # per store and week (trim_id 0)


def network_viewer(principal: Principal) -> Principal:
    """The principal if it may read the managers' funnel (managers, admins); PermissionDenied else."""
    return require_role(principal, Role.MANAGER, Role.ADMIN)


def network_funnel(
    session: Session,
    principal: Principal,
    *,
    weeks: int,
    trim_id: int | None = None,
    today: date | None = None,
) -> NetworkFunnel:
    """The funnel of every store of the network over the last `weeks` weeks (period_of), for one trim
    or all: for managers and admins only (PermissionDenied otherwise); ValidationFailed
    (`funnel.weeks_invalid`, field `weeks`) outside 1..MAX_PERIOD_WEEKS."""
    network_viewer(principal)
    if not 1 <= weeks <= MAX_PERIOD_WEEKS:
        raise ValidationFailed("funnel.weeks_invalid", "weeks", max=MAX_PERIOD_WEEKS)
    start, end = period_of(weeks, today or datetime.now(UTC).date())
    dealers = dealer_funnel(session, principal, trim_id=trim_id, start=start, end=end)
    rows = funnel_rows(session, principal, trim_id=trim_id, start=start, end=end)
    return NetworkFunnel(start, end, dealers, store_weeks(rows))
