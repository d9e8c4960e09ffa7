"""DHL's five codes and their texts map onto the finer normalised statuses."""

from __future__ import annotations

import pytest

from services.logistics.ingest import fold_status
from services.logistics.statuses import normalise_dhl
from services.logistics.timestamps import TimestampInvalid, parse_timestamp


@pytest.mark.parametrize(
    ("code", "text", "expected"),
    [
        ("pre-transit", "Shipment information received", ("info_received", None)),
        ("transit", "Departed hub", ("in_transit", None)),
        ("transit", "Arrived at hub", ("at_hub", None)),
        ("transit", "Out for delivery", ("out_for_delivery", None)),
        ("failure", "Held by customs", ("exception", "customs_hold")),
        ("failure", "Delivery attempt failed", ("delivery_failed", None)),
        ("failure", "Something went wrong", ("exception", "delay")),
        ("delivered", "Delivered", ("delivered", None)),
        ("DELIVERED", "Vehicle handed over", ("handed_over", None)),
        ("warp", "Beamed", ("unknown", None)),
    ],
)
def test_dhl_codes_and_texts_normalise(code, text, expected):
    assert normalise_dhl(code, text) == expected


def test_a_delivered_shipment_never_goes_back_whatever_the_order():
    from datetime import UTC, datetime

    t = [datetime(2026, 3, day, tzinfo=UTC) for day in (1, 2, 3)]
    assert fold_status([("in_transit", t[2]), ("delivered", t[1]), ("info_received", t[0])]) == "delivered"
    assert fold_status([("handed_over", t[2]), ("delivered", t[1])]) == "handed_over"
    assert fold_status([("unknown", t[2]), ("in_transit", t[1])]) == "in_transit"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-01T08:00:00Z", "2026-03-01T08:00:00+00:00"),
        ("2026-03-01T09:00:00+01:00", "2026-03-01T08:00:00+00:00"),
        ("2026-03-01T03:00:00-0500", "2026-03-01T08:00:00+00:00"),
        ("20260301T080000Z", "2026-03-01T08:00:00+00:00"),
        ("2026-03-01T08:00:00.123456789Z", "2026-03-01T08:00:00.123456+00:00"),
        ("2026-03-01 08:00:00,5+00", "2026-03-01T08:00:00.500000+00:00"),
    ],
)
def test_iso_8601_forms_parse_to_utc(text, expected):
    assert parse_timestamp(text).isoformat() == expected


@pytest.mark.parametrize(
    "text",
    ["2026-03-01T08:00:00", "yesterday", "2026-13-01T08:00Z", "2026-03-01T08:00+25:00", 1709280000, None],
)
def test_timestamps_without_an_offset_or_out_of_range_are_refused(text):
    with pytest.raises(TimestampInvalid):
        parse_timestamp(text)


def test_production_has_no_demo_carriers_and_refuses_a_demo_webhook_secret(monkeypatch):
    from models.settings import Settings

    monkeypatch.setenv("SECRET_KEY", "a-real-secret-for-production-use")
    monkeypatch.setenv("PAYMENT_NOTIFY_SECRET", "a-real-notify-secret-for-production")
    assert Settings(mode="production").carriers == {}
    with pytest.raises(ValueError, match="webhook_secret"):
        Settings(mode="production", carriers={"dhl": {"base_url": "https://api-eu.dhl.com"}})
    real = Settings(
        mode="production",
        carriers={"dhl": {"base_url": "https://api-eu.dhl.com", "webhook_secret": "s3cret-from-the-vault"}},
    )
    assert real.carrier_base_url("dhl") == "https://api-eu.dhl.com"
    assert Settings().carrier_base_url("dhl") == "http://127.0.0.1:8790"  # demo: the local server
