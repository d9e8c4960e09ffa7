"""What each role is told, where each entry leads, and its text's message keys.

A role hears of the events it must act on or has waited for: a supplier of a new purchase order or
a quality incident against it; a manager of a supplier's acknowledgement or counter-proposal, a
supplier's answer to an incident and a shipment whose promise is at risk; a dealer or a customer
of its order being paid and allocated. Admins get none.

The entry's link is the object's page in the reader's workspace (state/shared/routes.py holds the
same addresses; tests/unit/notifications checks that every link here is a page of the app).
"""

from __future__ import annotations

from models import NotificationKind, Role
from services.i18n.names import localized_name

Kind = NotificationKind

ROLE_KINDS: dict[str, tuple[str, ...]] = {
    Role.SUPPLIER: (Kind.PURCHASE_ORDER_ISSUED, Kind.INCIDENT_OPENED),
    Role.MANAGER: (
        Kind.PURCHASE_ORDER_ACKNOWLEDGED,
        Kind.PURCHASE_ORDER_PROPOSED,
        Kind.INCIDENT_ANSWERED,
        Kind.SHIPMENT_LATE,
    ),
    Role.DEALER: (Kind.ORDER_PAID, Kind.ORDER_ALLOCATED),
    Role.CUSTOMER: (Kind.ORDER_PAID, Kind.ORDER_ALLOCATED),
    Role.ADMIN: (),
}

# The icon (lucide) of each kind in the bell and the inbox.
ICONS: dict[str, str] = {
    Kind.PURCHASE_ORDER_ISSUED: "clipboard-list",
    Kind.INCIDENT_OPENED: "shield-alert",
    Kind.PURCHASE_ORDER_ACKNOWLEDGED: "clipboard-check",
    Kind.PURCHASE_ORDER_PROPOSED: "message-square-diff",
    Kind.INCIDENT_ANSWERED: "shield-check",
    Kind.SHIPMENT_LATE: "clock-alert",
    Kind.ORDER_PAID: "credit-card",
    Kind.ORDER_ALLOCATED: "package-check",
}


def kinds_for(role: str) -> tuple[str, ...]:
    """The kinds `role` is told of (none for an unknown role)."""
    return ROLE_KINDS.get(role, ())


def label_key(kind: str) -> str:
    """The message key of the kind's name (the preferences table)."""
    return f"notification.kind.{kind}"


# The supplier's steps on an incident that tell the managers (`tell.incident_answered`).
INCIDENT_STEPS = ("acknowledged", "analysed", "resolved")


def text_key(kind: str, role: str, params: dict) -> str:
    """The message key of one entry's sentence: an incident answer says which step, and customers
    read their orders in plain words ("Deposit paid", "Being prepared")."""
    if kind == Kind.INCIDENT_ANSWERED and params.get("step") in INCIDENT_STEPS:
        return f"notification.text.{kind}.{params['step']}"
    if role == Role.CUSTOMER and kind in (Kind.ORDER_PAID, Kind.ORDER_ALLOCATED):
        return f"notification.text.{kind}.customer"
    return f"notification.text.{kind}"


def _workspace(role: str) -> str:
    return "/manager" if role == Role.MANAGER else "/supplier"


def link(kind: str, role: str, params: dict) -> str:
    """The page of the entry's object, as `role` opens it ('' when the kind has no page)."""
    if kind in (Kind.PURCHASE_ORDER_ISSUED, Kind.PURCHASE_ORDER_ACKNOWLEDGED, Kind.PURCHASE_ORDER_PROPOSED):
        return f"{_workspace(role)}/purchase-orders/{int(params['purchase_order_id'])}"
    if kind in (Kind.INCIDENT_OPENED, Kind.INCIDENT_ANSWERED):
        return f"{_workspace(role)}/incidents/{int(params['incident_id'])}"
    if kind == Kind.SHIPMENT_LATE:
        return f"/shipments/{int(params['shipment_id'])}"
    if kind in (Kind.ORDER_PAID, Kind.ORDER_ALLOCATED):
        return f"/orders/{int(params['order_id'])}"
    return ""


def text_params(params: dict, language: str) -> dict:
    """An entry's arguments for `language`: a name stored with its Chinese form beside it
    (`buyer` and `buyer_zh`) reads in Chinese for a Chinese reader, else as stored."""
    return {
        key: localized_name(value, params.get(f"{key}_zh"), language) if f"{key}_zh" in params else value
        for key, value in params.items()
        if not key.endswith("_zh")
    }
