"""Carrier adapters behind one interface, and the DHL one (the Shipment Tracking - Unified API).

An adapter fetches one tracking number's document; `services.logistics.ingest` reads it. The DHL
shape is `GET {base}/track/shipments?trackingNumber=..&service=..&language=..` with the
`DHL-API-Key` header: 200 with `shipments[]`, 404 for an unknown number, 429 with `Retry-After`
over the rate limit. Every configured carrier speaks it in this portal (the local carrier server
serves all of them); another shape is one more adapter class in `ADAPTERS`.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Protocol

import httpx

from models.settings import CarrierSettings, Settings

SIGNATURE_HEADER = "X-Carrier-Signature"


class CarrierError(Exception):
    """The carrier did not answer usefully (5xx, a timeout, a refused connection, a bad body)."""


class CarrierRateLimited(CarrierError):
    """429: wait `retry_after` seconds (None when the carrier did not say)."""

    def __init__(self, retry_after: float | None) -> None:
        super().__init__(f"rate limited (Retry-After {retry_after})")
        self.retry_after = retry_after


class TrackingNotFound(Exception):
    """404: the carrier does not know the number (yet)."""


class CarrierAdapter(Protocol):
    name: str

    def fetch(self, tracking_number: str) -> bytes:
        """The carrier's document for one tracking number (raw bytes, for `ingest_payload`).
        Raises TrackingNotFound, CarrierRateLimited, CarrierError."""


class DhlAdapter:
    """The DHL Unified API's shape over HTTP (httpx, one client per adapter)."""

    def __init__(
        self,
        name: str,
        base_url: str,
        config: CarrierSettings,
        *,
        language: str = "en",
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.name = name
        self.config = config
        self.language = language
        self.client = httpx.Client(
            base_url=base_url,
            timeout=config.timeout_seconds,
            transport=transport,
            headers={"DHL-API-Key": config.api_key, "Accept": "application/json"},
        )

    def fetch(self, tracking_number: str) -> bytes:
        try:
            answer = self.client.get(
                "/track/shipments",
                params={
                    "trackingNumber": tracking_number,
                    "service": self.config.service,
                    "language": self.language,
                },
            )
        except httpx.HTTPError as error:
            raise CarrierError(f"{type(error).__name__}: {error}") from None
        if answer.status_code == 200:
            return answer.content
        if answer.status_code == 404:
            raise TrackingNotFound(tracking_number)
        if answer.status_code == 429:
            raise CarrierRateLimited(_seconds(answer.headers.get("Retry-After")))
        raise CarrierError(f"HTTP {answer.status_code}")

    def close(self) -> None:
        self.client.close()


def _seconds(value: str | None) -> float | None:
    try:
        seconds = float(value) if value is not None else None
    except ValueError:
        return None
    return seconds if seconds is not None and 0 <= seconds <= 86_400 else None


ADAPTERS: dict[str, type[DhlAdapter]] = {"dhl": DhlAdapter}


def adapter_for(settings: Settings, carrier: str) -> CarrierAdapter:
    """The adapter of a configured carrier. Raises KeyError for one not in `settings.carriers`."""
    config = settings.carriers[carrier]
    return DhlAdapter(carrier, settings.carrier_base_url(carrier), config)


def sign_body(secret: str, body: bytes) -> str:
    """Hex HMAC-SHA256 of a webhook body with the carrier's secret."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify_signature(settings: Settings, carrier: str, body: bytes, signature: str | None) -> bool:
    """Whether `signature` is the carrier's HMAC of `body` (constant time; False for a carrier
    that is not configured or a missing signature)."""
    config = settings.carriers.get(carrier)
    expected = sign_body(config.webhook_secret if config else "not configured", body)
    given = (signature or "").strip().lower()
    if given.startswith("sha256="):
        given = given[len("sha256=") :]
    return hmac.compare_digest(expected.encode(), given.encode()) and config is not None and bool(signature)
