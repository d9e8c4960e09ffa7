"""Document numbers as people read them: one format per kind, and the purchase-order search."""

from __future__ import annotations

import pytest

from services.supply.numbers import asn_number, incident_number, parse_po_number, po_number, receipt_number


def test_each_document_kind_has_its_prefix_and_six_digits() -> None:
    assert [po_number(123), asn_number(45), receipt_number(67), incident_number(8)] == [
        "PO-000123",
        "ASN-000045",
        "GR-000067",
        "QI-000008",
    ]


def test_an_id_past_six_digits_is_shown_whole() -> None:
    assert po_number(1234567) == "PO-1234567"


@pytest.mark.parametrize(
    ("typed", "order_id"),
    [
        ("PO-000123", 123),
        ("po123", 123),
        (" 123 ", 123),
        ("PO#7", 7),
        ("PO-", None),
        ("ASN-000045", None),
        ("0", None),
        ("1234567890", None),
        ("", None),
    ],
)
def test_a_typed_purchase_order_number_finds_its_id(typed: str, order_id: int | None) -> None:
    assert parse_po_number(typed) == order_id
