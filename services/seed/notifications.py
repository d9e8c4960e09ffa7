"""The demo's notification centre: each demo user's inbox holds what the seeded history would have
told them (the newest purchase orders and incidents of a supplier, the suppliers' latest answers for
a manager, a dealer's or customer's allocated orders), each entry dated by its object and made by
the same functions the live services call (services/notifications/tell.py). What is older than a
day is already read, so the bell shows the latest few as new."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, update
from sqlmodel import Session, func, select

from models import (
    IncidentStatus,
    Notification,
    OrderStatus,
    OutboxMessage,
    Part,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseOrderLineStatus,
    PurchaseOrderStatus,
    QualityIncident,
    SalesOrder,
)
from models.types import utcnow
from services.notifications import tell
from services.notifications.inbox import NOTIFICATION_CREATED
from services.supply.numbers import incident_number, po_number

PER_KIND = 6  # the newest objects of each kind an inbox gets


def seed_notifications(session: Session) -> dict:
    """Write the demo inboxes and commit; returns {"entries": how many}."""
    now = utcnow()
    for order in session.exec(
        select(PurchaseOrder).order_by(PurchaseOrder.issued_at.desc()).limit(PER_KIND * 4)
    ).all():
        lines = session.exec(
            select(PurchaseOrderLine).where(PurchaseOrderLine.purchase_order_id == order.id)
        ).all()
        tell.purchase_order_issued(
            session,
            order_id=order.id,
            number=po_number(order.id),
            supplier_id=order.supplier_id,
            buyer_id=order.buyer_organisation_id,
            lines=len(lines),
            now=order.issued_at,
        )
        if order.status != PurchaseOrderStatus.ISSUED:
            acknowledged = sum(1 for line in lines if line.status != PurchaseOrderLineStatus.OPEN)
            tell.purchase_order_answered(
                session,
                order_id=order.id,
                number=po_number(order.id),
                supplier_id=order.supplier_id,
                buyer_id=order.buyer_organisation_id,
                acknowledged=acknowledged,
                proposed=0,
                now=order.status_changed_at,
            )
    for incident in session.exec(
        select(QualityIncident).order_by(QualityIncident.opened_at.desc()).limit(PER_KIND * 2)
    ).all():
        sku = session.get(Part, incident.part_id).sku
        tell.incident_opened(
            session,
            incident_id=incident.id,
            number=incident_number(incident.id),
            supplier_id=incident.supplier_id,
            sku=sku,
            quantity=incident.quantity_affected,
            now=incident.opened_at,
        )
        if incident.acknowledged_at is not None:
            step = (
                "resolved"
                if incident.status in (IncidentStatus.RESOLVED, IncidentStatus.CLOSED)
                else "acknowledged"
            )
            tell.incident_answered(
                session,
                incident_id=incident.id,
                number=incident_number(incident.id),
                supplier_id=incident.supplier_id,
                sku=sku,
                step=step,
                now=incident.acknowledged_at,
            )
    for order in session.exec(
        select(SalesOrder)
        .where(SalesOrder.status == OrderStatus.ALLOCATED)
        .order_by(SalesOrder.updated_at.desc())
        .limit(PER_KIND * 4)
    ).all():
        tell.order_moved(session, order.id, OrderStatus.ALLOCATED, now=order.updated_at)
    # No page is open while the seed runs: its entries need no live announcement.
    session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.topic == NOTIFICATION_CREATED, OutboxMessage.dispatched_at.is_(None)
        )
    )
    # The seed's own entries are history: older than a day is read already.
    session.execute(
        update(Notification).where(Notification.created_at < now - timedelta(days=1)).values(read_at=now)
    )
    session.commit()
    return {"entries": session.exec(select(func.count()).select_from(Notification)).one()}
