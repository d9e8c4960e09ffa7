"""Every page's address in one place, and the builders that make a link to one object.

States and pages both take their addresses from here (`state/` may not import `portal/`), so a page
moves by changing one line. The homes come from services.identity.access.HOME_BY_ROLE. The builders
take the viewer's role where managers and suppliers see the same object under their own workspace.
"""

from __future__ import annotations

from urllib.parse import quote

from models import Role
from services.identity.access import HOME_BY_ROLE
from services.showroom.manage_links import MANAGE_PATH
from state.shared.auth import LOGIN_PATH

INDEX = "/"
LOGIN = LOGIN_PATH
ADMIN = HOME_BY_ROLE[Role.ADMIN]
ADMIN_ORGANISATIONS = "/admin/organisations"
ADMIN_PARKED_ORDERS = "/admin/parked-orders"  # orders the sweeps gave up on
ADMIN_AUDIT = "/admin/audit"  # the audit trail
ADMIN_DEAD_LETTERS = "/admin/dead-letters"  # carrier payloads the ingest could not read
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
NOTIFICATIONS = "/notifications"  # the reader's inbox (the bell in the frame opens it)


def order_page(order_id: int | str) -> str:
    """One sales order: `/orders/12`."""
    return f"{ORDERS}/{order_id}"


def orders_list(role: str) -> str:
    """The order list of `role`: a customer's own orders, or a dealer's."""
    return MY_ORDERS if role == Role.CUSTOMER else ORDERS


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
# The showroom funnel per dealer store (issue 9): in the managers' area, open to admins too
# (services/identity/access.PAGE_ROLES), hence not a MANAGER_ route.
NETWORK_FUNNEL = "/manager/funnel"
# The KPI dashboard (issue 11): the network for managers, its own stores for a dealer.
MANAGER_KPIS = "/manager/kpis"
DEALER_KPIS = "/dealer/kpis"
# Planning (issue 12): the planner's worklist of forecast series and one series' page.
MANAGER_PLANNING = "/manager/planning"
MANAGER_PLANNING_SERIES = "/manager/planning/[series_ref]"
MANAGER_PROPOSALS = "/manager/planning/proposals"
MANAGER_PROPOSAL = "/manager/planning/proposals/[proposal_ref]"
MANAGER_SIMULATION = "/manager/planning/simulation"


def simulation(proposal_id: int | str | None = None) -> str:
    """The policy simulation of a proposal (`/manager/planning/simulation?proposal=3`), or of the newest
    forecast run without one."""
    return f"{MANAGER_SIMULATION}?proposal={proposal_id}" if proposal_id else MANAGER_SIMULATION


def proposal(proposal_id: int | str) -> str:
    """One replenishment proposal: `/manager/planning/proposals/3`."""
    return f"{MANAGER_PROPOSALS}/{proposal_id}"


def planning_series(series_id: int | str) -> str:
    """One forecast series (a part at a stock location): `/manager/planning/7`."""
    return f"{MANAGER_PLANNING}/{series_id}"


def _workspace(role: str) -> str:
    return "/manager" if role == Role.MANAGER else "/supplier"


def purchase_orders(role: str) -> str:
    """The purchase-order list in the manager's or the supplier's workspace."""
    return f"{_workspace(role)}/purchase-orders"


def purchase_order(role: str, order_id: int | str) -> str:
    """One purchase order in the viewer's workspace: `/manager/purchase-orders/7`."""
    return f"{purchase_orders(role)}/{order_id}"


def new_purchase_order(supplier_id: int | str | None = None) -> str:
    """The manager's new purchase-order form, for a chosen supplier when one is given."""
    return MANAGER_ORDER_NEW if supplier_id is None else f"{MANAGER_ORDER_NEW}?supplier={supplier_id}"


def incidents(role: str) -> str:
    """The quality-incident list in the manager's or the supplier's workspace."""
    return f"{_workspace(role)}/incidents"


def incident(role: str, incident_id: int | str) -> str:
    """One quality incident in the viewer's workspace."""
    return f"{incidents(role)}/{incident_id}"


def supplier_card(supplier_id: int | str) -> str:
    """A supplier's page (scorecard and control) for managers."""
    return f"{MANAGER_SUPPLIERS}/{supplier_id}"


