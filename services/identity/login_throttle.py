"""Throttling failed logins without locking anyone out.

Failures are counted in two moving windows (services/platform/rate_limits.py): per (e-mail, client address)
and per client address across e-mails. Each failure makes the next answer from that address wait a
little longer (the caller waits, without blocking its event loop); a full window refuses with a
retry time. Nothing is counted per account alone, so guesses from one address never stop the owner
signing in from another, and the keys are built from the e-mail as typed, never from whether an
account exists: a known and an unknown e-mail are throttled exactly alike.

An attempt from a known device (a valid device token for the e-mail it tries,
identity/device_tokens.py) is counted in a small window of its own per device id instead, and not
against the address: the owner behind the same address as an attacker (an office NAT) still signs
in, while a stolen device token gets only that window's guesses before it is refused in turn.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from limits import RateLimitItem, RateLimitItemPerMinute

from models.settings import get_settings
from services.platform.rate_limits import limiter


@dataclass(frozen=True)
class Refusal:
    """A throttled attempt: try again in `retry_after` seconds (whole minutes, so the figure says
    nothing finer about when the failures happened)."""

    retry_after: int


def _email_id(normalized_email: str) -> str:
    # The limiter's keys never hold an e-mail address in clear.
    return hashlib.sha256(normalized_email.encode()).hexdigest()[:32]


def _device_window() -> RateLimitItem:
    settings = get_settings()
    return RateLimitItemPerMinute(
        settings.login_failures_per_device, settings.login_throttle_minutes, namespace="login-device"
    )


def _windows() -> tuple[RateLimitItem, RateLimitItem]:
    settings = get_settings()
    minutes = settings.login_throttle_minutes
    return (
        RateLimitItemPerMinute(
            settings.login_failures_per_account_address, minutes, namespace="login-account-address"
        ),
        RateLimitItemPerMinute(settings.login_failures_per_address, minutes, namespace="login-address"),
    )


def delay_seconds(normalized_email: str, client_address: str, device_id: str | None = None) -> float:
    """How long the answer to the next attempt waits: `login_delay_step_seconds` per failure in the
    fuller of the two windows (the per-address one scaled to the per-account size), at most the cap;
    from a known device, per failure in its own window."""
    settings = get_settings()
    pair, address = _windows()
    rate_limiter = limiter()
    if device_id is not None:
        device = _device_window()
        used = device.amount - rate_limiter.get_window_stats(device, device_id).remaining
        return min(
            settings.login_delay_cap_seconds,
            settings.login_delay_step_seconds * used * pair.amount / device.amount,
        )
    pair_used = (
        pair.amount
        - rate_limiter.get_window_stats(pair, _email_id(normalized_email), client_address).remaining
    )
    address_used = address.amount - rate_limiter.get_window_stats(address, client_address).remaining
    failures = max(pair_used, address_used * pair.amount / address.amount)
    return min(settings.login_delay_cap_seconds, settings.login_delay_step_seconds * failures)


def reserve_attempt(
    normalized_email: str, client_address: str, device_id: str | None = None
) -> Refusal | None:
    """Count one attempt for (e-mail, address), or refuse it when either window is full; from a
    known device, count it in the device's window only, or refuse it when that one is full.

    The count is taken before the password is checked (atomically, so parallel guesses cannot
    overrun it) and forgiven by `record_success`.
    """
    pair, address = _windows()
    rate_limiter = limiter()
    if device_id is not None:
        device = _device_window()
        return None if rate_limiter.hit(device, device_id) else _refusal(device, device_id)
    email_id = _email_id(normalized_email)
    if not rate_limiter.test(address, client_address):
        return _refusal(address, client_address)
    if not rate_limiter.hit(pair, email_id, client_address):
        return _refusal(pair, email_id, client_address)
    return None


def record_failure(client_address: str, device_id: str | None = None) -> None:
    """Count a failed attempt against the address, across e-mails (from a known device,
    `reserve_attempt` has counted it already, and the address is left alone)."""
    if device_id is not None:
        return
    _pair, address = _windows()
    limiter().hit(address, client_address)


def record_success(normalized_email: str, client_address: str, device_id: str | None = None) -> None:
    """The right password from this address (or device): its attempts for this e-mail start again."""
    if device_id is not None:
        limiter().clear(_device_window(), device_id)
        return
    pair, _address = _windows()
    limiter().clear(pair, _email_id(normalized_email), client_address)


def _refusal(item: RateLimitItem, *identifiers: str) -> Refusal:
    reset_at = limiter().get_window_stats(item, *identifiers).reset_time
    minutes = max(1, math.ceil((reset_at - time.time()) / 60))
    return Refusal(retry_after=minutes * 60)
