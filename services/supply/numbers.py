"""The numbers people see on supply documents, made in one place.

`PO-000123` (purchase order), `ASN-000045` (advance shipping notice), `GR-000067` (goods receipt),
`QI-000012` (quality incident): the prefix and the id, zero-padded to six digits. A leaf module: it
imports nothing of ours, so every layer (services, seed, state, pages) may use it.
"""

from __future__ import annotations

__all__ = ["asn_number", "incident_number", "parse_po_number", "po_number", "receipt_number"]

_WIDTH = 6


def po_number(order_id: int) -> str:
    """`PO-000123` for purchase order 123."""
    return f"PO-{order_id:0{_WIDTH}d}"


def asn_number(notice_id: int) -> str:
    """`ASN-000045` for shipping notice 45."""
    return f"ASN-{notice_id:0{_WIDTH}d}"


def receipt_number(receipt_id: int) -> str:
    """`GR-000067` for goods receipt 67."""
    return f"GR-{receipt_id:0{_WIDTH}d}"


def incident_number(incident_id: int) -> str:
    """`QI-000012` for quality incident 12."""
    return f"QI-{incident_id:0{_WIDTH}d}"


def parse_po_number(text: str) -> int | None:
    """The order id behind `PO-000123`, `po123` or `123`; None when it is not one."""
    digits = text.strip().upper().removeprefix("PO").lstrip("-# ")
    if not (digits.isdigit() and 0 < len(digits) <= 9):
        return None
    return int(digits) or None  # no document has id 0
