"""What people read about shipments: a scoped list, one shipment's timeline with its ETA, and the
public look-up by tracking number and the delivery postcode or the order's last name.

Scoping (services/identity/access.py's rule): a customer reads the shipments of its own orders,
a dealer those going to its stores, managers and admins all; suppliers none. Another's shipment
answers NotFound, exactly like one that does not exist.
"""

from __future__ import annotations

import hmac
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, and_, exists, func, or_, select, true, union
from sqlmodel import Session

from models import Location, Role, SalesOrder, Shipment, ShipmentEvent, ShipmentLeg, TrackingStatus, User
from models.types import utcnow
from services.catalog.lists import Page
from services.identity.auth import Principal
from services.platform.errors import NotFound, PermissionDenied, ValidationFailed

_SHIPMENTS, _ORDERS, _EVENTS, _LEGS = (
    Shipment.__table__,
    SalesOrder.__table__,
    ShipmentEvent.__table__,
    ShipmentLeg.__table__,
)
_LOCATIONS = Location.__table__
_USERS = User.__table__
TRACKING_MISS = "tracking.not_found"
_POSTCODE_NOISE = re.compile(r"[\s-]+")
# Compared against when the number is unknown, so a miss costs what a wrong postcode costs.
_NO_POSTCODE = "\x00" * 12
_NO_NAME = "\x00" * 24
_NAME_NOISE = re.compile(r"[\s\-'’.]+")
MIN_LAST_NAME, MAX_LAST_NAME = 1, 100  # 王 is a whole family name


def shipment_scope(principal: Principal) -> ColumnElement[bool]:
    """A WHERE clause (on shipment joined to its sales_order) limiting rows to what `principal`
    may read. Raises PermissionDenied for suppliers."""
    if principal.role in (Role.MANAGER, Role.ADMIN):
        return true()
    if principal.role == Role.CUSTOMER:
        return _ORDERS.c.buyer_user_id == principal.user_id
    if principal.role == Role.DEALER:
        return exists().where(
            _LOCATIONS.c.id == _SHIPMENTS.c.to_location_id,
            _LOCATIONS.c.organisation_id == principal.organisation_id,
        )
    raise PermissionDenied("access.denied")


@dataclass(frozen=True)
class ShipmentSummary:
    id: int
    order_id: int
    order_number: str | None
    tracking_number: str | None
    carrier: str | None
    status: str
    exception_reason: str | None
    vin: str | None
    to_location_id: int
    last_event_at: datetime | None
    eta: datetime | None
    eta_earliest: datetime | None
    eta_latest: datetime | None
    promised_at: datetime | None
    promise_at_risk: bool
    late: bool


@dataclass(frozen=True)
class TimelineEvent:
    occurred_at: datetime
    status: str
    exception_reason: str | None
    carrier: str
    raw_code: str
    raw_text: str
    country: str | None
    postcode: str | None
    locality: str | None
    latitude: float | None
    longitude: float | None
    source: str
    leg_sequence: int | None


@dataclass(frozen=True)
class LegView:
    sequence: int
    mode: str
    carrier: str
    tracking_number: str
    origin: str
    destination: str
    planned_hours: float
    departed_at: datetime | None
    arrived_at: datetime | None


@dataclass(frozen=True)
class ShipmentDetail:
    summary: ShipmentSummary
    legs: list[LegView] = field(default_factory=list)
    timeline: list[TimelineEvent] = field(default_factory=list)


_SUMMARY_COLUMNS = (
    _SHIPMENTS.c.id,
    _SHIPMENTS.c.order_id,
    _ORDERS.c.number,
    _SHIPMENTS.c.tracking_number,
    _SHIPMENTS.c.carrier,
    _SHIPMENTS.c.tracking_status,
    _SHIPMENTS.c.exception_reason,
    _SHIPMENTS.c.vin,
    _SHIPMENTS.c.to_location_id,
    _SHIPMENTS.c.last_event_at,
    _SHIPMENTS.c.eta,
    _SHIPMENTS.c.eta_earliest,
    _SHIPMENTS.c.eta_latest,
    _SHIPMENTS.c.promised_at,
    _SHIPMENTS.c.promise_at_risk,
)
_DONE = (TrackingStatus.DELIVERED, TrackingStatus.HANDED_OVER)


