"""Small set-based queries behind the role homes' charts and showroom stock, scoped like every read."""

from __future__ import annotations

from sqlalchemy import case, func
from sqlmodel import Session, select

from models import Location, Part, StockLevel
from services.identity.access import location_scope
from services.identity.auth import Principal


def units_by_location_kind(session: Session, principal: Principal) -> list[dict]:
    """Units on hand per kind of location (warehouse, store, plant) the principal may read,
    split into part units and vehicle units; kinds without stock are left out."""
    is_part = StockLevel.part_id.is_not(None)
    rows = session.exec(
        select(
            Location.kind,
            func.coalesce(func.sum(case((is_part, StockLevel.on_hand), else_=0)), 0),
            func.coalesce(func.sum(case((is_part, 0), else_=StockLevel.on_hand)), 0),
        )
        .join(StockLevel, StockLevel.location_id == Location.id)
        .where(location_scope(principal))
        .group_by(Location.kind)
        .order_by(Location.kind)
    ).all()
    return [
        {"kind": kind, "part_units": int(parts), "vehicle_units": int(vehicles)}
        for kind, parts, vehicles in rows
    ]


def part_units_by_category(session: Session, principal: Principal, limit: int = 10) -> list[dict]:
    """The `limit` part categories with the most units on hand at readable locations, largest first."""
    units = func.sum(StockLevel.on_hand)
    rows = session.exec(
        select(Part.category, units)
        .join(StockLevel, StockLevel.part_id == Part.id)
        .join(Location, Location.id == StockLevel.location_id)
        .where(location_scope(principal))
        .group_by(Part.category)
        .order_by(units.desc(), Part.category)
        .limit(limit)
    ).all()
    return [{"category": category, "units": int(total or 0)} for category, total in rows]


def trim_stock(session: Session, principal: Principal) -> dict[int, dict]:
    """Vehicles per trim at the locations the principal may read (a dealer: its own stores):
    {trim_id: {"on_hand": n, "reserved": m, "available": n - m}}."""
    rows = session.exec(
        select(StockLevel.trim_id, func.sum(StockLevel.on_hand), func.sum(StockLevel.reserved))
        .join(Location, Location.id == StockLevel.location_id)
        .where(StockLevel.trim_id.is_not(None), location_scope(principal))
        .group_by(StockLevel.trim_id)
    ).all()
    return {
        trim_id: {
            "on_hand": int(on_hand or 0),
            "reserved": int(reserved or 0),
            "available": int(on_hand or 0) - int(reserved or 0),
        }
        for trim_id, on_hand, reserved in rows
    }
