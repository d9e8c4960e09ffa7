"""What a manager picks from when issuing a purchase order or reporting a field complaint:
suppliers (with their standing and block), a supplier's parts, the manager's own warehouses.

Managers only (PermissionDenied otherwise); each list is bounded by `limit`.
"""

from __future__ import annotations

from sqlalchemy import func, or_
from sqlmodel import Session, select

from models import (
    Location,
    LocationKind,
    Organisation,
    OrganisationKind,
    Part,
    SupplierControl,
    SupplierScorecard,
)
from models.supply import PeriodKind
from services.identity.auth import Principal
from services.platform.fields import record_id
from services.supply.access import require_manager

MAX_CHOICES = 500


def _like(text: str) -> str:
    escaped = text.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def supplier_choices(
    session: Session,
    principal: Principal,
    *,
    text: str | None = None,
    supplier_id: int | None = None,
    limit: int = 100,
) -> list[dict]:
    """Suppliers by name (matching `text`, or the one `supplier_id`, when given): id, name, country,
    currency, whether blocked (and why), and the latest rolling-12-month standing and score (None
    before any scoring)."""
    require_manager(principal)
    limit = max(1, min(int(limit), MAX_CHOICES))
    latest = (
        select(SupplierScorecard.supplier_id, func.max(SupplierScorecard.period).label("period"))
        .where(SupplierScorecard.period_kind == PeriodKind.ROLLING_12)
        .group_by(SupplierScorecard.supplier_id)
        .subquery()
    )
    statement = (
        select(
            Organisation,
            SupplierControl.blocked,
            SupplierControl.reason,
            SupplierScorecard.standing,
            SupplierScorecard.score,
        )
        .outerjoin(SupplierControl, SupplierControl.supplier_id == Organisation.id)
        .outerjoin(latest, latest.c.supplier_id == Organisation.id)
        .outerjoin(
            SupplierScorecard,
            (SupplierScorecard.supplier_id == Organisation.id)
            & (SupplierScorecard.period_kind == PeriodKind.ROLLING_12)
            & (SupplierScorecard.period == latest.c.period),
        )
        .where(Organisation.kind == OrganisationKind.SUPPLIER)
        .order_by(Organisation.name, Organisation.id)
        .limit(limit)
    )
    if text and text.strip():
        statement = statement.where(
            or_(
                func.lower(Organisation.name).like(_like(text), escape="\\"),
                func.lower(Organisation.name_zh).like(_like(text), escape="\\"),
            )
        )
    if supplier_id is not None:
        statement = statement.where(Organisation.id == record_id(supplier_id, "supplier_id"))
    return [
        {
            "id": organisation.id,
            "name": organisation.name,
            "name_zh": organisation.name_zh or "",
            "country": organisation.country,
            "currency": organisation.currency,
            "blocked": bool(blocked),
            "blocked_reason": reason or "",
            "standing": standing,
            "score": score,
        }
        for organisation, blocked, reason, standing, score in session.exec(statement)
    ]


def supplier_parts(
    session: Session, principal: Principal, supplier_id: int, *, text: str | None = None, limit: int = 200
) -> list[dict]:
    """The parts a supplier supplies, by SKU (matching `text` in SKU or name when given):
    id, sku, name, unit, list price (Decimal) and currency."""
    require_manager(principal)
    supplier_id = record_id(supplier_id, "supplier_id")
    limit = max(1, min(int(limit), MAX_CHOICES))
    statement = select(Part).where(Part.supplier_id == supplier_id).order_by(Part.sku).limit(limit)
    if text and text.strip():
        pattern = _like(text)
        statement = statement.where(
            or_(
                func.lower(Part.sku).like(pattern, escape="\\"),
                func.lower(Part.name).like(pattern, escape="\\"),
                func.lower(Part.name_zh).like(pattern, escape="\\"),
            )
        )
    return [
        {
            "id": part.id,
            "sku": part.sku,
            "name": part.name,
            "name_zh": part.name_zh or "",
            "unit": part.unit,
            "list_price": part.list_price,
            "currency": part.currency,
        }
        for part in session.exec(statement)
    ]


def ship_to_warehouses(session: Session, principal: Principal) -> list[dict]:
    """The manager's own organisation's warehouses (where purchase orders may ship to)."""
    require_manager(principal)
    rows = session.exec(
        select(Location)
        .where(Location.organisation_id == principal.organisation_id, Location.kind == LocationKind.WAREHOUSE)
        .order_by(Location.name)
    )
    return [
        {
            "id": location.id,
            "name": location.name,
            "name_zh": location.name_zh or "",
            "code": location.code,
            "city": location.city,
            "time_zone": location.time_zone,
        }
        for location in rows
    ]


def part_categories_supplied(session: Session, principal: Principal) -> list[str]:
    """Every part category some supplier supplies (the ranking's category filter)."""
    require_manager(principal)
    return list(session.exec(select(Part.category).distinct().order_by(Part.category)))
