"""Links to one object: each builder gives the address its page is declared at, in the viewer's workspace."""

from __future__ import annotations

from models import Role
from state.shared import routes


def _declared(pattern: str, value: int) -> str:
    """The address of a dynamic route pattern such as `/orders/[order_ref]` for `value`."""
    return pattern.split("[")[0] + str(value)


def test_each_builder_names_an_address_a_page_is_declared_at() -> None:
    assert routes.order_page(12) == _declared(routes.ORDER, 12)
    assert routes.purchase_order(Role.MANAGER, 7) == _declared(routes.MANAGER_ORDER, 7)
    assert routes.purchase_order(Role.SUPPLIER, 7) == _declared(routes.SUPPLIER_ORDER, 7)
    assert routes.incident(Role.MANAGER, 3) == _declared(routes.MANAGER_INCIDENT, 3)
    assert routes.incident(Role.SUPPLIER, 3) == _declared(routes.SUPPLIER_INCIDENT, 3)
    assert routes.supplier_card(5) == _declared(routes.MANAGER_SUPPLIER, 5)


def test_lists_follow_the_viewers_role() -> None:
    assert routes.purchase_orders(Role.MANAGER) == routes.MANAGER_ORDERS
    assert routes.purchase_orders(Role.SUPPLIER) == routes.SUPPLIER_ORDERS
    assert routes.incidents(Role.MANAGER) == routes.MANAGER_INCIDENTS
    assert routes.incidents(Role.SUPPLIER) == routes.SUPPLIER_INCIDENTS
    assert routes.orders_list(Role.CUSTOMER) == routes.MY_ORDERS
    assert routes.orders_list(Role.DEALER) == routes.ORDERS


def test_a_new_purchase_order_can_name_its_supplier() -> None:
    assert routes.new_purchase_order() == routes.MANAGER_ORDER_NEW
    assert routes.new_purchase_order(9) == f"{routes.MANAGER_ORDER_NEW}?supplier=9"