def _late_clause(now: datetime) -> ColumnElement[bool]:
    """Late: not yet delivered and the promise is past, or the ETA is after the promise."""
    return and_(
        _SHIPMENTS.c.promised_at.is_not(None),
        _SHIPMENTS.c.tracking_status.not_in(_DONE),
        or_(_SHIPMENTS.c.promised_at < now, _SHIPMENTS.c.eta > _SHIPMENTS.c.promised_at),
    )


def _summary(row, now: datetime) -> ShipmentSummary:
    late = (
        row.promised_at is not None
        and row.tracking_status not in _DONE
        and (row.promised_at < now or (row.eta is not None and row.eta > row.promised_at))
    )
    return ShipmentSummary(
        row.id,
        row.order_id,
        row.number,
        row.tracking_number,
        row.carrier,
        row.tracking_status,
        row.exception_reason,
        row.vin,
        row.to_location_id,
        row.last_event_at,
        row.eta,
        row.eta_earliest,
        row.eta_latest,
        row.promised_at,
        row.promise_at_risk,
        late,
    )


SORTS = {
    "newest": (_SHIPMENTS.c.id.desc(),),
    "oldest": (_SHIPMENTS.c.id.asc(),),
    # NULLS LAST with the index's own direction: PostgreSQL reads the index in order.
    "eta": (_SHIPMENTS.c.eta.asc().nulls_last(), _SHIPMENTS.c.id.asc()),
    "promise": (_SHIPMENTS.c.promised_at.asc().nulls_last(), _SHIPMENTS.c.id.asc()),
    "last_event": (_SHIPMENTS.c.last_event_at.desc().nulls_last(), _SHIPMENTS.c.id.desc()),
}
MAX_QUERY_LENGTH = 80


def _search_clause(text: str) -> ColumnElement[bool]:
    """A tracking number (the shipment's or a leg's), a VIN or an order number: exact, or a prefix
    of at least four characters. One indexed look-up per column, their ids unioned (an OR across
    the joined tables would scan every shipment)."""
    needle = text.strip().upper()
    if len(needle) < 4:
        matches = [
            select(_SHIPMENTS.c.id).where(_SHIPMENTS.c.tracking_number == needle),
            select(_SHIPMENTS.c.id).where(_SHIPMENTS.c.vin == needle),
            select(_SHIPMENTS.c.id)
            .join(_ORDERS, _ORDERS.c.id == _SHIPMENTS.c.order_id)
            .where(_ORDERS.c.number == needle),
        ]
    else:
        # A prefix is a range (>= needle, < needle + the highest character): an index range scan
        # under any collation, where LIKE 'x%' needs a C collation or pattern_ops.
        high = needle + "\U0010ffff"
        matches = [
            select(_SHIPMENTS.c.id).where(
                _SHIPMENTS.c.tracking_number >= needle, _SHIPMENTS.c.tracking_number < high
            ),
            select(_SHIPMENTS.c.id).where(_SHIPMENTS.c.vin >= needle, _SHIPMENTS.c.vin < high),
            select(_SHIPMENTS.c.id)
            .join(_ORDERS, _ORDERS.c.id == _SHIPMENTS.c.order_id)
            .where(_ORDERS.c.number >= needle, _ORDERS.c.number < high),
            select(_LEGS.c.shipment_id).where(_LEGS.c.tracking_number == needle),
        ]
    return _SHIPMENTS.c.id.in_(union(*matches))


