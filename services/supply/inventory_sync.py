"""Suppliers keep their available stock per part current: CSV upload (preview, then apply) and a
bulk, idempotent sync for `PUT /api/v1/supplier/stock`.

Available stock is `StockLevel.on_hand` at the supplier's plant (a Location of kind `plant` owned by
the supplier; the first by id unless `location_id` names another of its plants).

CSV rules: UTF-8 (a BOM is fine), at most MAX_CSV_BYTES (checked before anything is parsed), a
header with the columns `sku` and `available` (any order, case-insensitive; other columns such as
`name` are ignored), one row per SKU. A row is valid when its SKU is one of the supplier's parts,
`available` is a whole number 0..MAX_AVAILABLE, not below what is reserved there, and the SKU has
not appeared on an earlier row. Rows are numbered as a spreadsheet shows them (the header is row 1).

Bad files (too big, not UTF-8, missing columns, no data rows, too many rows) raise ValidationFailed
with field `file` before anything changes; `preview_stock_csv` changes nothing ever; `apply_stock_csv`
writes the valid rows in one transaction, and refuses (changing nothing) when none is valid.
`sync_stock` is all-or-nothing: one bad item and nothing is written.

Set-based: one query looks up every SKU (in chunks), one reads the plant's current stock, and one
upsert writes all rows (`INSERT ... SELECT FROM unnest(...) ON CONFLICT DO UPDATE` on PostgreSQL,
`executemany` of the same upsert on SQLite), touching only rows whose value changes.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlmodel import Session, select

from models import Location, LocationKind, Organisation, Part, StockLevel, SupplierStockSync
from models.types import utcnow
from services.identity.auth import Principal
from services.platform import audit, outbox
from services.platform.csv_files import decode_text
from services.platform.errors import NotFound, ValidationFailed
from services.platform.fields import all_or_nothing, record_id
from services.supply.access import require_supplier

MAX_CSV_BYTES = 20 * 1024 * 1024
MAX_ROWS = 200_000
MAX_AVAILABLE = 1_000_000_000
REQUIRED_COLUMNS = ("sku", "available")
TEMPLATE_COLUMNS = ("sku", "name", "available")
MAX_REPORTED_ERRORS = 1000
_CHUNK = 5000


@dataclass
class StockRows:
    """The outcome of checking rows: what would be applied and what is wrong, row by row."""

    location_id: int
    rows_total: int = 0
    valid: list[dict] = field(default_factory=list)  # {row, sku, part_id, available, current}
    errors: list[dict] = field(default_factory=list)  # {row, field, code, params}
    error_count: int = 0

    def add_error(self, row: int, field_name: str, code: str, **params: object) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append({"row": row, "field": field_name, "code": code, "params": params})

    def as_dict(self) -> dict:
        changes = sum(1 for row in self.valid if row["available"] != row["current"])
        return {
            "location_id": self.location_id,
            "rows_total": self.rows_total,
            "valid_rows": len(self.valid),
            "changes": changes,
            "error_count": self.error_count,
            "errors": self.errors,
            "valid": self.valid,
        }


def supplier_plant(session: Session, principal: Principal, location_id: int | None = None) -> Location:
    """The plant whose stock a supplier's user updates: `location_id` when it is one of its
    plants (NotFound otherwise), else its first plant (ValidationFailed `inventory.no_plant`)."""
    require_supplier(principal)
    if location_id is not None:
        location = session.get(Location, record_id(location_id, "location_id"))
        if (
            location is None
            or location.organisation_id != principal.organisation_id
            or location.kind != LocationKind.PLANT
        ):
            raise NotFound("inventory.plant_not_found", field="location_id")
        return location
    location = session.exec(
        select(Location)
        .where(Location.organisation_id == principal.organisation_id, Location.kind == LocationKind.PLANT)
        .order_by(Location.id)
    ).first()
    if location is None:
        raise ValidationFailed("inventory.no_plant", field="location_id")
    return location


def template_csv(session: Session, principal: Principal, location_id: int | None = None) -> str:
    """The CSV template to download: `sku,name,available`, one row per part the supplier supplies,
    pre-filled with the plant's current available stock."""
    plant = supplier_plant(session, principal, location_id)
    rows = session.exec(
        select(Part.sku, Part.name, StockLevel.on_hand)
        .outerjoin(StockLevel, (StockLevel.part_id == Part.id) & (StockLevel.location_id == plant.id))
        .where(Part.supplier_id == principal.organisation_id)
        .order_by(Part.sku)
    ).all()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(TEMPLATE_COLUMNS)
    for sku, name, on_hand in rows:
        writer.writerow((sku, name, on_hand or 0))
    return buffer.getvalue()


