"""ISO 8601 timestamps from carriers, in any of the forms they send: extended or basic, "Z" or an
offset (+01:00, +0100, +01), a decimal point or comma, fractional seconds up to nanoseconds (kept
to microseconds). A time without an offset is refused: its zone cannot be guessed.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

_ISO = re.compile(
    r"^(?P<year>\d{4})-?(?P<month>\d{2})-?(?P<day>\d{2})[T ]"
    r"(?P<hour>\d{2}):?(?P<minute>\d{2})(?::?(?P<second>\d{2})(?:[.,](?P<fraction>\d{1,9}))?)?"
    r"(?P<zone>Z|z|[+-]\d{2}(?::?\d{2})?)$"
)


class TimestampInvalid(ValueError):
    """Not an ISO 8601 date-time with an offset; the message says why."""


def parse_timestamp(value: object) -> datetime:
    """The instant `value` names, timezone-aware UTC. Raises TimestampInvalid."""
    if not isinstance(value, str):
        raise TimestampInvalid("timestamp must be a string")
    match = _ISO.match(value.strip())
    if match is None:
        if re.match(r"^\d{4}-?\d{2}-?\d{2}[T ]\d{2}:?\d{2}(:?\d{2}([.,]\d+)?)?$", value.strip()):
            raise TimestampInvalid("timestamp has no offset (add Z or +hh:mm)")
        raise TimestampInvalid("timestamp is not ISO 8601")
    parts = match.groupdict()
    zone = parts["zone"]
    if zone in ("Z", "z"):
        offset = timedelta(0)
    else:
        digits = zone[1:].replace(":", "")
        hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
        if hours > 23 or minutes > 59:
            raise TimestampInvalid("timestamp offset out of range")
        offset = timedelta(hours=hours, minutes=minutes) * (-1 if zone[0] == "-" else 1)
    fraction = (parts["fraction"] or "").ljust(6, "0")[:6]
    try:
        moment = datetime(
            int(parts["year"]),
            int(parts["month"]),
            int(parts["day"]),
            int(parts["hour"]),
            int(parts["minute"]),
            int(parts["second"] or 0),
            int(fraction),
            tzinfo=timezone(offset),
        )
    except ValueError as error:
        raise TimestampInvalid(f"timestamp out of range: {error}") from None
    return moment.astimezone(UTC)
