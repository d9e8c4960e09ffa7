"""The normalised tracking statuses and how a carrier's own codes map onto them.

DHL's Unified API says one of five `statusCode`s (pre-transit, transit, delivered, failure,
unknown) and a free `status` text; the finer status is read from that text's words. A code the
table does not know maps to `unknown`: the event is stored (and reported), never dropped.
"""

from __future__ import annotations

from models.logistics import ExceptionReason, TrackingStatus

# Once there, a shipment never goes back to an earlier status: only forward to these.
TERMINAL_NEXT: dict[str, frozenset[str]] = {
    TrackingStatus.DELIVERED: frozenset({TrackingStatus.HANDED_OVER}),
    TrackingStatus.HANDED_OVER: frozenset(),
}

DHL_STATUS_CODES: dict[str, str] = {
    "pre-transit": TrackingStatus.INFO_RECEIVED,
    "transit": TrackingStatus.IN_TRANSIT,
    "delivered": TrackingStatus.DELIVERED,
    "failure": TrackingStatus.EXCEPTION,
    "unknown": TrackingStatus.UNKNOWN,
}

# Words of the `status`/`description` text that refine a code, checked in order.
_REFINEMENTS: tuple[tuple[str, frozenset[str], str, str | None], ...] = (
    ("handed over", frozenset({"delivered"}), TrackingStatus.HANDED_OVER, None),
    ("returned", frozenset({"transit", "failure", "delivered"}), TrackingStatus.RETURNED, None),
    ("out for delivery", frozenset({"transit"}), TrackingStatus.OUT_FOR_DELIVERY, None),
    ("delivery attempt", frozenset({"failure", "transit"}), TrackingStatus.DELIVERY_FAILED, None),
    ("customs", frozenset({"failure", "transit"}), TrackingStatus.EXCEPTION, ExceptionReason.CUSTOMS_HOLD),
    ("damage", frozenset({"failure", "transit"}), TrackingStatus.EXCEPTION, ExceptionReason.DAMAGE),
    ("address", frozenset({"failure"}), TrackingStatus.EXCEPTION, ExceptionReason.ADDRESS_PROBLEM),
    ("delay", frozenset({"failure", "transit"}), TrackingStatus.EXCEPTION, ExceptionReason.DELAY),
    ("departed", frozenset({"transit"}), TrackingStatus.IN_TRANSIT, None),  # "departed hub" is moving
    ("hub", frozenset({"transit"}), TrackingStatus.AT_HUB, None),
    ("terminal", frozenset({"transit"}), TrackingStatus.AT_HUB, None),
    ("port", frozenset({"transit"}), TrackingStatus.AT_HUB, None),
    ("compound", frozenset({"transit"}), TrackingStatus.AT_HUB, None),
)


def normalise_dhl(status_code: str, status_text: str) -> tuple[str, str | None]:
    """(normalised status, exception reason or None) for a DHL-shaped event."""
    code = status_code.strip().lower()
    base = DHL_STATUS_CODES.get(code, TrackingStatus.UNKNOWN)
    if base == TrackingStatus.UNKNOWN:
        return TrackingStatus.UNKNOWN, None
    text = status_text.lower()
    for words, codes, status, reason in _REFINEMENTS:
        if code in codes and words in text:
            return status, reason
    if base == TrackingStatus.EXCEPTION:
        return TrackingStatus.EXCEPTION, ExceptionReason.DELAY
    return base, None


def may_follow(current: str, new: str) -> bool:
    """Whether a shipment at `current` may show `new` next (delivered never goes back)."""
    allowed = TERMINAL_NEXT.get(current)
    return allowed is None or new in allowed or new == current
