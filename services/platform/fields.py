"""Reading form and API values for the supplier workspace: whole quantities, dates, money, text.

Each reader returns the clean value or raises ValidationFailed naming the field, so a page can put
the message beside the input and the API can answer 422 with the field.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import wraps
from typing import ParamSpec, TypeVar
from zoneinfo import ZoneInfo

from models.types import CENTS, utcnow
from services.platform.errors import ValidationFailed

MAX_QUANTITY = 10_000_000
_WHOLE = re.compile(r"^[+-]?\d+$")
_DECIMAL = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_LOT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/\-]*$")
P = ParamSpec("P")
R = TypeVar("R")


def whole_quantity(
    value: object, field: str, *, allow_zero: bool = False, maximum: int = MAX_QUANTITY
) -> int:
    """A whole number of units: positive (or zero when `allow_zero`), at most `maximum`.

    Accepts ints, integral Decimals and floats, and digit strings. Raises ValidationFailed with
    `quantity.required`, `quantity.not_a_number`, `quantity.not_whole`, `quantity.negative`,
    `quantity.not_positive` or `quantity.too_large`.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValidationFailed("quantity.required", field=field)
    if isinstance(value, bool):
        raise ValidationFailed("quantity.not_a_number", field=field)
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip()
        if _WHOLE.match(text):
            number = int(text)
        elif _DECIMAL.match(text):
            raise ValidationFailed("quantity.not_whole", field=field, value=text)
        else:
            try:
                decimal = Decimal(text)
            except InvalidOperation:
                raise ValidationFailed("quantity.not_a_number", field=field, value=text[:40]) from None
            if not decimal.is_finite():
                raise ValidationFailed("quantity.not_a_number", field=field, value=text[:40])
            if decimal != decimal.to_integral_value():
                raise ValidationFailed("quantity.not_whole", field=field, value=text[:40])
            number = int(decimal)
    if number < 0:
        raise ValidationFailed("quantity.negative", field=field)
    if number == 0 and not allow_zero:
        raise ValidationFailed("quantity.not_positive", field=field)
    if number > maximum:
        raise ValidationFailed("quantity.too_large", field=field, max=maximum)
    return number


def calendar_date(value: object, field: str) -> date:
    """A calendar date from a `date` or an ISO `YYYY-MM-DD` string (`date.invalid` otherwise)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            pass
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValidationFailed("date.required", field=field)
    raise ValidationFailed("date.invalid", field=field)


def not_in_past(day: date, today: date, field: str) -> date:
    """`day` itself, unless it lies before `today` (`date.in_past`)."""
    if day < today:
        raise ValidationFailed("date.in_past", field=field, today=today.isoformat())
    return day


def today_in(time_zone: str | None, now: datetime | None = None) -> date:
    """Today's date in `time_zone` (UTC when unknown): what "the past" means to that person."""
    now = now or utcnow()
    try:
        return now.astimezone(ZoneInfo(time_zone or "UTC")).date()
    except (KeyError, ValueError):
        return now.date()


def unit_price(value: object, field: str) -> Decimal:
    """A positive money amount with at most 2 decimals (`price.*` keys otherwise)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValidationFailed("price.required", field=field)
    if isinstance(value, bool):
        raise ValidationFailed("price.invalid", field=field)
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValidationFailed("price.invalid", field=field) from None
    if not amount.is_finite():
        raise ValidationFailed("price.invalid", field=field)
    if amount <= 0:
        raise ValidationFailed("price.not_positive", field=field)
    if amount != amount.quantize(CENTS):
        raise ValidationFailed("price.too_precise", field=field)
    if amount >= Decimal("1000000000000"):
        raise ValidationFailed("price.too_large", field=field)
    return amount.quantize(CENTS)


def currency_code(value: object, field: str = "currency") -> str:
    """An ISO 4217 code such as CNY (upper-cased; `currency.invalid` otherwise)."""
    text = str(value or "").strip().upper()
    if not _CURRENCY.match(text):
        raise ValidationFailed("currency.invalid", field=field)
    return text


def text_value(value: object, field: str, *, max_length: int, required: bool = False) -> str:
    """Trimmed text of at most `max_length` characters (`text.required`, `text.too_long`)."""
    text = str(value or "").strip()
    if required and not text:
        raise ValidationFailed("text.required", field=field)
    if len(text) > max_length:
        raise ValidationFailed("text.too_long", field=field, max=max_length)
    return text


def lot_number(value: object, field: str) -> str:
    """A lot or batch number: letters, digits and . _ / - (at most 60; `lot.*` keys otherwise)."""
    text = str(value or "").strip()
    if not text:
        raise ValidationFailed("lot.required", field=field)
    if len(text) > 60 or not _LOT.match(text):
        raise ValidationFailed("lot.invalid", field=field)
    return text


def record_id(value: object, field: str) -> int:
    """A row id from a form or path (`id.invalid` for anything but a positive whole number)."""
    if isinstance(value, bool):
        raise ValidationFailed("id.invalid", field=field)
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
    else:
        raise ValidationFailed("id.invalid", field=field)
    if number <= 0 or number > 2**31 - 1:
        raise ValidationFailed("id.invalid", field=field)
    return number


def all_or_nothing(function: Callable[P, R]) -> Callable[P, R]:
    """Roll the session (the first argument) back when `function` raises, so a refused change
    leaves nothing pending for a caller that keeps using the same session."""

    @wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return function(*args, **kwargs)
        except BaseException:
            session = args[0] if args else kwargs.get("session")
            if session is not None:
                session.rollback()
            raise

    return wrapper
