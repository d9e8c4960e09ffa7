"""Names people read (a part, a company, a model), in the viewer's language.

A named row keeps its English `name` and, where one exists, a Chinese `name_zh`; a name with no
translation (a person's surname, a name a user typed) has no `name_zh` and shows as stored.
"""

from __future__ import annotations

import re

from services.i18n import KEYS, translate


def localized_name(name: str | None, name_zh: str | None, language: str) -> str:
    """`name_zh` for a Chinese viewer when there is one, else `name` ('' for neither)."""
    if language == "zh" and name_zh:
        return name_zh
    return name or name_zh or ""


def _key_part(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def category_label(category: str | None, language: str) -> str:
    """A part category (stored as its English name) in `language`; one without a message (a
    category someone typed) shows as stored."""
    if not category:
        return ""
    key = f"part_category.{_key_part(category)}"
    return translate(key, language) if key in KEYS else category


def unit_label(unit: str | None, language: str) -> str:
    """A unit of measure ('pc', 'set', 'kit') in `language`; an unknown one as stored."""
    if not unit:
        return ""
    key = f"part_unit.{_key_part(unit)}"
    return translate(key, language) if key in KEYS else unit


def row_name(row: dict, key: str, language: str) -> str:
    """`row[key]` in `language`, where the row carries the Chinese name as `row[key + "_zh"]`."""
    return localized_name(row.get(key), row.get(f"{key}_zh"), language)


def city_label(city: str | None, language: str) -> str:
    """A city (stored in English) in `language`, where the catalogue has it; else as stored."""
    if not city:
        return ""
    key = f"city.{_key_part(city)}"
    return translate(key, language) if key in KEYS else city


def model_description(model_code: str, description: str, language: str) -> str:
    """A vehicle model's description: the catalogue's text for the model's code, else as stored."""
    key = f"model.description.{_key_part(model_code)}"
    return translate(key, language) if key in KEYS else description


def place_label(row: dict, language: str) -> str:
    """A location as a choice reads: 'name · city', both in `language`."""
    return f"{row_name(row, 'name', language)} · {city_label(row.get('city'), language)}"


def date_tick_format(language: str) -> str | None:
    """The d3 format a chart's date axis uses in `language` (None: the chart's own English months)."""
    return "%m月%d日" if language == "zh" else None
