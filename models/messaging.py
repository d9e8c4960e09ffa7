"""Cross-process plumbing kept in the database: the outbox, the embedded cache and rate limits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, Index, text
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime, utcnow


class OutboxMessage(SQLModel, table=True):
    """An effect for another process, written in the same transaction as the change.

    The relay sends undispatched rows to the broker and marks them; a crash between
    the two sends a row again, so every consumer is idempotent.
    """

    __tablename__ = "outbox_message"
    # What a relay reads: the oldest undispatched rows of its topics. Partial, so it stays as small
    # as the backlog however many rows were dispatched before.
    __table_args__ = (
        Index(
            "ix_outbox_message_undispatched",
            "topic",
            "id",
            postgresql_where=text("dispatched_at IS NULL"),
            sqlite_where=text("dispatched_at IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    topic: str = Field(max_length=80, index=True)
    payload: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    dispatched_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)


class CacheEntry(SQLModel, table=True):
    """The cache in embedded mode (Redis holds it in services mode)."""

    __tablename__ = "cache_entry"

    key: str = Field(primary_key=True, max_length=200)
    value: dict = Field(sa_column=Column(JSON, nullable=False))
    expires_at: datetime = Field(sa_type=UTCDateTime)


class RateLimitEntry(SQLModel, table=True):
    """One counted hit of a moving-window rate limit in embedded mode (Redis holds them in services
    mode); services/platform/rate_limits.py is the `limits` storage on this table. Times are Unix seconds,
    as the `limits` library speaks them."""

    __tablename__ = "rate_limit_entry"
    __table_args__ = (Index("ix_rate_limit_entry_key_at", "key", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=200)
    at: float
    expires_at: float = Field(index=True)
