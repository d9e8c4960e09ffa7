"""Inventory sync: the CSV preview lists every bad row with its number and reason, applying writes
only the valid rows in one go, bad files are refused whole, and the bulk API sync is
all-or-nothing and idempotent."""

from __future__ import annotations

import pytest
from sqlalchemy import func
from sqlmodel import select

from models import OutboxMessage, StockLevel, SupplierStockSync
from services.platform.errors import NotFound, PermissionDenied, ValidationFailed
from services.supply import inventory_sync
from tests.factories import make_stock


@pytest.fixture
def parts_per_supplier() -> int:
    return 4


def _stock(session, location_id) -> dict[int, int]:
    return dict(
        session.exec(
            select(StockLevel.part_id, StockLevel.on_hand)
            .where(StockLevel.location_id == location_id)
            .execution_options(populate_existing=True)
        ).all()
    )


def _csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def test_the_preview_lists_each_bad_row_with_its_number_and_reason_and_changes_nothing(session, world):
    mine, theirs = world.first.parts, world.second.parts
    data = _csv(
        "SKU, Available ,name",  # header: case and spaces do not matter, extra columns are ignored
        f"{mine[0].sku},120,front pads",  # row 2: valid
        "NO-SUCH-SKU,5,",  # row 3
        f"{theirs[0].sku},5,",  # row 4: another supplier's part
        f"{mine[1].sku},-3,",  # row 5
        f"{mine[2].sku},12.5,",  # row 6
        "",  # blank lines are skipped but still counted
        f"{mine[3].sku},lots,",  # row 8
        f"{mine[0].sku},7,",  # row 9: the same SKU again
        ",4,",  # row 10: no SKU
    )
    preview = inventory_sync.preview_stock_csv(session, world.first.principal, data)
    assert preview["rows_total"] == 8 and preview["valid_rows"] == 1 and preview["error_count"] == 7
    assert preview["valid"] == [
        {"row": 2, "sku": mine[0].sku, "part_id": mine[0].id, "available": 120, "current": 0}
    ]
    assert [(error["row"], error["field"], error["code"]) for error in preview["errors"]] == [
        (3, "sku", "inventory.sku_unknown"),
        (4, "sku", "inventory.sku_not_yours"),
        (5, "available", "inventory.available_negative"),
        (6, "available", "inventory.available_not_whole"),
        (8, "available", "inventory.available_not_number"),
        (9, "sku", "inventory.sku_duplicate"),
        (10, "sku", "inventory.sku_required"),
    ]
    assert preview["errors"][5]["params"]["first_row"] == 2
    assert _stock(session, world.first.plant.id) == {}


def test_applying_writes_the_valid_rows_in_one_go_and_is_idempotent(session, world):
    mine = world.first.parts
    make_stock(session, world.first.plant, mine[1], on_hand=40)
    session.commit()
    data = _csv(
        "sku,available", f"{mine[0].sku},120", f"{mine[1].sku},40", f"{mine[2].sku},0", "NO-SUCH-SKU,5"
    )
    result = inventory_sync.apply_stock_csv(session, world.first.principal, data)
    assert (result["applied"], result["changed"], result["error_count"]) == (3, 1, 1)
    assert _stock(session, world.first.plant.id) == {mine[0].id: 120, mine[1].id: 40}
    sync = session.exec(select(SupplierStockSync)).one()
    assert (sync.source, sync.rows_applied, sync.rows_changed) == ("csv", 3, 1)
    assert session.exec(select(OutboxMessage).where(OutboxMessage.topic == "stock.changed")).first()
    again = inventory_sync.apply_stock_csv(session, world.first.principal, data)
    assert again["changed"] == 0 and _stock(session, world.first.plant.id)[mine[0].id] == 120


def test_available_below_what_is_reserved_is_refused(session, world):
    part = world.first.parts[0]
    make_stock(session, world.first.plant, part, on_hand=50, reserved=20)
    session.commit()
    preview = inventory_sync.preview_stock_csv(
        session, world.first.principal, _csv("sku,available", f"{part.sku},19")
    )
    assert preview["errors"][0]["code"] == "inventory.below_reserved"
    assert preview["errors"][0]["params"]["reserved"] == 20


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (_csv("part,qty", "A,1"), "inventory.columns_missing"),
        (_csv("sku,stock", "A,1"), "inventory.columns_missing"),
        (_csv("sku,available,sku", "A,1,B"), "inventory.columns_duplicate"),
        ("sku,available\nÄ,1\n".encode("latin-1"), "inventory.file_not_utf8"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "inventory.file_not_utf8"),
        (b"sku,available\x00\n", "inventory.file_not_csv"),
        (b"", "inventory.file_empty"),
        (_csv("sku,available"), "inventory.file_no_rows"),
    ],
)
def test_bad_files_are_refused_whole_and_change_nothing(session, world, data, code):
    part = world.first.parts[0]
    make_stock(session, world.first.plant, part, on_hand=9)
    session.commit()
    for action in (inventory_sync.preview_stock_csv, inventory_sync.apply_stock_csv):
        with pytest.raises(ValidationFailed) as raised:
            action(session, world.first.principal, data)
        assert (raised.value.code, raised.value.field) == (code, "file")
    assert _stock(session, world.first.plant.id) == {part.id: 9}
    assert session.exec(select(func.count()).select_from(SupplierStockSync)).one() == 0


