"""An incident's title: as a person typed it, or the system's own title kept as an i18n key with
its arguments (`title_key`, `title_params`) and written out in the reader's language."""

from __future__ import annotations

from typing import Any

from services.i18n import translate

RECEIPT_REJECT = "incident.title.receipt_reject"  # {sku}, {count}
FIELD_COMPLAINT = "incident.title.field_complaint"  # {sku}, {lot}


def incident_title(title: str | None, title_key: str | None, title_params: dict | None, language: str) -> str:
    """The title in `language`: a typed title as typed, a system title translated."""
    if title_key:
        return translate(title_key, language, **(title_params or {}))
    return title or ""


def title_fields(incident: Any) -> dict:
    """The title fields of an incident row: `title` in English (what the API and exports show),
    with the key and arguments a page translates."""
    params = dict(incident.title_params or {})
    return {
        "title": incident_title(incident.title, incident.title_key, params, "en"),
        "title_key": incident.title_key or "",
        "title_params": params,
    }


def localized_title(row: dict, language: str) -> str:
    """A row made by `title_fields` (or a plain {"title": ...}) in `language`."""
    return incident_title(row.get("title"), row.get("title_key"), row.get("title_params"), language)
