"""The shapes the API sends and accepts. Money and other decimals travel as exact strings."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from models import User
from models.types import column_length
from portal.api.deps import PRINTABLE, PRINTABLE_LINES
from services.platform.field_paths import CONVENTION as FIELD_PATHS


def column_text(
    table: type, column: str, *, at_most: int | None = None, lines: bool = False, **field: Any
) -> Any:
    """A request string field that fits the column it is stored in: its `max_length` is read from
    the table (or `at_most`, where a rule is stricter), control characters are refused (line
    breaks and tabs allowed with `lines`)."""
    length = column_length(table, column)
    return Field(
        max_length=min(length, at_most) if at_most else length,
        pattern=PRINTABLE_LINES if lines else PRINTABLE,
        **field,
    )


def decimal_text(value: Decimal | None) -> str | None:
    """A Decimal as plain text, digit for digit ("123.40", never "1.234E+2" or a float)."""
    return None if value is None else format(value, "f")


class TokenRequest(BaseModel):
    """Credentials for a bearer token."""

    model_config = ConfigDict(extra="forbid")

    email: str = column_text(User, "email", min_length=1, examples=["dealer@demo.test"])
    password: str = Field(min_length=1, max_length=1024, pattern=PRINTABLE)


class OrganisationOut(BaseModel):
    id: int
    name: str
    kind: str


class UserOut(BaseModel):
    email: str
    full_name: str
    role: str
    language: str
    organisation: OrganisationOut


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_at: datetime
    device_token: str = Field(
        description=(
            "Proof that this client has signed in before: send it back in the X-Device-Token header "
            "of later token requests for the same e-mail, and they are throttled per device instead of "
            "per client address (so guesses by others behind the same address do not refuse you). "
            "Valid for 90 days by default; keep it like a password."
        )
    )
    user: UserOut


class PartOut(BaseModel):
    id: int
    sku: str
    name: str
    name_zh: str | None = Field(default=None, description="The Chinese name, where there is one.")
    category: str
    unit: str
    list_price: str = Field(description='Exact decimal, e.g. "123.40", in `currency`.')
    currency: str = Field(description="ISO 4217 code.")
    supplier_id: int
    supplier_name: str
    supplier_name_zh: str | None = Field(default=None, description="The Chinese name, where there is one.")
    available: int | None = Field(
        default=None,
        description="Dealers only: the units one order can get now (the most free at one OEM warehouse).",
    )


class TrimOut(BaseModel):
    id: int
    code: str
    model: str
    model_zh: str | None = Field(default=None, description="The Chinese name, where there is one.")
    model_code: str
    body: str
    name: str
    name_zh: str | None = Field(default=None, description="The Chinese name, where there is one.")
    powertrain: str
    range_km: int | None
    consumption_l_per_100km: str | None
    power_kw: int
    price: str = Field(description='Exact decimal, e.g. "239900.00", in `currency`.')
    currency: str = Field(description="ISO 4217 code.")
    image: str


class StockOut(BaseModel):
    location_id: int
    location_code: str
    location_name: str
    location_name_zh: str | None = Field(default=None, description="The Chinese name, where there is one.")
    organisation_id: int
    item_kind: str = Field(description='"part" or "trim".')
    item_code: str
    item_name: str
    item_name_zh: str | None = Field(default=None, description="The Chinese name, where there is one.")
    on_hand: int
    reserved: int
    available: int


class PartPage(BaseModel):
    items: list[PartOut]
    page: int
    page_size: int
    total: int


class TrimPage(BaseModel):
    items: list[TrimOut]
    page: int
    page_size: int
    total: int


class StockPage(BaseModel):
    items: list[StockOut]
    page: int
    page_size: int
    total: int


class FieldErrorOut(BaseModel):
    field: str = Field(description="The input at fault, as a field path.", examples=["lines[1].quantity"])
    code: str = Field(description="Translation key, stable for programs.")
    message: str


class ErrorDetail(BaseModel):
    code: str = Field(description="Translation key, stable for programs.")
    message: str = Field(description="Readable text (English, or Chinese for Accept-Language: zh).")
    field: str | None = Field(
        description=f"The input at fault, when one is, as a field path. {FIELD_PATHS}",
        examples=["lines[1].quantity"],
    )
    fields: list[FieldErrorOut] | None = Field(
        default=None,
        description="Present when several inputs are at fault: each one, in the same convention.",
    )


class ErrorOut(BaseModel):
    __doc__ = f"Every error answer has this shape. {FIELD_PATHS}"

    error: ErrorDetail


class HealthOut(BaseModel):
    status: str = Field(description='"ok" or "unavailable".')
    checks: dict[str, str] = Field(description='Each dependency: "ok" or "down: <reason>".')
