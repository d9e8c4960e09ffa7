"""The shapes of the pricing API: index values, agreements, suggestions and decisions.

Money, index values, shares and percentages travel as exact strings ("103.85", "0.35"), never
floats; dates as YYYY-MM-DD (a monthly period as YYYY-MM), times as ISO 8601 in UTC. Request bodies
refuse unknown fields.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, StrictBool, StrictInt, StrictStr

from portal.api.schemas import decimal_text

MAX_ID = 2**31 - 1
DecimalText = Annotated[Decimal, PlainSerializer(decimal_text, return_type=str, when_used="json")]
ExactNumber = Annotated[StrictStr, Field(max_length=40, pattern=r"^[+-]?\d*\.?\d*$", examples=["0.35"])]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class IndexOut(BaseModel):
    id: int
    code: str
    name: str
    unit: str
    currency: str
    source: str
    latest_period: date | None
    latest_value: DecimalText | None


class IndexValueOut(BaseModel):
    period: date
    granularity: str
    value: DecimalText
    published_at: datetime


class IndexValueIn(_Body):
    index: StrictStr = Field(max_length=20, examples=["CU"])
    period: StrictStr = Field(max_length=10, description="YYYY-MM (monthly) or YYYY-MM-DD (daily).")
    value: ExactNumber
    granularity: StrictStr | None = Field(default=None, max_length=10, description="monthly or daily.")
    published_at: datetime | None = Field(default=None, description="When the source published it.")


class IndexValuesIn(_Body):
    rows: list[IndexValueIn] = Field(min_length=1, max_length=50_000)


class ImportRowError(BaseModel):
    row: int = Field(
        description="From 0 in a JSON import; as a spreadsheet numbers it (header = 1) in a CSV."
    )
    field: str
    code: str
    message: str


class ImportOut(BaseModel):
    rows: int
    inserted: int
    updated: int
    unchanged: int
    stale: int = Field(description="Values published before the stored one for the same period: kept out.")


class TermIn(_Body):
    index: StrictStr = Field(max_length=20, examples=["CU"])
    weight: ExactNumber
    window_months: StrictInt = 1
    lag_months: StrictInt = 0


class AgreementIn(_Body):
    part_id: StrictInt = Field(ge=1, le=MAX_ID)
    supplier_id: StrictInt = Field(ge=1, le=MAX_ID)
    base_price: ExactNumber
    base_date: date
    currency: StrictStr | None = Field(default=None, max_length=3)
    fixed_share: ExactNumber
    terms: list[TermIn] = Field(max_length=20)
    floor_price: ExactNumber | None = None
    ceiling_price: ExactNumber | None = None
    max_change_pct: ExactNumber | None = None
    review_period_days: StrictInt = 30
    auto_band_pct: ExactNumber | None = None
    four_eyes_pct: ExactNumber | None = None


class TermOut(BaseModel):
    index: str
    weight: DecimalText
    window_months: int
    lag_months: int


class AgreementOut(BaseModel):
    id: int
    part_id: int
    sku: str | None
    part_name: str | None
    supplier_id: int
    buyer_organisation_id: int
    currency: str
    base_price: DecimalText
    base_date: date
    fixed_share: DecimalText
    floor_price: DecimalText | None
    ceiling_price: DecimalText | None
    max_change_pct: DecimalText
    review_period_days: int
    auto_band_pct: DecimalText
    four_eyes_pct: DecimalText
    current_price: DecimalText
    status: str
    last_reviewed_on: date | None
    terms: list[TermOut]


class SuggestionOut(BaseModel):
    id: int
    agreement_id: int
    part_id: int
    sku: str | None
    supplier_id: int
    current_price: DecimalText
    formula_price: DecimalText
    proposed_price: DecimalText
    agreed_price: DecimalText | None
    change_pct: DecimalText
    currency: str
    quarter_volume: int
    money_next_quarter: DecimalText
    status: str
    required_approvals: int
    approvals: list[int]
    effective_date: date
    supplier_response: str | None
    counter_price: DecimalText | None
    counter_reason: str
    explanation: dict[str, Any] = Field(description="Structured: terms, limits, advice, text per language.")
    explanation_text: str = Field(description="The explanation in the caller's language.")


class DecisionIn(_Body):
    reason: StrictStr = Field(default="", max_length=1000)


class SupplierResponseIn(_Body):
    accept: StrictBool
    counter_price: ExactNumber | None = None
    reason: StrictStr = Field(default="", max_length=1000)


# ---------------------------------------------------------------- market price lists


class MarketOut(BaseModel):
    id: int
    code: str
    name: str
    name_zh: str
    currency: str
    countries: list[str]
    prices: int
    pending: int


class MarketPriceOut(BaseModel):
    id: int
    market_id: int
    market_code: str
    currency: str
    item_kind: str
    item_id: int
    code: str
    name: str
    name_zh: str
    list_price: DecimalText
    previous_price: DecimalText | None
    change_pct: DecimalText | None
    manual: bool
    status: str
    required_approvals: int
    approvals: list[int]
    effective_from: date | None


class MarketPricePageOut(BaseModel):
    rows: list[MarketPriceOut]
    total: int


class ManualPriceIn(_Body):
    item_kind: Annotated[StrictStr, Field(pattern="^(part|trim)$")]
    item_id: Annotated[StrictInt, Field(ge=1, le=MAX_ID)]
    price: ExactNumber


class RepricingOut(BaseModel):
    queued: bool
