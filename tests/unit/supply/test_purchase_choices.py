"""What a manager picks from on the new-order form: suppliers found by name among all of them,
with their block and latest standing; a supplier's own parts; the manager's own warehouses."""

from __future__ import annotations

import pytest

from services.platform.errors import PermissionDenied
from services.supply import choices as purchase_choices
from services.supply import purchasing
from services.supply.scorecards import recompute_scorecards
from tests.factories import make_location, make_org
from tests.supply_world import NOW, hand_checked_month


@pytest.fixture
def parts_per_supplier() -> int:
    return 4


def test_suppliers_are_found_by_name_or_id_with_their_block(session, world) -> None:
    purchasing.set_supplier_blocked(
        session, world.manager, world.second.organisation.id, blocked=True, reason="late again"
    )
    everyone = purchase_choices.supplier_choices(session, world.manager)
    assert [row["name"] for row in everyone] == sorted(row["name"] for row in everyone)
    assert {row["id"] for row in everyone} == {world.first.organisation.id, world.second.organisation.id}

    name = world.second.organisation.name
    (found,) = purchase_choices.supplier_choices(session, world.manager, text=name.upper()[-3:])
    assert found["id"] == world.second.organisation.id
    assert found["blocked"] is True and found["blocked_reason"] == "late again"
    assert found["standing"] is None and found["score"] is None  # never scored
    first_id = world.first.organisation.id
    (by_id,) = purchase_choices.supplier_choices(session, world.manager, supplier_id=first_id)
    assert by_id["name"] == world.first.organisation.name and by_id["blocked"] is False
    # LIKE wildcards in the search are plain characters.
    assert purchase_choices.supplier_choices(session, world.manager, text="%") == []


def test_a_scored_supplier_carries_its_latest_rolling_standing(session, world) -> None:
    hand_checked_month(session, world)
    recompute_scorecards(session, "2026-03", "2026-03", as_of=NOW.replace(month=4))
    first_id = world.first.organisation.id
    (row,) = purchase_choices.supplier_choices(session, world.manager, supplier_id=first_id)
    assert row["standing"] in {"excellent", "good", "watch", "poor"} and row["score"] is not None


def test_parts_are_the_suppliers_own_and_warehouses_the_managers_own(session, world) -> None:
    parts = purchase_choices.supplier_parts(session, world.manager, world.first.organisation.id)
    assert {part["id"] for part in parts} == {part.id for part in world.first.parts}
    assert [part["sku"] for part in parts] == sorted(part["sku"] for part in parts)
    assert all(part["currency"] == "CNY" for part in parts)
    sku = world.first.parts[1].sku
    assert [
        part["sku"]
        for part in purchase_choices.supplier_parts(
            session, world.manager, world.first.organisation.id, text=sku.lower()
        )
    ] == [sku]

    other_oem = make_org(session, "oem")
    make_location(session, other_oem, kind="warehouse")
    make_location(session, world.oem, kind="store")
    session.commit()
    assert [row["id"] for row in purchase_choices.ship_to_warehouses(session, world.manager)] == [
        world.warehouse.id
    ]


def test_only_managers_see_the_choices(session, world) -> None:
    for call in (
        lambda p: purchase_choices.supplier_choices(session, p),
        lambda p: purchase_choices.supplier_parts(session, p, world.first.organisation.id),
        lambda p: purchase_choices.ship_to_warehouses(session, p),
        lambda p: purchase_choices.part_categories_supplied(session, p),
    ):
        with pytest.raises(PermissionDenied):
            call(world.first.principal)
