"""Every page's address in one place (the homes come from services.identity.access.HOME_BY_ROLE)."""

from __future__ import annotations

from models import Role
from services.identity.access import HOME_BY_ROLE
from state.shared.auth import LOGIN_PATH

INDEX = "/"
LOGIN = LOGIN_PATH
ADMIN = HOME_BY_ROLE[Role.ADMIN]
ADMIN_ORGANISATIONS = "/admin/organisations"
ADMIN_PARKED_ORDERS = "/admin/parked-orders"  # orders the sweeps gave up on
MANAGER = HOME_BY_ROLE[Role.MANAGER]
SUPPLIER = HOME_BY_ROLE[Role.SUPPLIER]
DEALER = HOME_BY_ROLE[Role.DEALER]
SHOWROOM = HOME_BY_ROLE[Role.CUSTOMER]
MY_ORDERS = "/my-orders"
CATALOGUE = "/catalogue"
STOCK = "/stock"
ORDERS = "/orders"
ORDER = "/orders/[order_ref]"  # one order; state/ordering/orders.py reads the id from the address
CART = "/cart"


def order_page(order_id: int | str) -> str:
    return f"{ORDERS}/{order_id}"


# The supplier workspace (issue 4): one module of pages per area under portal/pages.
SUPPLIER_ORDERS = "/supplier/purchase-orders"
SUPPLIER_ORDER = "/supplier/purchase-orders/[po_ref]"
SUPPLIER_INCIDENTS = "/supplier/incidents"
SUPPLIER_INCIDENT = "/supplier/incidents/[incident_ref]"
SUPPLIER_SCORECARD = "/supplier/scorecard"
SUPPLIER_INVENTORY = "/supplier/inventory"
SUPPLIER_LOTS = "/supplier/lots"
MANAGER_ORDERS = "/manager/purchase-orders"
MANAGER_ORDER_NEW = "/manager/purchase-orders/new"
MANAGER_ORDER = "/manager/purchase-orders/[po_ref]"
MANAGER_RECEIVING = "/manager/receiving"
MANAGER_INCIDENTS = "/manager/incidents"
MANAGER_INCIDENT = "/manager/incidents/[incident_ref]"
MANAGER_SUPPLIERS = "/manager/suppliers"
MANAGER_SUPPLIER = "/manager/suppliers/[supplier_ref]"
MANAGER_SCORECARD_SETTINGS = "/manager/scorecard-settings"
MANAGER_LOTS = "/manager/lots"
