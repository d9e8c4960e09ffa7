"""The public tracking look-up's rate limit, per client address (the `limits` library's moving
window, shared by every process: services/platform/rate_limits.py)."""

from __future__ import annotations

import math
import time

from limits import RateLimitItemPerMinute

from models.settings import get_settings
from services.platform.errors import DomainError
from services.platform.rate_limits import limiter


class TrackingThrottled(DomainError):
    status = 429


def take_public_lookup(client_address: str) -> None:
    """Count one look-up from `client_address`; raises TrackingThrottled (429, with `retry_after`
    seconds) past `settings.public_tracking_per_minute` in the last minute."""
    item = RateLimitItemPerMinute(get_settings().public_tracking_per_minute)
    rate = limiter()
    if not rate.hit(item, "public-tracking", client_address or "unknown"):
        reset_at = rate.get_window_stats(item, "public-tracking", client_address or "unknown").reset_time
        raise TrackingThrottled(
            "tracking.throttled", field=None, retry_after=max(1, math.ceil(reset_at - time.time()))
        )