def test_a_huge_file_is_refused_before_it_is_read(session, world, monkeypatch):
    junk = b"\xff" * (inventory_sync.MAX_CSV_BYTES + 1)  # 20 MB of junk and one byte more
    read = []
    monkeypatch.setattr(inventory_sync.csv, "reader", lambda *a, **k: read.append(1))
    with pytest.raises(ValidationFailed) as raised:
        inventory_sync.apply_stock_csv(session, world.first.principal, junk)
    assert raised.value.code == "inventory.file_too_large" and raised.value.params == {"max_mb": 20}
    assert read == []


def test_a_file_without_a_single_valid_row_changes_nothing(session, world):
    data = _csv("sku,available", f"{world.second.parts[0].sku},5", f"{world.first.parts[0].sku},-1")
    with pytest.raises(ValidationFailed) as raised:
        inventory_sync.apply_stock_csv(session, world.first.principal, data)
    assert raised.value.code == "inventory.no_valid_rows" and raised.value.params == {"errors": 2}
    assert _stock(session, world.first.plant.id) == {}
    assert _stock(session, world.second.plant.id) == {}


def test_the_api_sync_is_all_or_nothing_and_idempotent(session, world):
    mine = world.first.parts
    items = [{"sku": mine[0].sku, "available": 10}, {"sku": mine[1].sku, "available": "25"}]
    with pytest.raises(ValidationFailed) as raised:
        inventory_sync.sync_stock(
            session, world.first.principal, [*items, {"sku": mine[2].sku, "available": 2.5}, "junk"]
        )
    assert raised.value.code == "inventory.items_invalid" and raised.value.field == "items.2.available"
    assert [(error["row"], error["code"]) for error in raised.value.params["errors"]] == [
        (2, "inventory.available_not_whole"),
        (3, "inventory.item_invalid"),
    ]
    assert _stock(session, world.first.plant.id) == {}
    assert inventory_sync.sync_stock(session, world.first.principal, items)["changed"] == 2
    assert inventory_sync.sync_stock(session, world.first.principal, items)["changed"] == 0
    assert _stock(session, world.first.plant.id) == {mine[0].id: 10, mine[1].id: 25}
    with pytest.raises(ValidationFailed) as raised:
        inventory_sync.sync_stock(session, world.first.principal, [])
    assert raised.value.field == "items"


def test_the_template_lists_the_suppliers_own_parts_with_current_stock(session, world):
    make_stock(session, world.first.plant, world.first.parts[0], on_hand=33)
    session.commit()
    template = inventory_sync.template_csv(session, world.first.principal).splitlines()
    assert template[0] == "sku,name,available" and len(template) == 1 + len(world.first.parts)
    assert f"{world.first.parts[0].sku},{world.first.parts[0].name},33" in template
    assert not any(part.sku in line for part in world.second.parts for line in template)
    # The template itself is a valid upload.
    preview = inventory_sync.preview_stock_csv(session, world.first.principal, "\n".join(template).encode())
    assert preview["error_count"] == 0 and preview["changes"] == 0


def test_only_a_supplier_syncs_and_only_its_own_plant(session, world):
    with pytest.raises(PermissionDenied):
        inventory_sync.sync_stock(session, world.manager, [{"sku": world.first.parts[0].sku, "available": 1}])
    with pytest.raises(NotFound):
        inventory_sync.sync_stock(
            session,
            world.first.principal,
            [{"sku": world.first.parts[0].sku, "available": 1}],
            location_id=world.second.plant.id,
        )
    with pytest.raises(NotFound):
        inventory_sync.sync_stock(
            session,
            world.first.principal,
            [{"sku": world.first.parts[0].sku, "available": 1}],
            location_id=world.warehouse.id,
        )


def test_a_supplier_without_a_plant_is_told_so(session, world):
    from services.identity.auth import principal_for
    from tests.factories import make_org, make_user

    organisation = make_org(session, "supplier")
    principal = principal_for(make_user(session, "supplier", organisation), organisation)
    session.commit()
    with pytest.raises(ValidationFailed) as raised:
        inventory_sync.sync_stock(session, principal, [{"sku": "X", "available": 1}])
    assert (raised.value.code, raised.value.field) == ("inventory.no_plant", "location_id")
