"""What the quality pages' states share: roles, filters, the incident list's base URL, row types."""

from __future__ import annotations

from typing import TypedDict

from models import Role
from models.supply import IncidentStatus

READERS = (Role.MANAGER, Role.SUPPLIER)
ALL = "__all__"
AWAITING = "__awaiting__"
STATUS_FILTERS = (ALL, AWAITING, *[status.value for status in IncidentStatus])
MAX_TEXT = 4000


def response_text(minutes: int | None, translate) -> str:
    if minutes is None:
        return ""
    hours, rest = divmod(int(minutes), 60)
    return translate("incident.response_time", hours=hours, minutes=rest)


class IncidentRow(TypedDict):
    id: str
    number: str
    href: str
    title: str
    supplier: str
    sku: str
    lot: str
    order: str
    order_href: str
    source: str
    status: str
    colour: str
    opened: str
    opened_day: str
    opened_time: str
    quantity: str
    response: str
    awaiting: bool  # waiting for the supplier's answer


class IncidentActions(TypedDict):
    acknowledge: bool
    analyse: bool
    resolve: bool
    accept: bool
    reopen: bool
