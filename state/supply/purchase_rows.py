"""The rows the purchase-order pages show: plain strings for the text, real booleans for the
conditions the view branches on."""

from __future__ import annotations

from typing import TypedDict


class HeaderView(TypedDict):
    number: str
    status: str
    status_label: str
    colour: str
    supplier: str
    supplier_href: str
    ship_to: str
    issued: str
    changed: str
    total: str
    currency: str
    notes: str
    cancel_reason: str
    poor_warning: str


class LineRow(TypedDict):
    id: str
    line_no: str
    sku: str
    part: str
    quantity: str
    price: str
    amount: str
    requested: str
    requested_iso: str
    promised: str
    status: str
    status_label: str
    colour: str
    reject_reason: str
    proposal: str
    shipped: str
    accepted: str
    rejected: str
    rejected_any: bool
    can_answer: bool
    can_decide: bool
    error_date: str
    request: str


class IncidentRow(TypedDict):
    number: str
    href: str
    title: str
    lot: str
    status: str
    colour: str
    opened: str


class ShipRow(TypedDict):
    id: str
    line_no: str
    sku: str
    part: str
    open: str
    open_text: str
    error_qty: str
    error_lot: str


class ShippedRow(TypedDict):
    notice_id: str
    notice: str
    shipped: str
    carrier: str
    status: str
    line_no: str
    sku: str
    lot: str
    quantity: str
    received: str
    can_receive: bool


class ReceiveRow(TypedDict):
    id: str
    line_no: str
    sku: str
    lot: str
    open: str
    open_text: str
    error_accepted: str
    error_rejected: str
    error_reason: str


class ReceivedRow(TypedDict):
    receipt: str
    received: str
    line_no: str
    sku: str
    lot: str
    accepted: str
    rejected: str
    rejected_any: bool
    reason: str
    incident: str
    incident_href: str


class NoticeRow(TypedDict):
    id: str
    number: str
    order: str
    href: str
    supplier: str
    carrier: str
    tracking: str
    shipped: str
    status: str
    colour: str
