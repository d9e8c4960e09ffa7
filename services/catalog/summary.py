"""The catalogue and stock summary behind every role's home, computed set-based and cached."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import BigInteger, case, cast, func
from sqlmodel import Session, select

from models import Location, Organisation, OrganisationKind, Part, StockLevel, Trim, VehicleModel
from models.settings import get_settings
from models.types import utcnow
from services.identity.access import sees_whole_network
from services.identity.auth import Principal
from services.platform import cache

CACHE_KEY = "summary:v1"
_EMPTY = {
    "locations": 0,
    "part_units_on_hand": 0,
    "part_units_reserved": 0,
    "vehicle_units_on_hand": 0,
    "vehicle_units_reserved": 0,
    "low_stock_items": 0,
    "stock_value": {},
}


def compute_summary(session: Session) -> dict:
    """Every figure the homes show, from the database, as a JSON-ready dict (money as strings)."""
    low = get_settings().low_stock_threshold
    catalogue = {
        "parts": session.exec(select(func.count()).select_from(Part)).one(),
        "categories": session.exec(select(func.count(func.distinct(Part.category)))).one(),
        "trims": session.exec(select(func.count()).select_from(Trim)).one(),
        "models": session.exec(select(func.count()).select_from(VehicleModel)).one(),
        "suppliers": _count_kind(session, OrganisationKind.SUPPLIER),
        "dealers": _count_kind(session, OrganisationKind.DEALER),
    }
    is_part = StockLevel.part_id.is_not(None)
    available = StockLevel.on_hand - StockLevel.reserved
    units = session.exec(
        select(
            Location.organisation_id,
            func.count(func.distinct(Location.id)),
            func.coalesce(func.sum(case((is_part, StockLevel.on_hand), else_=0)), 0),
            func.coalesce(func.sum(case((is_part, StockLevel.reserved), else_=0)), 0),
            func.coalesce(func.sum(case((is_part, 0), else_=StockLevel.on_hand)), 0),
            func.coalesce(func.sum(case((is_part, 0), else_=StockLevel.reserved)), 0),
            func.coalesce(func.sum(case((available <= low, 1), else_=0)), 0),
        )
        .join(StockLevel, StockLevel.location_id == Location.id)
        .group_by(Location.organisation_id)
    ).all()
    by_organisation: dict[str, dict] = {}
    for org_id, locations, p_on, p_res, v_on, v_res, low_items in units:
        by_organisation[str(org_id)] = {
            "locations": locations,
            "part_units_on_hand": int(p_on),
            "part_units_reserved": int(p_res),
            "vehicle_units_on_hand": int(v_on),
            "vehicle_units_reserved": int(v_res),
            "low_stock_items": int(low_items),
            "stock_value": {},
        }
    for org_id, currency, value in _stock_values(session):
        figures = by_organisation.setdefault(str(org_id), {**_EMPTY, "stock_value": {}})
        figures["stock_value"][currency] = str(Decimal(value).quantize(Decimal("0.01")))
    for org_id, supplied in session.exec(
        select(Part.supplier_id, func.count()).group_by(Part.supplier_id)
    ).all():
        by_organisation.setdefault(str(org_id), {**_EMPTY, "stock_value": {}})["parts_supplied"] = supplied
    return {
        "computed_at": utcnow().isoformat(),
        "low_stock_threshold": low,
        "catalogue": catalogue,
        "network": _total(by_organisation.values()),
        "by_organisation": by_organisation,
    }


def _count_kind(session: Session, kind: str) -> int:
    return session.exec(select(func.count()).select_from(Organisation).where(Organisation.kind == kind)).one()


def _cents(price):
    """A price as whole minor units in SQL. SQLite keeps NUMERIC as a float, so summing prices
    there drifts by cents; a sum of integers is exact on both databases."""
    return cast(func.round(price * 100), BigInteger)


def _stock_values(session: Session):
    parts = (
        select(
            Location.organisation_id, Part.currency, func.sum(StockLevel.on_hand * _cents(Part.list_price))
        )
        .join(StockLevel, StockLevel.location_id == Location.id)
        .join(Part, Part.id == StockLevel.part_id)
        .group_by(Location.organisation_id, Part.currency)
    )
    trims = (
        select(Location.organisation_id, Trim.currency, func.sum(StockLevel.on_hand * _cents(Trim.price)))
        .join(StockLevel, StockLevel.location_id == Location.id)
        .join(Trim, Trim.id == StockLevel.trim_id)
        .group_by(Location.organisation_id, Trim.currency)
    )
    totals: dict[tuple[int, str], Decimal] = {}
    for org_id, currency, value in [*session.exec(parts).all(), *session.exec(trims).all()]:
        key = (org_id, currency)
        totals[key] = totals.get(key, Decimal(0)) + Decimal(int(value or 0)).scaleb(-2)
    return [(org_id, currency, value) for (org_id, currency), value in sorted(totals.items())]


def _total(rows) -> dict:
    total = {**_EMPTY, "stock_value": {}}
    for figures in rows:
        for key in (
            "locations",
            "part_units_on_hand",
            "part_units_reserved",
            "vehicle_units_on_hand",
            "vehicle_units_reserved",
            "low_stock_items",
        ):
            total[key] += figures[key]
        for currency, value in figures["stock_value"].items():
            total["stock_value"][currency] = str(
                Decimal(total["stock_value"].get(currency, "0")) + Decimal(value)
            )
    return total


def refresh_summary(session: Session) -> dict:
    """Recompute the summary and put it in the cache; returns it.

    Redis holds it at once; in embedded mode the cache row is written in `session`'s transaction,
    so it is kept when the caller commits (a worker's `session_scope` does).
    """
    summary = compute_summary(session)
    cache.put(CACHE_KEY, summary, ttl_seconds=max(get_settings().cache_ttl_seconds, 3600), session=session)
    return summary


def cached_summary(session: Session) -> dict:
    """The cached summary, computed and cached on a miss."""
    return cache.get(CACHE_KEY, session=session) or refresh_summary(session)


def home_figures(session: Session, principal: Principal) -> dict:
    """The figures for `principal`'s home: the whole network for managers and admins, the own
    organisation for suppliers and dealers, the catalogue alone for customers."""
    summary = cached_summary(session)
    figures = {
        "computed_at": summary["computed_at"],
        "catalogue": summary["catalogue"],
        "low_stock_threshold": summary["low_stock_threshold"],
    }
    if sees_whole_network(principal):
        figures["stock"] = summary["network"]
    elif principal.role in ("supplier", "dealer"):
        figures["stock"] = summary["by_organisation"].get(
            str(principal.organisation_id), {**_EMPTY, "stock_value": {}}
        )
    return figures