# The dealer's test-drive desk (issue 9): the calendar and the leads.
DEALER_TEST_DRIVES = "/dealer/test-drives"
DEALER_LEADS = "/dealer/leads"


# Logistics (issue 10): one shipment's page (customer, receiving dealer, managers) and the public
# tracking page (no login).
SHIPMENTS = "/shipments"
SHIPMENT_EXCEPTIONS = "/manager/exceptions"  # the managers' queue of shipments to act on
SHIPMENT = "/shipments/[shipment_id]"
TRACK = "/track"


def shipment(shipment_id: int | str) -> str:
    """One shipment: `/shipments/7`."""
    return f"{SHIPMENTS}/{shipment_id}"


# The visitor's test drive (issue 9): public pages, no login.
TEST_DRIVE_BOOK = "/test-drive/book"
TEST_DRIVE_MANAGE = MANAGE_PATH  # services/showroom/manage_links.py: e-mails link to it too


def test_drive_booking(trim_id: int | str | None = None, location_id: int | str | None = None) -> str:
    """The booking page for a trim at a dealer store: `/test-drive/book?trim=3&dealer=7`."""
    params = [f"{name}={value}" for name, value in (("trim", trim_id), ("dealer", location_id)) if value]
    return f"{TEST_DRIVE_BOOK}?{'&'.join(params)}" if params else TEST_DRIVE_BOOK


def test_drive_manage(token: str) -> str:
    """The visitor's private manage link of one booking."""
    return f"{TEST_DRIVE_MANAGE}?token={token}"


def test_drive_invite(token: str) -> str:
    """The booking's "Add to calendar" file (.ics) by its manage token (a JSON API route)."""
    return f"/api/v1/test-drives/{token}/invite.ics"


# The public showroom (issue 9): open to visitors, framed for a signed-in user.
TRIM = "/showroom/trims/[trim_id]"  # one trim; state/showroom/trim_page.py reads the id from the address
TRIM_CONFIGURATOR = "/showroom/trims/[trim_id]/configure"  # its configurator (state/showroom/configurator.py)
COMPARE = "/showroom/compare"
DEALERS = "/dealers"
COMPARE_LIMIT = 3


def trim_page(trim_id: int | str, dealer_id: int | str | None = None) -> str:
    """One trim's page: `/showroom/trims/4`, with `?dealer=<location id>` when one store is chosen."""
    return f"/showroom/trims/{trim_id}" + ("" if dealer_id is None else f"?dealer={dealer_id}")


def trim_configurator(trim_id: int | str, dealer_id: int | str | None = None) -> str:
    """One trim's configurator: `/showroom/trims/4/configure`, `?dealer=<location id>` to preselect
    the store to order at."""
    return f"/showroom/trims/{trim_id}/configure" + ("" if dealer_id is None else f"?dealer={dealer_id}")


def trim_compare(trim_ids) -> str:
    """The compare page of `trim_ids` (at most COMPARE_LIMIT): `/showroom/compare?trims=1,2,3`."""
    ids = [str(trim_id) for trim_id in trim_ids]
    return f"{COMPARE}?trims={','.join(ids)}" if ids else COMPARE


def dealers_near(place: str = "") -> str:
    """The dealer locator, searching `place` (a city or a postcode) when given."""
    return f"{DEALERS}?place={quote(place)}" if place else DEALERS


# Procurement pricing (issue 13): the managers' queue of price suggestions, the index import, one
# agreement's price page, the savings backtest; the supplier's inbox of proposed price changes.
MANAGER_PRICES = "/manager/prices"
MANAGER_PRICE_INDICES = "/manager/prices/indices"
MANAGER_PRICE_SAVINGS = "/manager/prices/savings"
MANAGER_PRICE_AGREEMENT = "/manager/prices/agreements/[agreement_ref]"
SUPPLIER_PRICE_CHANGES = "/supplier/price-changes"
# Market price lists (what dealers and customers pay, per market and currency).
MANAGER_MARKET_PRICES = "/manager/pricing/markets"


def price_agreement(agreement_id: int | str) -> str:
    """One price agreement's page (price history, indices, corridor): `/manager/prices/agreements/3`."""
    return f"/manager/prices/agreements/{agreement_id}"
