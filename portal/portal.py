"""The Reflex app: every page with its on_load guard, and the JSON API under /api/v1."""

from __future__ import annotations

import logging
import os

import reflex as rx
from reflex.event import EventSpec
from sqlalchemy.exc import TimeoutError as PoolTimeout

from models.connection_budget import refuse_to_start_beyond_budget
from models.settings import get_settings
from portal.api import api
from portal.api.security import same_origin_or_listed
from portal.components.frame import PAGES
from portal.live_updates import push_order_changes
from portal.pages.analytics import dashboard as kpi_dashboard  # noqa: F401  (declare pages)
from portal.pages.catalog import (
    dealer_home,  # noqa: F401  (declare pages)
    lists,  # noqa: F401  (declare pages)
    manager_home,  # noqa: F401  (declare pages)
)
from portal.pages.identity import (
    admin,  # noqa: F401  (declare pages)
    audit_trail,  # noqa: F401  (declare pages)
    login,  # noqa: F401  (declare pages)
)
from portal.pages.logistics import (
    dead_letters,  # noqa: F401  (declare pages)
    shipment,  # noqa: F401  (declare pages)
)
from portal.pages.logistics import lists as shipment_lists  # noqa: F401  (declare pages)
from portal.pages.notifications import inbox as notifications_inbox  # noqa: F401  (declare pages)
from portal.pages.ordering import (
    cart,  # noqa: F401  (declare pages)
    orders,  # noqa: F401  (declare pages)
)
from portal.pages.planning import proposals as planning_proposals  # noqa: F401  (declare pages)
from portal.pages.planning import series as planning_series  # noqa: F401  (declare pages)
from portal.pages.planning import simulation as planning_simulation  # noqa: F401  (declare pages)
from portal.pages.planning import worklist as planning_worklist  # noqa: F401  (declare pages)
from portal.pages.platform import not_found  # noqa: F401  (declare pages)
from portal.pages.pricing import agreement as price_agreement  # noqa: F401  (declare pages)
from portal.pages.pricing import inbox as price_inbox  # noqa: F401  (declare pages)
from portal.pages.pricing import indices as price_indices  # noqa: F401  (declare pages)
from portal.pages.pricing import markets as market_prices  # noqa: F401  (declare pages)
from portal.pages.pricing import queue as price_queue  # noqa: F401  (declare pages)
from portal.pages.pricing import savings as price_savings  # noqa: F401  (declare pages)
from portal.pages.showroom import (  # noqa: F401  (declare pages)
    booking,
    browse,
    compare,
    configurator,
    dealers,
    desk,
    desk_leads,
    manage,
    manager_funnel,
    trim,
)
from portal.pages.supply import (
    inventory_sync,  # noqa: F401  (declare pages)
    purchasing,  # noqa: F401  (declare pages)
    quality,  # noqa: F401  (declare pages)
    scorecards,  # noqa: F401  (declare pages)
    supplier_home,  # noqa: F401  (declare pages)
)
from services.i18n import translate

log = logging.getLogger("portal")


def report_unexpected_error(exception: Exception) -> EventSpec:
    """A handler failed unexpectedly: log it in full, tell the user plainly (no internals shown).
    The handler cannot know the viewer's language here, so the toast says it in both.
    A busy database pool (overload, models/db.py) is no fault: the toast asks to try again."""
    if isinstance(exception, PoolTimeout):
        log.warning("an event handler found no free database connection in time")
        return rx.toast.warning(
            " / ".join(translate("service.busy", language) for language in ("en", "zh")),
            id="service-busy",
        )
    log.error("unexpected error in an event handler", exc_info=exception)
    return rx.toast.error(
        " / ".join(translate("common.unexpected_error", language) for language in ("en", "zh")),
        id="unexpected-error",
    )


# Exit before any page is served when this deployment's processes could open more database
# connections than the server accepts: `reflex run` starts GRANIAN_WORKERS web processes (rxconfig.py
# sets it from APP_PROCESSES unless given).
refuse_to_start_beyond_budget(
    get_settings().model_copy(
        update={"app_processes": int(os.environ.get("GRANIAN_WORKERS") or get_settings().app_processes)}
    )
)
app = rx.App(
    api_transformer=api,
    head_components=[rx.el.link(rel="icon", href="/favicon.svg", type="image/svg+xml")],
    backend_exception_handler=report_unexpected_error,
)
# The live connection: the page's own origin, or one listed in Settings (Reflex would pass Engine.IO
# an empty list, which checks no origin at all).
if app.sio is not None:
    app.sio.eio.cors_allowed_origins = same_origin_or_listed(get_settings().cors_allowed_origins)
for spec in PAGES:
    app.add_page(spec.render, route=spec.route, title=spec.title, on_load=list(spec.on_load))
# One listener per web process pushes the worker's order changes to the open order pages.
app.register_lifespan_task(push_order_changes)
