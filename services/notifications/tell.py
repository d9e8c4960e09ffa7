"""The events the notification centre tells of, one function each, called by the domain service
that makes the change, in its transaction (services/notifications/inbox.py `notify`).

Each names its event uniquely (`event=`), so telling it again adds nothing; the arguments are what
the text needs in any language (numbers, codes, names), never a sentence.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from models import NotificationKind as Kind
from models import OrderStatus, Organisation, OrganisationKind, Role, SalesOrder, User
from services.notifications.inbox import Recipient, managers, notify, users_of


def _names(session: Session, organisation_id: int, key: str) -> dict:
    """`{key: English name, key_zh: Chinese name}` of an organisation, for an entry's arguments
    (the reader's language picks one when shown: kinds.text_params)."""
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        return {key: ""}
    return {key: organisation.name, f"{key}_zh": organisation.name_zh}


def purchase_order_issued(
    session: Session,
    *,
    order_id: int,
    number: str,
    supplier_id: int,
    buyer_id: int,
    lines: int,
    now: datetime,
) -> None:
    """A manager issued a purchase order: the supplier's users hear of it."""
    notify(
        session,
        Kind.PURCHASE_ORDER_ISSUED,
        users_of(session, supplier_id, Role.SUPPLIER),
        {
            "purchase_order_id": order_id,
            "number": number,
            **_names(session, buyer_id, "buyer"),
            "count": lines,
        },
        event=f"po:{order_id}:issued",
        now=now,
    )


def purchase_order_answered(
    session: Session,
    *,
    order_id: int,
    number: str,
    supplier_id: int,
    buyer_id: int,
    acknowledged: int,
    proposed: int,
    now: datetime,
) -> None:
    """The supplier acknowledged and/or counter-proposed lines: the buyer's managers hear of each."""
    supplier = _names(session, supplier_id, "supplier")
    recipients = managers(session, buyer_id)
    stamp = now.isoformat()
    for kind, count in (
        (Kind.PURCHASE_ORDER_ACKNOWLEDGED, acknowledged),
        (Kind.PURCHASE_ORDER_PROPOSED, proposed),
    ):
        if count:
            notify(
                session,
                kind,
                recipients,
                {"purchase_order_id": order_id, "number": number, **supplier, "count": count},
                event=f"po:{order_id}:{kind}:{stamp}",
                now=now,
            )


def incident_opened(
    session: Session,
    *,
    incident_id: int,
    number: str,
    supplier_id: int,
    sku: str,
    quantity: int,
    now: datetime,
) -> None:
    """A quality incident was opened against a supplier: its users hear of it."""
    notify(
        session,
        Kind.INCIDENT_OPENED,
        users_of(session, supplier_id, Role.SUPPLIER),
        {"incident_id": incident_id, "number": number, "sku": sku, "count": quantity},
        event=f"incident:{incident_id}:opened",
        now=now,
    )


def incident_answered(
    session: Session, *, incident_id: int, number: str, supplier_id: int, sku: str, step: str, now: datetime
) -> None:
    """The supplier acknowledged, analysed or resolved an incident: the managers hear of it.
    `step` is "acknowledged", "analysed" or "resolved"."""
    notify(
        session,
        Kind.INCIDENT_ANSWERED,
        managers(session),
        {
            "incident_id": incident_id,
            "number": number,
            "sku": sku,
            **_names(session, supplier_id, "supplier"),
            "step": step,
        },
        event=f"incident:{incident_id}:{step}:{now.isoformat()}",
        now=now,
    )


def shipment_late(session: Session, *, shipment_id: int, tracking_number: str, now: datetime) -> None:
    """A shipment's promise to its customer became at risk: the managers hear of it."""
    notify(
        session,
        Kind.SHIPMENT_LATE,
        managers(session),
        {"shipment_id": shipment_id, "tracking_number": tracking_number},
        event=f"shipment:{shipment_id}:late:{now.date().isoformat()}",
        now=now,
    )


ORDER_KINDS = {OrderStatus.PAID: Kind.ORDER_PAID, OrderStatus.ALLOCATED: Kind.ORDER_ALLOCATED}


def order_moved(session: Session, order_id: int, status: str, *, now: datetime) -> list[int]:
    """A sales order became paid or allocated: its buyer hears of it (a customer, or the buying
    dealer's users). Other statuses tell nobody. Returns the users newly told."""
    kind = ORDER_KINDS.get(status)
    order = session.get(SalesOrder, order_id)
    if kind is None or order is None:
        return []
    buyer = session.get(Organisation, order.buyer_organisation_id)
    if buyer is not None and buyer.kind == OrganisationKind.DEALER:
        recipients = users_of(session, buyer.id, Role.DEALER)
    else:
        buyer_user = session.get(User, order.buyer_user_id)
        active = buyer_user is not None and buyer_user.is_active
        recipients = [Recipient(buyer_user.id, buyer_user.role)] if active else []
    return notify(
        session,
        kind,
        recipients,
        {"order_id": order.id, "number": order.number},
        event=f"order:{order.id}:{status}",
        now=now,
    )
