"""Placing orders through the real API and reading what became of them, for the worker tests."""

from __future__ import annotations

import itertools
import os
import signal
from dataclasses import dataclass

from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from models import GatewayLedger, OrderTransition, Payment, SalesOrder, Shipment, StockLevel
from models.db import get_engine
from models.settings import Settings, get_settings
from portal.api import api
from services.identity import auth
from services.ordering.placement import payment_key
from tests.factories import PASSWORD
from tests.integration.worker_helpers import CeleryProcess
from tests.ordering_world import World, build_world, user_of

_keys = itertools.count(1)


@dataclass
class Shop:
    """A world with a signed-in dealer and an API client."""

    world: World
    client: TestClient
    token: str

    def place(self, quantity: int = 2, part: int = 0) -> dict:
        """POST /api/v1/orders for `quantity` of a part; asserts 201 and returns the order."""
        response = self.client.post(
            "/api/v1/orders",
            json={
                "lines": [{"item_kind": "part", "sku": self.world.parts[part].sku, "quantity": quantity}],
                "buyer_location_id": self.world.store.id,
            },
            headers={"Authorization": f"Bearer {self.token}", "Idempotency-Key": f"worker-{next(_keys)}"},
        )
        assert response.status_code == 201, response.text
        return response.json()

    def read(self, order_id: int) -> dict:
        response = self.client.get(
            f"/api/v1/orders/{order_id}", headers={"Authorization": f"Bearer {self.token}"}
        )
        assert response.status_code == 200, response.text
        return response.json()


def open_shop(part_on_hand: int = 10) -> Shop:
    """A fresh world on the configured database, its dealer signed in to the API."""
    with Session(get_engine(), expire_on_commit=False) as session:
        world = build_world(session, part_on_hand=part_on_hand)
        token, _ = auth.login(session, email=user_of(session, world.dealer).email, password=PASSWORD)
    return Shop(world=world, client=TestClient(api), token=token)


@dataclass(frozen=True)
class Settled:
    """What the database says about an order after processing."""

    status: str
    payment_status: str
    payment_reference: str | None
    captures_on_timeline: int
    bank_captures: int
    bank_reference: str | None
    shipments: int
    cancel_reason: str | None


def settled(order: dict) -> Settled:
    """Read an order's outcome, its payment and the bank's ledger for its key (fresh, no cache)."""
    key = payment_key(order["number"])
    with Session(get_engine(), expire_on_commit=False) as session:
        row = session.exec(
            select(SalesOrder.status, SalesOrder.cancel_reason, Payment.status, Payment.gateway_reference)
            .join(Payment, Payment.order_id == SalesOrder.id)
            .where(SalesOrder.id == order["id"])
        ).one()
        captures = session.exec(
            select(func.count())
            .select_from(OrderTransition)
            .where(
                OrderTransition.order_id == order["id"],
                OrderTransition.cause == "order.event.payment_captured",
            )
        ).one()
        ledger = session.exec(select(GatewayLedger).where(GatewayLedger.idempotency_key == key)).all()
        shipments = session.exec(
            select(func.count()).select_from(Shipment).where(Shipment.order_id == order["id"])
        ).one()
        session.commit()
    status, cancel_reason, payment_status, reference = row
    return Settled(
        status=status,
        payment_status=payment_status,
        payment_reference=reference,
        captures_on_timeline=captures,
        bank_captures=len(ledger),
        bank_reference=ledger[0].reference if ledger else None,
        shipments=shipments,
        cancel_reason=cancel_reason,
    )


def stock(stock_level_id: int) -> tuple[int, int]:
    """(on_hand, reserved) of a stock row, read fresh."""
    with Session(get_engine()) as session:
        row = session.exec(
            select(StockLevel.on_hand, StockLevel.reserved).where(StockLevel.id == stock_level_id)
        ).one()
        session.commit()
    return tuple(row)


def status_of(order_id: int) -> str:
    with Session(get_engine()) as session:
        status = session.exec(select(SalesOrder.status).where(SalesOrder.id == order_id)).one()
        session.commit()
    return status


def sweeping_settings(**overrides: object) -> Settings:
    """This test's settings for worker and beat processes, with the order sweeps (hold expiry,
    stalled-order retry) and the outbox relay every half second, and an order counted as stalled
    one second after placement."""
    return get_settings().model_copy(
        update={
            "order_sweep_seconds": 0.5,
            "order_stalled_seconds": 1.0,
            "outbox_relay_seconds": 0.5,
            **overrides,
        }
    )


def kill_hard(*processes: CeleryProcess) -> None:
    """`kill -9` each process (a worker: its main process and its pool children), no chance to clean up."""
    for started in processes:
        os.killpg(started.process.pid, signal.SIGKILL)
    for started in processes:
        started.process.wait(timeout=10)
