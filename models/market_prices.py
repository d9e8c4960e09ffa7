"""Market price lists: what dealers and customers pay the carmaker, per market and in its currency.

A market (a country or a region) has one currency, the countries it serves, a markup rule per item
kind and category, and the approval band for list-price changes. Its list holds one active price
per part and trim (derived from cost by the markup rule, or set by hand), and at most one pending
change per item waiting for managers. Dealer tiers discount a line by its quantity; promotions
discount one item for a time. The rules are services/pricing/market_prices.py (pure) and
services/pricing/market_lists.py (reads, the repricing run, approvals).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, Index, Integer, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from models.pricing import PERCENT
from models.types import MONEY, UTCDateTime, utcnow


class MarketPriceStatus(StrEnum):
    ACTIVE = "active"  # the list price in force (one per market and item)
    PENDING = "pending"  # a proposed change waiting for managers (at most one per market and item)
    SUPERSEDED = "superseded"  # a former active price, kept for the history
    REJECTED = "rejected"  # a pending change a manager refused


def _in(column: str, values: type[StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


def _fk(target: str, ondelete: str, *, nullable: bool = False, index: bool = False) -> Column:
    return Column(Integer, ForeignKey(target, ondelete=ondelete), nullable=nullable, index=index)


def _one_per(status: MarketPriceStatus, item: str) -> Index:
    """At most one row of `status` per market and item (a partial unique index: both databases)."""
    where = text(f"status = '{status.value}' AND {item} IS NOT NULL")
    return Index(
        f"uq_market_price_{status.value}_{item}",
        "market_id",
        item,
        unique=True,
        postgresql_where=where,
        sqlite_where=where,
    )


class Market(SQLModel, table=True):
    """A sales market: its currency, markup rules and the approval band of its list-price changes.

    `markup_rules` maps "part", "trim" and "part:<category>" / "trim:<model code>" to a markup in
    percent over cost (a string, Decimal-exact); the most specific key wins."""

    __tablename__ = "market"
    __table_args__ = (
        CheckConstraint("auto_band_pct >= 0 AND auto_band_pct <= four_eyes_pct", name="ck_market_bands"),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=10, unique=True)
    name: str = Field(max_length=120)
    name_zh: str | None = Field(default=None, max_length=120, description="Chinese name (None: none)")
    currency: str = Field(max_length=3, description="ISO 4217: every price of the market's list")
    markup_rules: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    auto_band_pct: Decimal = Field(default=Decimal("1"), sa_type=PERCENT, description="applies by itself")
    four_eyes_pct: Decimal = Field(
        default=Decimal("3"), sa_type=PERCENT, description="above it, two different managers approve"
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class MarketCountry(SQLModel, table=True):
    """A country served by a market: a buyer's market is the one of its delivery location's country
    (a country is in one market at most)."""

    __tablename__ = "market_country"

    country: str = Field(primary_key=True, max_length=2, description="ISO 3166-1 alpha-2")
    market_id: int = Field(sa_column=_fk("market.id", "CASCADE", index=True))


class MarketPrice(SQLModel, table=True):
    """One list price of a part or trim in a market, or a pending change of it.

    `cost` is the item's cost converted into the market currency when the price was computed;
    `previous_price` the active price a change replaces (None for an item's first price)."""

    __tablename__ = "market_price"
    __table_args__ = (
        CheckConstraint("(part_id IS NULL) <> (trim_id IS NULL)", name="ck_market_price_one_item"),
        CheckConstraint(_in("status", MarketPriceStatus), name="ck_market_price_status"),
        CheckConstraint("list_price > 0", name="ck_market_price_positive"),
        CheckConstraint("previous_price IS NULL OR previous_price > 0", name="ck_market_price_previous"),
        CheckConstraint(
            "required_approvals >= 0 AND required_approvals <= 2", name="ck_market_price_approvals"
        ),
        _one_per(MarketPriceStatus.ACTIVE, "part_id"),
        _one_per(MarketPriceStatus.ACTIVE, "trim_id"),
        _one_per(MarketPriceStatus.PENDING, "part_id"),
        _one_per(MarketPriceStatus.PENDING, "trim_id"),
        Index("ix_market_price_market_status", "market_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    market_id: int = Field(sa_column=_fk("market.id", "CASCADE"))
    part_id: int | None = Field(default=None, sa_column=_fk("part.id", "CASCADE", nullable=True, index=True))
    trim_id: int | None = Field(default=None, sa_column=_fk("trim.id", "CASCADE", nullable=True, index=True))
    list_price: Decimal = Field(sa_type=MONEY, description="in the market's currency")
    cost: Decimal | None = Field(default=None, sa_type=MONEY, description="cost in the market currency")
    manual: bool = Field(default=False, description="set by hand: the repricing run leaves it alone")
    status: str = Field(default=MarketPriceStatus.ACTIVE, max_length=12)
    effective_from: date | None = Field(default=None, description="the day it came into force")
    previous_price: Decimal | None = Field(default=None, sa_type=MONEY)
    change_pct: Decimal | None = Field(default=None, sa_type=PERCENT)
    required_approvals: int = 0
    approvals: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_by_user_id: int | None = Field(
        default=None, sa_column=_fk("user_account.id", "SET NULL", nullable=True)
    )


class DealerTier(SQLModel, table=True):
    """A dealer discount of a market for a line of at least `min_quantity` units."""

    __tablename__ = "dealer_tier"
    __table_args__ = (
        UniqueConstraint("market_id", "min_quantity", name="uq_dealer_tier_quantity"),
        CheckConstraint("min_quantity >= 1", name="ck_dealer_tier_quantity"),
        CheckConstraint("discount_pct > 0 AND discount_pct < 100", name="ck_dealer_tier_discount"),
    )

    id: int | None = Field(default=None, primary_key=True)
    market_id: int = Field(sa_column=_fk("market.id", "CASCADE", index=True))
    min_quantity: int
    discount_pct: Decimal = Field(sa_type=PERCENT)


class Promotion(SQLModel, table=True):
    """A time-limited offer on one item in one market: a percent off or a price, from `valid_from`
    to `valid_to` (both days included)."""

    __tablename__ = "promotion"
    __table_args__ = (
        CheckConstraint("(part_id IS NULL) <> (trim_id IS NULL)", name="ck_promotion_one_item"),
        CheckConstraint("(percent IS NULL) <> (price IS NULL)", name="ck_promotion_percent_or_price"),
        CheckConstraint("percent IS NULL OR (percent > 0 AND percent < 100)", name="ck_promotion_percent"),
        CheckConstraint("price IS NULL OR price > 0", name="ck_promotion_price"),
        CheckConstraint("valid_to >= valid_from", name="ck_promotion_dates"),
        Index("ix_promotion_market_part", "market_id", "part_id"),
        Index("ix_promotion_market_trim", "market_id", "trim_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    market_id: int = Field(sa_column=_fk("market.id", "CASCADE"))
    part_id: int | None = Field(default=None, sa_column=_fk("part.id", "CASCADE", nullable=True))
    trim_id: int | None = Field(default=None, sa_column=_fk("trim.id", "CASCADE", nullable=True))
    name: str = Field(max_length=120)
    percent: Decimal | None = Field(default=None, sa_type=PERCENT)
    price: Decimal | None = Field(default=None, sa_type=MONEY, description="in the market's currency")
    valid_from: date
    valid_to: date
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
