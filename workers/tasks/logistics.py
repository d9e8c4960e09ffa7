"""The logistics tasks: polling the carriers, refreshing ETAs, preparing new shipments. Thin,
idempotent wrappers of `services.logistics`; their names are in workers/schedule.py."""

from __future__ import annotations

import logging

from models.db import session_scope
from models.settings import get_settings
from services.logistics import eta, polling, shipments
from services.logistics.carriers import adapter_for
from workers.celery_app import app
from workers.schedule import POLL_CARRIERS, PREPARE_SHIPMENT, REFRESH_ETA

log = logging.getLogger(__name__)


@app.task(name=POLL_CARRIERS)
def poll_carriers(carriers: list[str] | None = None) -> dict:
    """Beat: prepare any shipment whose hand-off was missed, then one polling round per carrier
    (services/logistics/polling.py: rate limits, backoff). Idempotent: events are stored once.
    Returns {carrier: the round's figures}."""
    settings = get_settings()
    with session_scope() as session:
        for order_id in shipments.unprepared_orders(session):
            shipments.prepare_shipment(session, order_id)
    rounds = {}
    for carrier in carriers or list(settings.carriers):
        if carrier not in settings.carriers:
            continue
        adapter = adapter_for(settings, carrier)
        try:
            with session_scope() as session:
                rounds[carrier] = polling.poll_carrier(session, settings, carrier, adapter).as_dict()
        finally:
            adapter.close()
    return rounds


@app.task(name=REFRESH_ETA)
def refresh_eta(shipment_id: int) -> dict:
    """After a shipment's events changed ("shipment.changed"): recompute its ETA. Idempotent."""
    with session_scope() as session:
        result = eta.refresh_eta(session, int(shipment_id))
    if result is None:
        return {"shipment_id": shipment_id, "eta": None}
    return {
        "shipment_id": shipment_id,
        "eta": result.eta and result.eta.isoformat(),
        "promise_at_risk": result.promise_at_risk,
    }


@app.task(name=PREPARE_SHIPMENT)
def prepare_shipment(order_id: int) -> dict:
    """After an order is allocated: its shipment's tracking number, VIN, promise and legs. Idempotent."""
    with session_scope() as session:
        shipment_id = shipments.prepare_shipment(session, int(order_id))
    return {"order_id": order_id, "shipment_id": shipment_id}
