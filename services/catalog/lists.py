"""Reading the catalogue and stock, scoped and paginated, as plain dictionaries."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_
from sqlmodel import Session, select

from models import (
    Location,
    LocationKind,
    Organisation,
    OrganisationKind,
    Part,
    Role,
    StockLevel,
    Trim,
    VehicleModel,
)
from models.settings import get_settings
from services.identity.access import location_scope, part_scope
from services.identity.auth import Principal
from services.platform.errors import ValidationFailed

MAX_PAGE_SIZE = 200


@dataclass(frozen=True)
class Page:
    number: int = 1
    size: int = 50

    def __post_init__(self) -> None:
        if self.number < 1:
            raise ValidationFailed("page.number_invalid", field="page")
        if not 1 <= self.size <= MAX_PAGE_SIZE:
            raise ValidationFailed("page.size_invalid", field="page_size", max=MAX_PAGE_SIZE)

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size


def like_pattern(text: str) -> str:
    """`%text%` lower-cased, with the wildcards of LIKE escaped by a backslash."""
    escaped = text.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


_like = like_pattern


def _paged(session: Session, statement, page: Page) -> tuple[list, int]:
    total = session.exec(select(func.count()).select_from(statement.order_by(None).subquery())).one()
    rows = session.exec(statement.offset(page.offset).limit(page.size)).all()
    return rows, total


def list_parts(
    session: Session,
    principal: Principal,
    *,
    page: Page,
    category: str | None = None,
    text: str | None = None,
) -> tuple[list[dict], int]:
    """Parts the principal may read (a supplier: its own), filtered, by SKU; and the total count."""
    statement = (
        select(Part, Organisation.name, Organisation.name_zh)
        .join(Organisation, Organisation.id == Part.supplier_id)
        .where(part_scope(principal))
        .order_by(Part.sku)
    )
    if category:
        statement = statement.where(Part.category == category)
    if text and text.strip():
        pattern = _like(text)
        statement = statement.where(
            or_(
                func.lower(Part.sku).like(pattern, escape="\\"),
                func.lower(Part.name).like(pattern, escape="\\"),
                func.lower(Part.name_zh).like(pattern, escape="\\"),
            )
        )
    rows, total = _paged(session, statement, page)
    available = (
        orderable_from_warehouses(session, [part.id for part, *_ in rows])
        if principal.role == Role.DEALER
        else {}
    )
    return [
        {
            "id": part.id,
            "sku": part.sku,
            "name": part.name,
            "name_zh": part.name_zh,
            "category": part.category,
            "unit": part.unit,
            "list_price": part.list_price,
            "currency": part.currency,
            "supplier_id": part.supplier_id,
            "supplier_name": supplier_name,
            "supplier_name_zh": supplier_name_zh,
            # Dealers only: what one order can get (an order ships from one OEM warehouse).
            "available": available.get(part.id, 0) if principal.role == Role.DEALER else None,
        }
        for part, supplier_name, supplier_name_zh in rows
    ], total


def orderable_from_warehouses(session: Session, part_ids: list[int]) -> dict[int, int]:
    """Part id -> the most units free (on hand - reserved) at any one OEM warehouse: what a
    dealer's order can get now, since an order ships from one warehouse
    (services/ordering/placement.py). Parts stocked nowhere are absent (0 to show)."""
    if not part_ids:
        return {}
    free = StockLevel.on_hand - StockLevel.reserved
    rows = session.exec(
        select(StockLevel.part_id, func.max(free))
        .join(Location, Location.id == StockLevel.location_id)
        .join(Organisation, Organisation.id == Location.organisation_id)
        .where(
            StockLevel.part_id.in_(part_ids),
            Location.kind == LocationKind.WAREHOUSE,
            Organisation.kind == OrganisationKind.OEM,
        )
        .group_by(StockLevel.part_id)
    ).all()
    return {part_id: max(int(most or 0), 0) for part_id, most in rows}


def part_categories(session: Session, principal: Principal) -> list[str]:
    return list(
        session.exec(
            select(Part.category).where(part_scope(principal)).distinct().order_by(Part.category)
        ).all()
    )


def list_trims(
    session: Session,
    *,
    page: Page,
    body: str | None = None,
    powertrain: str | None = None,
    text: str | None = None,
) -> tuple[list[dict], int]:
    """The showroom catalogue (public to every signed-in role), cheapest first."""
    statement = (
        select(Trim, VehicleModel)
        .join(VehicleModel, VehicleModel.id == Trim.model_id)
        .order_by(Trim.price, Trim.code)
    )
    if body:
        statement = statement.where(VehicleModel.body == body)
    if powertrain:
        statement = statement.where(Trim.powertrain == powertrain)
    if text and text.strip():
        pattern = _like(text)
        statement = statement.where(
            or_(
                func.lower(Trim.name).like(pattern, escape="\\"),
                func.lower(VehicleModel.name).like(pattern, escape="\\"),
                func.lower(Trim.name_zh).like(pattern, escape="\\"),
                func.lower(VehicleModel.name_zh).like(pattern, escape="\\"),
            )
        )
    rows, total = _paged(session, statement, page)
    return [
        {
            "id": trim.id,
            "code": trim.code,
            "model": model.name,
            "model_zh": model.name_zh,
            "model_code": model.code,
            "body": model.body,
            "name": trim.name,
            "name_zh": trim.name_zh,
            "powertrain": trim.powertrain,
            "range_km": trim.range_km,
            "consumption_l_per_100km": trim.consumption_l_per_100km,
            "power_kw": trim.power_kw,
            "price": trim.price,
            "currency": trim.currency,
            "image": trim.image,
        }
        for trim, model in rows
    ], total


def list_stock(
    session: Session,
    principal: Principal,
    *,
    page: Page,
    location_id: int | None = None,
    category: str | None = None,
    low_only: bool = False,
    text: str | None = None,
) -> tuple[list[dict], int]:
    """Stock rows at the locations the principal may read; raises PermissionDenied for customers.

    `category` keeps the part rows of that part category (whole match); `low_only` keeps the rows
    whose available units are at or under the low-stock threshold (the homes' low-stock rule)."""
    statement = (
        select(StockLevel, Location, Part.sku, Part.name, Part.name_zh, Trim.code, Trim.name, Trim.name_zh)
        .join(Location, Location.id == StockLevel.location_id)
        .outerjoin(Part, Part.id == StockLevel.part_id)
        .outerjoin(Trim, Trim.id == StockLevel.trim_id)
        .where(location_scope(principal))
        .order_by(Location.code, StockLevel.id)
    )
    if location_id is not None:
        statement = statement.where(StockLevel.location_id == location_id)
    if category:
        statement = statement.where(Part.category == category)
    if low_only:
        threshold = get_settings().low_stock_threshold
        statement = statement.where(StockLevel.on_hand - StockLevel.reserved <= threshold)
    if text and text.strip():
        pattern = _like(text)
        statement = statement.where(
            or_(
                func.lower(Part.sku).like(pattern, escape="\\"),
                func.lower(Part.name).like(pattern, escape="\\"),
                func.lower(Trim.name).like(pattern, escape="\\"),
                func.lower(Part.name_zh).like(pattern, escape="\\"),
                func.lower(Trim.name_zh).like(pattern, escape="\\"),
            )
        )
    rows, total = _paged(session, statement, page)
    return [
        {
            "location_id": location.id,
            "location_code": location.code,
            "location_name": location.name,
            "location_name_zh": location.name_zh,
            "organisation_id": location.organisation_id,
            "item_kind": "part" if stock.part_id else "trim",
            "item_code": part_sku or trim_code,
            "item_name": part_name or trim_name,
            "item_name_zh": part_name_zh if part_sku else trim_name_zh,
            "on_hand": stock.on_hand,
            "reserved": stock.reserved,
            "available": stock.on_hand - stock.reserved,
        }
        for stock, location, part_sku, part_name, part_name_zh, trim_code, trim_name, trim_name_zh in rows
    ], total


def stock_locations(session: Session, principal: Principal) -> list[dict]:
    """The locations the principal may read stock at (the stock list's location filter), by code."""
    rows = session.exec(
        select(Location.id, Location.code, Location.name, Location.name_zh)
        .where(location_scope(principal))
        .order_by(Location.code)
    ).all()
    return [
        {"id": location_id, "code": code, "name": name, "name_zh": name_zh}
        for location_id, code, name, name_zh in rows
    ]


def stock_categories(session: Session, principal: Principal) -> list[str]:
    """The part categories held in stock at the locations the principal may read."""
    return list(
        session.exec(
            select(Part.category)
            .join(StockLevel, StockLevel.part_id == Part.id)
            .join(Location, Location.id == StockLevel.location_id)
            .where(location_scope(principal))
            .distinct()
            .order_by(Part.category)
        ).all()
    )