def preview_stock_csv(
    session: Session, principal: Principal, data: bytes, *, location_id: int | None = None
) -> dict:
    """Check an uploaded CSV and change nothing. Returns {location_id, rows_total, valid_rows,
    changes, error_count, errors: [{row, field, code, params}] (the first 1,000), valid: [{row, sku,
    part_id, available, current}]}. File-level problems raise ValidationFailed (field `file`)."""
    plant = supplier_plant(session, principal, location_id)
    return _check(session, principal, plant, _read_csv(data)).as_dict()


@all_or_nothing
def apply_stock_csv(
    session: Session, principal: Principal, data: bytes, *, location_id: int | None = None
) -> dict:
    """Apply the valid rows of an uploaded CSV in one transaction (call it when the supplier
    confirms the preview). Rows with errors are skipped and reported as in the preview; a file
    with no valid row raises ValidationFailed(`inventory.no_valid_rows`) and changes nothing.
    Returns the preview's figures plus `applied` and `changed` row counts."""
    plant = supplier_plant(session, principal, location_id)
    checked = _check(session, principal, plant, _read_csv(data))
    if not checked.valid:
        raise ValidationFailed("inventory.no_valid_rows", field="file", errors=checked.error_count)
    changed = _apply(session, principal, plant, checked.valid, source="csv")
    result = checked.as_dict()
    result.pop("valid")
    return {**result, "applied": len(checked.valid), "changed": changed}


@all_or_nothing
def sync_stock(
    session: Session, principal: Principal, items: list[dict], *, location_id: int | None = None
) -> dict:
    """Set available stock for a list of {sku, available} (the API's bulk PUT). All or nothing:
    any invalid item raises ValidationFailed (`inventory.items_invalid`, field of the first bad
    item such as `items.3.available`, params `errors` listing every bad item) and nothing changes.
    Idempotent: sending the same list again changes nothing. Returns {applied, changed}."""
    plant = supplier_plant(session, principal, location_id)
    if not isinstance(items, list | tuple) or not items:
        raise ValidationFailed("inventory.items_required", field="items")
    if len(items) > MAX_ROWS:
        raise ValidationFailed("inventory.too_many_rows", field="items", max=MAX_ROWS)
    rows = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            rows.append((index, None, None))
        else:
            rows.append((index, item.get("sku"), item.get("available")))
    checked = _check(session, principal, plant, rows, numbering="items")
    if checked.error_count:
        first = checked.errors[0]
        raise ValidationFailed(
            "inventory.items_invalid",
            field=f"items.{first['row']}.{first['field']}",
            errors=checked.errors,
            count=checked.error_count,
        )
    changed = _apply(session, principal, plant, checked.valid, source="api")
    return {"location_id": plant.id, "applied": len(checked.valid), "changed": changed}


# ---------------------------------------------------------------- reading the file


