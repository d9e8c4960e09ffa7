"""Who may read which KPIs: managers and admins the whole network, a dealer its own stores only;
suppliers (who have their own dashboard) and customers are refused."""

from __future__ import annotations

from dataclasses import replace

from models import Role
from services.analytics.filters import KpiFilter
from services.identity.access import require_role
from services.identity.auth import Principal
from services.platform.errors import PermissionDenied

# Tiles a dealer does not get: they are about the carmaker's suppliers and planning, not the dealer's
# stores.
NETWORK_ONLY_TILES = frozenset(
    {
        "supplier_on_time",
        "supplier_quality_ppm",
        "incident_response_hours",
        "incident_close_hours",
        "forecast_accuracy",  # the carmaker's planning
        "procurement_savings",  # the carmaker's purchasing
    }
)


def scoped_filter(principal: Principal, flt: KpiFilter) -> KpiFilter:
    """`flt` as `principal` may see it: unchanged for managers and admins; for a dealer, limited to
    its own organisation (asking for another dealer is PermissionDenied `kpi.dealer_denied`, field
    `dealer`). Anyone else: PermissionDenied `access.denied`."""
    require_role(principal, Role.MANAGER, Role.ADMIN, Role.DEALER)
    if principal.role != Role.DEALER:
        return flt
    if flt.dealer_id is not None and flt.dealer_id != principal.organisation_id:
        raise PermissionDenied("kpi.dealer_denied", field="dealer")
    return replace(flt, dealer_id=principal.organisation_id)


def may_set_targets(principal: Principal) -> bool:
    return principal.role in (Role.MANAGER, Role.ADMIN)


def tile_allowed(principal: Principal, tile: str) -> bool:
    return principal.role != Role.DEALER or tile not in NETWORK_ONLY_TILES
