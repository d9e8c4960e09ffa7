"""Who may go where: each role's home, the roles each area admits, and organisation scoping.

Scoping lives here so that every query helper in services/ applies the same rule:
a supplier reads only its organisation's rows, a dealer only its stores'.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, true

from models import Location, Part, Role
from services.identity.auth import Principal
from services.platform.errors import PermissionDenied

HOME_BY_ROLE: dict[str, str] = {
    Role.ADMIN: "/admin",
    Role.MANAGER: "/manager",
    Role.SUPPLIER: "/supplier",
    Role.DEALER: "/dealer",
    Role.CUSTOMER: "/showroom",
}

# Area (first path segment) -> roles admitted.
AREA_ROLES: dict[str, frozenset[str]] = {
    "admin": frozenset({Role.ADMIN}),
    "manager": frozenset({Role.MANAGER}),
    "supplier": frozenset({Role.SUPPLIER}),
    "dealer": frozenset({Role.DEALER}),
    "showroom": frozenset({Role.DEALER, Role.CUSTOMER, Role.MANAGER}),
    "my-orders": frozenset({Role.CUSTOMER}),
    # /orders lists a dealer's orders; /orders/<id> shows one order to its buyer or seller.
    "orders": frozenset({Role.DEALER, Role.CUSTOMER}),
    "cart": frozenset({Role.DEALER}),
    "stock": frozenset({Role.MANAGER, Role.SUPPLIER, Role.DEALER, Role.ADMIN}),
    "catalogue": frozenset({Role.MANAGER, Role.SUPPLIER, Role.DEALER, Role.ADMIN}),
    # /shipments/<id>: a customer's own vehicle, a dealer's incoming shipments, managers all.
    "shipments": frozenset({Role.CUSTOMER, Role.DEALER, Role.MANAGER, Role.ADMIN}),
    # Everyone's own inbox (services/notifications/inbox.py scopes it to the reader).
    "notifications": frozenset(Role),
}

# Single pages open to more roles than their area: path (no trailing slash) -> roles admitted.
PAGE_ROLES: dict[str, frozenset[str]] = {
    "/manager/funnel": frozenset({Role.MANAGER, Role.ADMIN}),
}


def home_for(role: str) -> str:
    return HOME_BY_ROLE.get(role, "/login")


def may_enter(principal: Principal | None, path: str) -> bool:
    """True when `principal` may open the page at `path` (unknown areas are closed)."""
    if principal is None:
        return False
    page = "/" + path.split("?", 1)[0].strip("/")
    if page in PAGE_ROLES:
        return principal.role in PAGE_ROLES[page]
    area = path.strip("/").split("/", 1)[0]
    return principal.role in AREA_ROLES.get(area, frozenset())


def require_role(principal: Principal | None, *roles: str) -> Principal:
    """Return the principal if it holds one of `roles`; raise PermissionDenied otherwise."""
    if principal is None or principal.role not in roles:
        raise PermissionDenied("access.denied")
    return principal


def sees_whole_network(principal: Principal) -> bool:
    """The carmaker's managers and the platform's admins see every organisation's stock."""
    return principal.role in (Role.MANAGER, Role.ADMIN)


def location_scope(principal: Principal) -> ColumnElement[bool]:
    """A WHERE clause on Location limiting rows to what `principal` may read.

    Raises PermissionDenied for roles that read no stock (customers).
    """
    if sees_whole_network(principal):
        return true()
    if principal.role in (Role.SUPPLIER, Role.DEALER):
        return Location.organisation_id == principal.organisation_id
    raise PermissionDenied("access.denied")


def part_scope(principal: Principal) -> ColumnElement[bool]:
    """A WHERE clause on Part: suppliers read only the parts they supply; managers, dealers and
    admins all parts. Raises PermissionDenied for roles outside the parts catalogue (customers)."""
    if principal.role == Role.SUPPLIER:
        return Part.supplier_id == principal.organisation_id
    if principal.role in AREA_ROLES["catalogue"]:
        return true()
    raise PermissionDenied("access.denied")