def _read_csv(data: bytes) -> list[tuple[int, str | None, str | None]]:
    if not isinstance(data, bytes | bytearray):
        raise ValidationFailed("inventory.file_required", field="file")
    content = decode_text(data, prefix="inventory", max_bytes=MAX_CSV_BYTES)
    reader = csv.reader(io.StringIO(content, newline=""))
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise ValidationFailed("inventory.file_not_csv", field="file") from None
    names = [name.strip().lower() for name in header]
    missing = [column for column in REQUIRED_COLUMNS if column not in names]
    if missing:
        raise ValidationFailed(
            "inventory.columns_missing",
            field="file",
            missing=", ".join(missing),
            count=len(missing),
            expected=",".join(REQUIRED_COLUMNS),
        )
    if any(names.count(column) > 1 for column in REQUIRED_COLUMNS):
        raise ValidationFailed("inventory.columns_duplicate", field="file")
    sku_at, available_at = names.index("sku"), names.index("available")
    rows = []
    try:
        for values in reader:
            if not any(value.strip() for value in values):
                continue
            if len(rows) >= MAX_ROWS:
                raise ValidationFailed("inventory.too_many_rows", field="file", max=MAX_ROWS)
            rows.append(
                (
                    reader.line_num,
                    values[sku_at] if sku_at < len(values) else None,
                    values[available_at] if available_at < len(values) else None,
                )
            )
    except csv.Error:
        raise ValidationFailed("inventory.file_not_csv", field="file", row=reader.line_num) from None
    if not rows:
        raise ValidationFailed("inventory.file_no_rows", field="file")
    return rows


def _available(value: object) -> tuple[int | None, str | None]:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, "inventory.available_required"
    if isinstance(value, bool):
        return None, "inventory.available_not_number"
    if isinstance(value, int):
        number = value
    else:
        text_value = str(value).strip()
        sign = text_value[:1] in "+-"
        digits = text_value[1:] if sign else text_value
        if digits.isdigit() and digits.isascii():
            number = int(text_value)
        else:
            try:
                float(text_value)
            except ValueError:
                return None, "inventory.available_not_number"
            if text_value.startswith("-"):
                return None, "inventory.available_negative"
            return None, "inventory.available_not_whole"
    if number < 0:
        return None, "inventory.available_negative"
    if number > MAX_AVAILABLE:
        return None, "inventory.available_too_large"
    return number, None


# ---------------------------------------------------------------- checking and applying


def _check(
    session: Session,
    principal: Principal,
    plant: Location,
    rows: list[tuple[int, object, object]],
    numbering: str = "rows",
) -> StockRows:
    result = StockRows(location_id=plant.id, rows_total=len(rows))
    skus = {str(sku).strip() for _row, sku, _available_value in rows if sku is not None and str(sku).strip()}
    parts: dict[str, tuple[int, int]] = {}
    ordered = sorted(skus)
    for start in range(0, len(ordered), _CHUNK):
        chunk = ordered[start : start + _CHUNK]
        for part_id, sku, supplier_id in session.exec(
            select(Part.id, Part.sku, Part.supplier_id).where(Part.sku.in_(chunk))
        ):
            parts[sku] = (part_id, supplier_id)
    current = {
        part_id: (on_hand, reserved)
        for part_id, on_hand, reserved in session.exec(
            select(StockLevel.part_id, StockLevel.on_hand, StockLevel.reserved).where(
                StockLevel.location_id == plant.id, StockLevel.part_id.is_not(None)
            )
        )
    }
    first_seen: dict[str, int] = {}
    for row, raw_sku, raw_available in rows:
        if raw_sku is None and raw_available is None and numbering == "items":
            result.add_error(row, "item", "inventory.item_invalid")
            continue
        sku = str(raw_sku or "").strip()
        if not sku:
            result.add_error(row, "sku", "inventory.sku_required")
            continue
        if sku in first_seen:
            result.add_error(row, "sku", "inventory.sku_duplicate", sku=sku[:40], first_row=first_seen[sku])
            continue
        first_seen[sku] = row
        found = parts.get(sku)
        if found is None:
            result.add_error(row, "sku", "inventory.sku_unknown", sku=sku[:40])
            continue
        part_id, supplier_id = found
        if supplier_id != principal.organisation_id:
            result.add_error(row, "sku", "inventory.sku_not_yours", sku=sku)
            continue
        available, problem = _available(raw_available)
        if problem:
            result.add_error(row, "available", problem, sku=sku, value=str(raw_available)[:40])
            continue
        on_hand, reserved = current.get(part_id, (0, 0))
        if available < reserved:
            result.add_error(
                row, "available", "inventory.below_reserved", sku=sku, reserved=reserved, count=reserved
            )
            continue
        result.valid.append(
            {"row": row, "sku": sku, "part_id": part_id, "available": available, "current": on_hand}
        )
    return result