def list_shipments(
    session: Session,
    principal: Principal,
    page: Page,
    *,
    carrier: str | None = None,
    status: str | None = None,
    late: bool | None = None,
    lane: str | None = None,
    query: str | None = None,
    sort: str = "newest",
) -> tuple[list[ShipmentSummary], int]:
    """The shipments `principal` may read, filtered (carrier, status, late, a lane one of its legs
    runs on, a tracking number/VIN/order number) and sorted (`SORTS`, newest first by default);
    and how many match. Raises PermissionDenied (suppliers), ValidationFailed (a status outside
    the set, an unknown sort, a query too long)."""
    if status is not None and status not in set(TrackingStatus):
        raise ValidationFailed("shipment.status_invalid", field="status")
    if sort not in SORTS:
        raise ValidationFailed("shipment.sort_invalid", field="sort")
    if query is not None and len(query) > MAX_QUERY_LENGTH:
        raise ValidationFailed("shipment.query_too_long", field="q")
    now = utcnow()
    clauses = [shipment_scope(principal)]
    if carrier:
        clauses.append(_SHIPMENTS.c.carrier == carrier)
    if status:
        clauses.append(_SHIPMENTS.c.tracking_status == status)
    if late is not None:
        clause = _late_clause(now)
        clauses.append(clause if late else ~clause)
    if lane:
        clauses.append(exists().where(_LEGS.c.shipment_id == _SHIPMENTS.c.id, _LEGS.c.lane == lane))
    if query and query.strip():
        clauses.append(_search_clause(query))
    if principal.role == Role.CUSTOMER:  # the scope reads the order: count over the join
        counted = select(func.count()).select_from(
            _SHIPMENTS.join(_ORDERS, _ORDERS.c.id == _SHIPMENTS.c.order_id)
        )
    else:  # every shipment has its order (a non-null key): no join needed to count them
        counted = select(func.count()).select_from(_SHIPMENTS)
    total = session.execute(counted.where(*clauses)).scalar_one()
    statement = select(*_SUMMARY_COLUMNS).join(_ORDERS, _ORDERS.c.id == _SHIPMENTS.c.order_id).where(*clauses)
    rows = session.execute(statement.order_by(*SORTS[sort]).offset(page.offset).limit(page.size)).all()
    return [_summary(row, now) for row in rows], total


def lanes(session: Session, principal: Principal) -> list[str]:
    """The lanes of the legs of shipments `principal` may read (the list's lane filter)."""
    return list(
        session.execute(
            select(_LEGS.c.lane)
            .join(_SHIPMENTS, _SHIPMENTS.c.id == _LEGS.c.shipment_id)
            .join(_ORDERS, _ORDERS.c.id == _SHIPMENTS.c.order_id)
            .where(shipment_scope(principal))
            .distinct()
            .order_by(_LEGS.c.lane)
            .limit(500)
        )
        .scalars()
        .all()
    )


def shipment_detail(session: Session, principal: Principal, shipment_id: int) -> ShipmentDetail:
    """One shipment with its legs and its timeline (oldest event first). Raises NotFound for a
    shipment that does not exist or that `principal` may not read; PermissionDenied (suppliers)."""
    row = session.execute(
        select(*_SUMMARY_COLUMNS)
        .join(_ORDERS, _ORDERS.c.id == _SHIPMENTS.c.order_id)
        .where(_SHIPMENTS.c.id == shipment_id, shipment_scope(principal))
    ).first()
    if row is None:
        raise NotFound("shipment.not_found", field="shipment_id")
    return _detail(session, _summary(row, utcnow()))


