"""Role guards and organisation scoping: who may open which area, and who reads which rows."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlmodel import Session, select

from models import Location, Role
from models.db import get_engine
from services.catalog.lists import Page, list_parts, list_stock, part_categories
from services.identity.access import AREA_ROLES, HOME_BY_ROLE, home_for, may_enter, require_role
from services.identity.auth import Principal, principal_for
from services.platform.errors import PermissionDenied
from tests.factories import (
    make_location,
    make_org,
    make_part,
    make_stock,
    make_trim,
    make_trim_stock,
    make_user,
    make_vehicle_model,
)


def principal(role: str, organisation_id: int = 1) -> Principal:
    return Principal(
        user_id=1,
        email=f"{role}@example.test",
        full_name=role,
        role=role,
        organisation_id=organisation_id,
        organisation_name="Org",
        organisation_kind="oem",
        language="en",
        time_zone="Asia/Shanghai",
    )


def test_each_role_has_its_own_home():
    assert {role: home_for(role) for role in Role} == {
        "admin": "/admin",
        "manager": "/manager",
        "supplier": "/supplier",
        "dealer": "/dealer",
        "customer": "/showroom",
    }
    assert home_for("intruder") == "/login"


def test_every_role_may_enter_its_own_home():
    for role in Role:
        assert may_enter(principal(role), HOME_BY_ROLE[role]), role


# The whole matrix, written out: (area, roles admitted).
EXPECTED_AREAS = {
    "/admin": {"admin"},
    "/manager": {"manager"},
    "/supplier": {"supplier"},
    "/dealer": {"dealer"},
    "/showroom": {"dealer", "customer", "manager"},
    "/my-orders": {"customer"},
    "/orders": {"dealer", "customer"},
    "/cart": {"dealer"},
    "/stock": {"manager", "supplier", "dealer", "admin"},
    "/catalogue": {"manager", "supplier", "dealer", "admin"},
    "/shipments": {"customer", "dealer", "manager", "admin"},
    "/notifications": {"admin", "manager", "supplier", "dealer", "customer"},
}


@pytest.mark.parametrize("role", [r.value for r in Role])
@pytest.mark.parametrize("area", sorted(EXPECTED_AREAS))
def test_may_enter_admits_exactly_the_roles_of_each_area(role, area):
    assert may_enter(principal(role), area) is (role in EXPECTED_AREAS[area])
    assert may_enter(principal(role), f"{area}/deeper/page?x=1") is (role in EXPECTED_AREAS[area])


def test_the_matrix_above_covers_every_area():
    assert {f"/{area}" for area in AREA_ROLES} == set(EXPECTED_AREAS)


def test_a_supplier_cannot_enter_the_manager_area():
    assert not may_enter(principal("supplier"), "/manager")
    assert not may_enter(principal("supplier"), "/manager/kpis")
    assert not may_enter(principal("dealer"), "/admin/users")
    assert not may_enter(principal("customer"), "/stock")


def test_nobody_enters_unknown_areas_and_anonymous_visitors_enter_nothing():
    for role in Role:
        assert not may_enter(principal(role), "/secret-area")
        assert not may_enter(principal(role), "/")
    for area in EXPECTED_AREAS:
        assert not may_enter(None, area)


def test_require_role_returns_the_principal_or_raises_permission_denied():
    manager = principal("manager")
    assert require_role(manager, "manager", "admin") is manager
    with pytest.raises(PermissionDenied) as caught:
        require_role(principal("supplier"), "manager", "admin")
    assert caught.value.code == "access.denied"
    assert caught.value.status == 403
    with pytest.raises(PermissionDenied):
        require_role(None, "manager")


@dataclass
class Network:
    manager: Principal
    admin: Principal
    supplier_a: Principal
    supplier_b: Principal
    dealer: Principal
    customer: Principal
    parts_a: set[str]
    parts_b: set[str]
    plant_a: str
    plant_b: str
    store: str
    other_store: str
    all_locations: set[str]


@pytest.fixture
def network(any_db_url) -> Network:
    with Session(get_engine(), expire_on_commit=False) as session:
        oem, consumers = make_org(session, "oem"), make_org(session, "consumer")
        supplier_a, supplier_b = make_org(session, "supplier"), make_org(session, "supplier")
        dealer, other_dealer = make_org(session, "dealer"), make_org(session, "dealer")
        plant_a, plant_b = make_location(session, supplier_a), make_location(session, supplier_b)
        warehouse = make_location(session, oem, "warehouse")
        store, other_store = (
            make_location(session, dealer, "store"),
            make_location(session, other_dealer, "store"),
        )
        part_a1 = make_part(session, supplier_a, category="Brake pads")
        part_a2 = make_part(session, supplier_a, category="Wiring harnesses")
        part_b1 = make_part(session, supplier_b, category="Filters")
        trim = make_trim(session, make_vehicle_model(session))
        make_stock(session, plant_a, part_a1, 100)
        make_stock(session, plant_a, part_a2, 50)
        make_stock(session, plant_b, part_b1, 70)
        make_stock(session, warehouse, part_a1, 500)
        make_stock(session, warehouse, part_b1, 300)
        make_stock(session, store, part_a1, 8, reserved=2)
        make_trim_stock(session, store, trim, 3, reserved=1)
        make_stock(session, other_store, part_b1, 5)

        def who(role, org):
            return principal_for(make_user(session, role, org), org)

        net = Network(
            manager=who("manager", oem),
            admin=who("admin", oem),
            supplier_a=who("supplier", supplier_a),
            supplier_b=who("supplier", supplier_b),
            dealer=who("dealer", dealer),
            customer=who("customer", consumers),
            parts_a={part_a1.sku, part_a2.sku},
            parts_b={part_b1.sku},
            plant_a=plant_a.code,
            plant_b=plant_b.code,
            store=store.code,
            other_store=other_store.code,
            all_locations={plant_a.code, plant_b.code, warehouse.code, store.code, other_store.code},
        )
        session.commit()
    return net


def _stock(who: Principal, **filters) -> tuple[list[dict], int]:
    with Session(get_engine()) as session:
        return list_stock(session, who, page=Page(1, 200), **filters)


def _parts(who: Principal, **filters) -> tuple[list[dict], int]:
    with Session(get_engine()) as session:
        return list_parts(session, who, page=Page(1, 200), **filters)


def test_a_supplier_sees_only_its_own_plants_stock(network):
    rows, total = _stock(network.supplier_a)
    assert {row["location_code"] for row in rows} == {network.plant_a}
    assert {row["item_code"] for row in rows} == network.parts_a
    assert total == 2
    rows_b, total_b = _stock(network.supplier_b)
    assert {row["location_code"] for row in rows_b} == {network.plant_b} and total_b == 1


def test_a_supplier_gets_nothing_when_it_asks_for_another_organisations_location(network):
    with Session(get_engine()) as session:
        plant_b_id = session.exec(select(Location.id).where(Location.code == network.plant_b)).one()
    rows, total = _stock(network.supplier_a, location_id=plant_b_id)
    assert rows == [] and total == 0


def test_a_supplier_sees_only_the_parts_it_supplies(network):
    rows, total = _parts(network.supplier_a)
    assert {row["sku"] for row in rows} == network.parts_a and total == 2
    rows_b, _ = _parts(network.supplier_b)
    assert {row["sku"] for row in rows_b} == network.parts_b
    with Session(get_engine()) as session:
        assert part_categories(session, network.supplier_a) == ["Brake pads", "Wiring harnesses"]


def test_a_dealer_sees_only_its_stores_stock(network):
    rows, total = _stock(network.dealer)
    assert {row["location_code"] for row in rows} == {network.store}
    assert total == 2
    by_kind = {row["item_kind"]: row for row in rows}
    assert (by_kind["part"]["on_hand"], by_kind["part"]["available"]) == (8, 6)
    assert (by_kind["trim"]["on_hand"], by_kind["trim"]["available"]) == (3, 2)


def test_a_dealer_reads_the_whole_parts_catalogue(network):
    rows, total = _parts(network.dealer)
    assert {row["sku"] for row in rows} == network.parts_a | network.parts_b and total == 3


@pytest.mark.parametrize("role", ["manager", "admin"])
def test_managers_and_admins_see_every_location_and_part(network, role):
    who = getattr(network, role)
    rows, total = _stock(who)
    assert {row["location_code"] for row in rows} == network.all_locations
    assert total == 8
    parts, part_total = _parts(who)
    assert {row["sku"] for row in parts} == network.parts_a | network.parts_b and part_total == 3


def test_a_customer_may_read_neither_stock_nor_the_parts_catalogue(network):
    with pytest.raises(PermissionDenied):
        _stock(network.customer)
    with pytest.raises(PermissionDenied):
        _parts(network.customer)
    with Session(get_engine()) as session, pytest.raises(PermissionDenied):
        part_categories(session, network.customer)


def test_the_managers_funnel_page_admits_managers_and_admins_only():
    for role in ("manager", "admin"):
        assert may_enter(principal(role), "/manager/funnel")
        assert may_enter(principal(role), "/manager/funnel/?weeks=4")
    for role in ("dealer", "supplier", "customer"):
        assert not may_enter(principal(role), "/manager/funnel")
    assert not may_enter(principal("admin"), "/manager/purchase-orders")  # only that page