def _apply(session: Session, principal: Principal, plant: Location, valid: list[dict], *, source: str) -> int:
    # A part without a stock row at the plant has 0 there: only real changes are written.
    changed_rows = [(row["part_id"], row["available"]) for row in valid if row["available"] != row["current"]]
    changed = 0
    if changed_rows:
        if session.get_bind().dialect.name == "postgresql":
            result = session.execute(
                text(
                    "INSERT INTO stock_level (location_id, part_id, on_hand, reserved) "
                    "SELECT :location_id, v.part_id, v.available, 0 "
                    "FROM unnest(CAST(:part_ids AS integer[]), CAST(:available AS integer[])) "
                    "AS v(part_id, available) "
                    "ON CONFLICT (location_id, part_id) DO UPDATE SET on_hand = EXCLUDED.on_hand "
                    "WHERE stock_level.on_hand <> EXCLUDED.on_hand"
                ),
                {
                    "location_id": plant.id,
                    "part_ids": [part_id for part_id, _ in changed_rows],
                    "available": [available for _, available in changed_rows],
                },
            )
            changed = result.rowcount
        else:
            before = session.execute(text("SELECT total_changes()")).scalar_one()
            session.execute(
                text(
                    "INSERT INTO stock_level (location_id, part_id, on_hand, reserved) "
                    "VALUES (:location_id, :part_id, :available, 0) "
                    "ON CONFLICT (location_id, part_id) DO UPDATE SET on_hand = excluded.on_hand "
                    "WHERE stock_level.on_hand <> excluded.on_hand"
                ),
                [
                    {"location_id": plant.id, "part_id": part_id, "available": available}
                    for part_id, available in changed_rows
                ],
            )
            changed = session.execute(text("SELECT total_changes()")).scalar_one() - before
    session.add(
        SupplierStockSync(
            supplier_id=principal.organisation_id,
            location_id=plant.id,
            source=source,
            rows_applied=len(valid),
            rows_changed=changed,
            at=utcnow(),
            user_id=principal.user_id,
        )
    )
    if changed:
        outbox.enqueue(
            session,
            outbox.STOCK_CHANGED,
            {"location_id": plant.id, "parts_changed": changed, "cause": f"supplier_sync_{source}"},
        )
    audit.record(
        session,
        action="inventory.synced",
        entity="location",
        entity_id=plant.id,
        actor_user_id=principal.user_id,
        organisation_id=principal.organisation_id,
        after={"source": source, "rows": len(valid), "changed": changed},
    )
    session.commit()
    return changed


def last_sync(session: Session, principal: Principal) -> dict | None:
    """The supplier's most recent applied sync (when, how, how many rows), or None."""
    require_supplier(principal)
    row = session.exec(
        select(SupplierStockSync, Organisation.name)
        .join(Organisation, Organisation.id == SupplierStockSync.supplier_id)
        .where(SupplierStockSync.supplier_id == principal.organisation_id)
        .order_by(SupplierStockSync.at.desc(), SupplierStockSync.id.desc())
    ).first()
    if row is None:
        return None
    sync, _name = row
    return {
        "at": sync.at,
        "source": sync.source,
        "rows_applied": sync.rows_applied,
        "rows_changed": sync.rows_changed,
        "location_id": sync.location_id,
    }