def _detail(session: Session, summary: ShipmentSummary) -> ShipmentDetail:
    legs = (
        session.execute(select(_LEGS).where(_LEGS.c.shipment_id == summary.id).order_by(_LEGS.c.sequence))
        .mappings()
        .all()
    )
    sequence_of = {leg["id"]: leg["sequence"] for leg in legs}
    events = (
        session.execute(
            select(_EVENTS)
            .where(_EVENTS.c.shipment_id == summary.id)
            .order_by(_EVENTS.c.occurred_at, _EVENTS.c.id)
        )
        .mappings()
        .all()
    )
    return ShipmentDetail(
        summary,
        [
            LegView(
                leg["sequence"],
                leg["mode"],
                leg["carrier"],
                leg["tracking_number"],
                leg["origin"],
                leg["destination"],
                leg["planned_hours"],
                leg["departed_at"],
                leg["arrived_at"],
            )
            for leg in legs
        ],
        [
            TimelineEvent(
                event["occurred_at"],
                event["status"],
                event["exception_reason"],
                event["carrier"],
                event["raw_code"],
                event["raw_text"],
                event["country"],
                event["postcode"],
                event["locality"],
                event["latitude"],
                event["longitude"],
                event["source"],
                sequence_of.get(event["leg_id"]),
            )
            for event in events
        ],
    )


def normalise_postcode(postcode: str) -> str:
    return _POSTCODE_NOISE.sub("", postcode).upper()


def normalise_name(name: str) -> str:
    """A name as compared: accents stripped (NFKD, combining marks dropped), case folded, words
    separated by one space (hyphens, apostrophes and dots count as spaces)."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return " ".join(_NAME_NOISE.sub(" ", plain).split())


def last_name_candidates(full_name: str, words: int) -> tuple[str, str]:
    """The family name of `full_name` as `words` words, read both ways: its last words (given
    name first) and its first words (family name first, as in Chinese or Korean). The name is
    one field, so both are accepted; the same ("", "") for a name shorter than that."""
    parts = normalise_name(full_name).split()
    if words < 1 or len(parts) < words + 1:  # the whole name is not a last name
        return "", ""
    return " ".join(parts[-words:]), " ".join(parts[:words])


def public_tracking(
    session: Session, tracking_number: str, postcode: str | None = None, *, last_name: str | None = None
) -> ShipmentDetail:
    """The public look-up: a shipment by its tracking number AND either its delivery postcode or
    the order's last name (the buyer's family name; accents and case do not matter).

    Exactly one of `postcode` and `last_name` (ValidationFailed `tracking.postcode_or_last_name`,
    field "postcode" otherwise; `tracking.last_name_invalid` for an empty one or one longer than
    100 characters). A wrong postcode or name and an unknown number raise the same NotFound
    (`tracking.not_found`, field "tracking_number") after the same work (one query, the same
    constant-time comparisons), so numbers cannot be found out by trying. Rate limiting is the
    caller's (per client address).
    """
    if (postcode is None) == (last_name is None):
        raise ValidationFailed("tracking.postcode_or_last_name", field="postcode")
    given_name = normalise_name(last_name) if last_name is not None else ""
    if last_name is not None and not MIN_LAST_NAME <= len(given_name) <= MAX_LAST_NAME:
        raise ValidationFailed("tracking.last_name_invalid", field="last_name")
    row = session.execute(
        select(*_SUMMARY_COLUMNS, _SHIPMENTS.c.delivery_postcode, _USERS.c.full_name)
        .join(_ORDERS, _ORDERS.c.id == _SHIPMENTS.c.order_id)
        .join(_USERS, _USERS.c.id == _ORDERS.c.buyer_user_id)
        .where(_SHIPMENTS.c.tracking_number == tracking_number.strip())
    ).first()
    if last_name is None:
        expected = normalise_postcode(row.delivery_postcode or "") if row is not None else _NO_POSTCODE
        given = normalise_postcode(postcode or "")
        matches = hmac.compare_digest(expected.encode(), given.encode())
    else:
        words = len(given_name.split())
        family_last, family_first = last_name_candidates(row.full_name if row is not None else "", words)
        expected = family_last  # "" when the name has no family part that long: a miss
        # Both comparisons always run (no short cut), each against a stand-in when there is none.
        last = hmac.compare_digest((family_last or _NO_NAME).encode(), given_name.encode())
        first = hmac.compare_digest((family_first or _NO_NAME).encode(), given_name.encode())
        matches = last | first
    if row is None or not matches or not expected:
        raise NotFound(TRACKING_MISS, field="tracking_number")
    return _detail(session, _summary(row, utcnow()))
