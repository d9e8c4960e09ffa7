"""Every page's address in one place (the homes come from services.access.HOME_BY_ROLE)."""

from __future__ import annotations

from models import Role
from services.access import HOME_BY_ROLE
from state.auth import LOGIN_PATH

INDEX = "/"
LOGIN = LOGIN_PATH
ADMIN = HOME_BY_ROLE[Role.ADMIN]
ADMIN_ORGANISATIONS = "/admin/organisations"
MANAGER = HOME_BY_ROLE[Role.MANAGER]
SUPPLIER = HOME_BY_ROLE[Role.SUPPLIER]
DEALER = HOME_BY_ROLE[Role.DEALER]
SHOWROOM = HOME_BY_ROLE[Role.CUSTOMER]
MY_ORDERS = "/my-orders"
CATALOGUE = "/catalogue"
STOCK = "/stock"
ORDERS = "/orders"
ORDER = "/orders/[order_ref]"  # one order; state/orders.py reads the id from the address
CART = "/cart"


def order_page(order_id: int | str) -> str:
    return f"{ORDERS}/{order_id}"
