"""Column types shared by the tables: aware UTC times and money."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import DateTime, Numeric
from sqlalchemy.types import TypeDecorator

MONEY = Numeric(14, 2, asdecimal=True)
CENTS = Decimal("0.01")


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and always read back timezone-aware.

    SQLite has no time zones, so naive values read from it are taken as UTC;
    naive values written are refused, so a local time never slips in.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: store timezone-aware UTC")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def column_length(table: type, field: str) -> int:
    """The `max_length` of a table's string column, so request schemas and checks that guard it
    read it from the one place it is declared (`column_length(ShippingNotice, "carrier")` -> 80)."""
    length = getattr(table.__table__.c[field].type, "length", None)
    if not isinstance(length, int):
        raise TypeError(f"{table.__name__}.{field} has no length")
    return length
