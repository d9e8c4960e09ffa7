"""Shared by the supplier-workspace states: turning service results into plain state data, form
errors into messages beside their field, and dates, money and states into the viewer's words.

State holds only plain data (str, int, bool, None, lists and dicts of them): `plain` turns the
Decimals, dates and datetimes the services return into strings, and the computed vars format them
for the viewer's language and zone, so switching language needs no reload.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from babel.dates import format_date as _babel_date

from services.i18n import translate
from services.platform.errors import DomainError, FieldErrors, ValidationFailed
from services.platform.formatting import format_money, format_number, locale_for

EMPTY = "—"


def plain(value: object) -> object:
    """`value` with Decimals, dates and datetimes as strings (ISO), recursively."""
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def error_entry(error: DomainError) -> list:
    """What a state keeps of a refusal: [message key, plain params]."""
    return [error.code, plain(dict(error.params))]


def error_entries(error: ValidationFailed) -> dict[str, list]:
    """Every refused field of `error` as {field: [message key, plain params]} (a FieldErrors
    names several; the first error of a field is the one shown)."""
    if isinstance(error, FieldErrors):
        entries: dict[str, list] = {}
        for item in error.errors:
            entries.setdefault(item.field or "form", [item.code, plain(dict(item.params))])
        return entries
    return {error.field or "form": error_entry(error)}


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def messages(errors: dict[str, list], language: str) -> dict[str, str]:
    """{field: message} from {field: [key, params]}; a date among the params (e.g. today's, in
    "cannot be in the past") reads as the viewer reads dates."""
    return {
        field: translate(
            code,
            language,
            **{
                name: fmt_date(value, language)
                if isinstance(value, str) and _ISO_DATE.match(value)
                else value
                for name, value in params.items()
            },
        )
        for field, (code, params) in errors.items()
    }


def fmt_date(value: str | date | None, language: str) -> str:
    """A calendar date in the viewer's language ('—' for none)."""
    if not value:
        return EMPTY
    day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    return _babel_date(day, format="medium", locale=locale_for(language))


def fmt_money(amount: str | Decimal | None, currency: str, language: str) -> str:
    if amount in (None, ""):
        return EMPTY
    return format_money(amount, currency, language)


def fmt_int(value: int | str | None, language: str) -> str:
    if value in (None, ""):
        return EMPTY
    return format_number(int(value), language)


def fmt_decimal(value: str | Decimal | None, language: str, places: int = 1) -> str:
    """A decimal figure rounded to `places` ('—' for none)."""
    if value in (None, ""):
        return EMPTY
    try:
        number = Decimal(str(value)).quantize(Decimal(1).scaleb(-places))
    except InvalidOperation:
        return EMPTY
    return format_number(number, language)


def label(prefix: str, value: str | None, language: str) -> str:
    """The translated name of a state or kind, e.g. label('purchase.status', 'issued')."""
    return translate(f"{prefix}.{value}", language) if value else EMPTY


# Badge colours per state, shared by the lists and detail pages.
PO_STATUS_COLOURS = {
    "issued": "blue",
    "acknowledged": "indigo",
    "partly_shipped": "cyan",
    "shipped": "cyan",
    "partly_received": "teal",
    "received": "grass",
    "closed": "gray",
    "cancelled": "red",
}
LINE_STATUS_COLOURS = {
    "open": "blue",
    "proposed": "amber",
    "acknowledged": "grass",
    "rejected": "red",
    "cancelled": "gray",
}
INCIDENT_STATUS_COLOURS = {
    "open": "red",
    "acknowledged": "amber",
    "resolved": "blue",
    "closed": "grass",
    "reopened": "orange",
}
STANDING_COLOURS = {"excellent": "grass", "good": "blue", "watch": "amber", "poor": "red"}


def colour(table: dict[str, str], value: str | None) -> str:
    return table.get(value or "", "gray")
