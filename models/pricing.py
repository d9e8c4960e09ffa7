"""Procurement pricing: raw-material and FX indices, supplier quotes, index-linked price agreements,
the suggestions a re-pricing run makes, and every decision on them.

An agreement's price follows `P = P0 x (a + sum(w_i x I_i,t / I_i,0))` (services/pricing/formula.py);
a suggestion is one proposed change of an agreement's price, which the approval rules
(services/pricing/approvals.py) apply, send to managers or let the supplier counter.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, Index, Integer, Numeric, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.types import MONEY, UTCDateTime, utcnow

INDEX_VALUE = Numeric(18, 6)
SHARE = Numeric(6, 4)
PERCENT = Numeric(7, 2)


class Granularity(StrEnum):
    DAILY = "daily"
    MONTHLY = "monthly"


class AgreementStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    ENDED = "ended"


class SuggestionStatus(StrEnum):
    PROPOSED = "proposed"  # waiting for managers (and the supplier's answer)
    APPROVED = "approved"  # approved; applies on its effective date
    APPLIED = "applied"  # in force
    REJECTED = "rejected"
    COUNTERED = "countered"  # the supplier proposed another price with a reason; managers decide
    SUPERSEDED = "superseded"  # a later re-pricing replaced it before anyone decided


class DecisionAction(StrEnum):
    AUTO_APPROVED = "auto_approved"
    APPROVED = "approved"
    REJECTED = "rejected"
    SUPPLIER_ACCEPTED = "supplier_accepted"
    SUPPLIER_COUNTERED = "supplier_countered"
    APPLIED = "applied"


def _in(column: str, values: type[StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


def _fk(target: str, ondelete: str, *, nullable: bool = False, index: bool = True) -> Column:
    return Column(Integer, ForeignKey(target, ondelete=ondelete), nullable=nullable, index=index)


class MarketIndex(SQLModel, table=True):
    """A published series: a raw material (`CU`, copper in USD/t) or an FX pair (`FX-EURCNY`)."""

    __tablename__ = "market_index"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=20, unique=True, index=True)
    name: str = Field(max_length=120)
    unit: str = Field(max_length=20, description="t, kg, rate ...")
    currency: str = Field(max_length=3, description="ISO 4217 of the quoted value")
    source: str = Field(default="", max_length=200, description="who publishes it (LME, SHFE, ...)")


class IndexValue(SQLModel, table=True):
    """One value of an index for a day or a month (`period` is the month's first day).

    `published_at` orders imports: a value re-imported for the same (index, granularity, period)
    replaces the stored one only when it was published later (services/pricing/indices.py)."""

    __tablename__ = "index_value"
    __table_args__ = (
        UniqueConstraint("index_id", "granularity", "period", name="uq_index_value_period"),
        CheckConstraint(_in("granularity", Granularity), name="ck_index_value_granularity"),
        CheckConstraint("value > 0", name="ck_index_value_positive"),
    )

    id: int | None = Field(default=None, primary_key=True)
    index_id: int = Field(sa_column=_fk("market_index.id", "CASCADE", index=False))
    granularity: str = Field(max_length=10)
    period: date
    value: Decimal = Field(sa_type=INDEX_VALUE)
    published_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    imported_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class SupplierQuote(SQLModel, table=True):
    """A supplier's quoted price for a part (a competing offer beside the agreements)."""

    __tablename__ = "supplier_quote"
    __table_args__ = (
        CheckConstraint("price > 0", name="ck_supplier_quote_price"),
        CheckConstraint("lead_time_days >= 0", name="ck_supplier_quote_lead_time"),
        CheckConstraint("min_quantity >= 1", name="ck_supplier_quote_min_quantity"),
        CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="ck_supplier_quote_validity"),
        Index("ix_supplier_quote_part_supplier", "part_id", "supplier_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    part_id: int = Field(sa_column=_fk("part.id", "CASCADE", index=False))
    supplier_id: int = Field(sa_column=_fk("organisation.id", "CASCADE"))
    price: Decimal = Field(sa_type=MONEY)
    currency: str = Field(max_length=3)
    lead_time_days: int = 0
    min_quantity: int = 1
    valid_from: date
    valid_to: date | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class PriceAgreement(SQLModel, table=True):
    """The index formula, guardrails and approval thresholds of one part from one supplier."""

    __tablename__ = "price_agreement"
    __table_args__ = (
        UniqueConstraint("part_id", "supplier_id", name="uq_price_agreement_part_supplier"),
        CheckConstraint(_in("status", AgreementStatus), name="ck_price_agreement_status"),
        CheckConstraint("base_price > 0 AND current_price > 0", name="ck_price_agreement_prices"),
        CheckConstraint("fixed_share >= 0 AND fixed_share <= 1", name="ck_price_agreement_fixed_share"),
        CheckConstraint(
            "floor_price IS NULL OR ceiling_price IS NULL OR floor_price <= ceiling_price",
            name="ck_price_agreement_corridor",
        ),
        CheckConstraint("floor_price IS NULL OR floor_price > 0", name="ck_price_agreement_floor"),
        CheckConstraint("max_change_pct > 0", name="ck_price_agreement_max_change"),
        CheckConstraint("review_period_days >= 1", name="ck_price_agreement_review_period"),
        CheckConstraint(
            "auto_band_pct >= 0 AND auto_band_pct <= four_eyes_pct", name="ck_price_agreement_bands"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    part_id: int = Field(sa_column=_fk("part.id", "CASCADE", index=False))
    supplier_id: int = Field(sa_column=_fk("organisation.id", "RESTRICT"))
    buyer_organisation_id: int = Field(sa_column=_fk("organisation.id", "RESTRICT"))
    currency: str = Field(max_length=3)
    base_price: Decimal = Field(sa_type=MONEY, description="P0")
    base_date: date
    fixed_share: Decimal = Field(sa_type=SHARE, description="a: the share that follows no index")
    floor_price: Decimal | None = Field(default=None, sa_type=MONEY)
    ceiling_price: Decimal | None = Field(default=None, sa_type=MONEY)
    max_change_pct: Decimal = Field(default=Decimal("5"), sa_type=PERCENT, description="per review")
    review_period_days: int = 30
    auto_band_pct: Decimal = Field(default=Decimal("1"), sa_type=PERCENT, description="applies by itself")
    four_eyes_pct: Decimal = Field(
        default=Decimal("3"), sa_type=PERCENT, description="above it, two different managers approve"
    )
    current_price: Decimal = Field(sa_type=MONEY)
    status: str = Field(default=AgreementStatus.ACTIVE, max_length=20)
    last_reviewed_on: date | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    created_by_user_id: int | None = Field(
        default=None, sa_column=_fk("user_account.id", "SET NULL", nullable=True, index=False)
    )


class AgreementTerm(SQLModel, table=True):
    """One index of an agreement's formula: its weight, averaging window and lag."""

    __tablename__ = "agreement_term"
    __table_args__ = (
        UniqueConstraint("agreement_id", "index_id", name="uq_agreement_term_index"),
        CheckConstraint("weight >= 0 AND weight <= 1", name="ck_agreement_term_weight"),
        CheckConstraint("window_months >= 1 AND window_months <= 24", name="ck_agreement_term_window"),
        CheckConstraint("lag_months >= 0 AND lag_months <= 24", name="ck_agreement_term_lag"),
    )

    id: int | None = Field(default=None, primary_key=True)
    agreement_id: int = Field(sa_column=_fk("price_agreement.id", "CASCADE", index=False))
    index_id: int = Field(sa_column=_fk("market_index.id", "RESTRICT"))
    position: int = 0
    weight: Decimal = Field(sa_type=SHARE)
    window_months: int = 1
    lag_months: int = 0


class PriceSuggestion(SQLModel, table=True):
    """A proposed new price for an agreement, with its explanation and what it means in money.

    `inputs_key` fingerprints the index averages it was computed from: re-pricing from the same
    inputs again makes no second suggestion."""

    __tablename__ = "price_suggestion"
    __table_args__ = (
        CheckConstraint(_in("status", SuggestionStatus), name="ck_price_suggestion_status"),
        CheckConstraint("proposed_price > 0 AND current_price > 0", name="ck_price_suggestion_prices"),
        CheckConstraint("counter_price IS NULL OR counter_price > 0", name="ck_price_suggestion_counter"),
        CheckConstraint("agreed_price IS NULL OR agreed_price > 0", name="ck_price_suggestion_agreed"),
        CheckConstraint(
            "required_approvals >= 0 AND required_approvals <= 2", name="ck_price_suggestion_approvals"
        ),
        Index("ix_price_suggestion_agreement_status", "agreement_id", "status"),
        Index("ix_price_suggestion_status_effective", "status", "effective_date"),
    )

    id: int | None = Field(default=None, primary_key=True)
    agreement_id: int = Field(sa_column=_fk("price_agreement.id", "CASCADE", index=False))
    current_price: Decimal = Field(sa_type=MONEY)
    formula_price: Decimal = Field(sa_type=MONEY, description="before the corridor and step limit")
    proposed_price: Decimal = Field(sa_type=MONEY)
    change_pct: Decimal = Field(sa_type=PERCENT)
    currency: str = Field(max_length=3)
    quarter_volume: int = 0
    money_next_quarter: Decimal = Field(sa_type=MONEY, description="(proposed - current) x volume")
    explanation: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    inputs_key: str = Field(max_length=64)
    status: str = Field(default=SuggestionStatus.PROPOSED, max_length=20)
    required_approvals: int = 1
    approvals: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    effective_date: date
    agreed_price: Decimal | None = Field(
        default=None, sa_type=MONEY, description="the price approved (proposed, or the supplier's counter)"
    )
    counter_price: Decimal | None = Field(default=None, sa_type=MONEY)
    counter_reason: str = Field(default="", max_length=1000)
    supplier_response: str | None = Field(default=None, max_length=20)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class PriceDecision(SQLModel, table=True):
    """Who did what to a suggestion, with the price before and after."""

    __tablename__ = "price_decision"
    __table_args__ = (CheckConstraint(_in("action", DecisionAction), name="ck_price_decision_action"),)

    id: int | None = Field(default=None, primary_key=True)
    suggestion_id: int = Field(sa_column=_fk("price_suggestion.id", "CASCADE"))
    agreement_id: int = Field(sa_column=_fk("price_agreement.id", "CASCADE"))
    actor_user_id: int | None = Field(
        default=None, sa_column=_fk("user_account.id", "SET NULL", nullable=True, index=False)
    )
    actor_organisation_id: int | None = Field(
        default=None, sa_column=_fk("organisation.id", "SET NULL", nullable=True, index=False)
    )
    action: str = Field(max_length=30)
    before_price: Decimal = Field(sa_type=MONEY)
    after_price: Decimal = Field(sa_type=MONEY)
    reason: str = Field(default="", max_length=1000)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
