"""Who may read and change supplier-workspace records.

Managers (the carmaker) see and act on every supplier's records; admins read them; a supplier's
staff see only their own organisation's. Another supplier's record answers NotFound, exactly like
a record that does not exist, so ids cannot be probed.
"""

from __future__ import annotations

from models import Role
from services.identity.access import require_role
from services.identity.auth import Principal
from services.platform.errors import NotFound

READERS = (Role.MANAGER, Role.ADMIN, Role.SUPPLIER)


def require_manager(principal: Principal | None) -> Principal:
    """The principal if it is a manager; PermissionDenied otherwise."""
    return require_role(principal, Role.MANAGER)


def require_supplier(principal: Principal | None) -> Principal:
    """The principal if it is a supplier's user; PermissionDenied otherwise."""
    return require_role(principal, Role.SUPPLIER)


def require_reader(principal: Principal | None) -> Principal:
    """The principal if it may read supplier-workspace records at all; PermissionDenied otherwise."""
    return require_role(principal, *READERS)


def is_supplier(principal: Principal) -> bool:
    return principal.role == Role.SUPPLIER


def check_visible(principal: Principal, supplier_id: int | None, code: str, field: str) -> None:
    """Raise NotFound(`code`) when a supplier's user asks for another supplier's record
    (or for a record that has none)."""
    if is_supplier(principal) and supplier_id != principal.organisation_id:
        raise NotFound(code, field=field)


def scoped_supplier_id(principal: Principal, supplier_id: int | None) -> int | None:
    """The supplier whose records a query may return: a supplier's user always gets its own
    organisation (asking for another answers NotFound); others get `supplier_id` (None = all)."""
    require_reader(principal)
    if is_supplier(principal):
        if supplier_id is not None and supplier_id != principal.organisation_id:
            raise NotFound("supplier.not_found", field="supplier_id")
        return principal.organisation_id
    return supplier_id
