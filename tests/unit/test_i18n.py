"""Every user-facing string exists in English and Simplified Chinese, and lookups never crash."""

from __future__ import annotations

import re
from pathlib import Path
from string import Formatter

import pytest

from services.i18n import LANGUAGES, MESSAGES, catalogue, translate

SERVICES = Path(__file__).resolve().parents[2] / "services"
_RAISED_CODE = re.compile(
    r"\b(?:ValidationFailed|NotFound|AuthenticationFailed|AccountLocked|PermissionDenied|DomainError)"
    r"\(\s*\"([a-z0-9_.]+)\""
)


def _placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in Formatter().parse(text) if field is not None}


def test_the_two_languages_are_english_and_simplified_chinese():
    assert set(LANGUAGES) == {"en", "zh"}


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_message_has_english_and_chinese_with_the_same_placeholders(key):
    entry = MESSAGES[key]
    assert set(entry) == {"en", "zh"}
    assert entry["en"].strip() and entry["zh"].strip()
    assert _placeholders(entry["en"]) == _placeholders(entry["zh"])


def test_every_error_code_the_services_raise_has_a_message():
    raised = {code for path in SERVICES.rglob("*.py") for code in _RAISED_CODE.findall(path.read_text())}
    assert "auth.invalid_credentials" in raised  # the pattern does find codes
    assert sorted(raised - set(MESSAGES)) == []


def test_translate_fills_in_the_placeholders_in_the_chosen_language():
    assert translate("page.size_invalid", "en", max=200) == "The page size must be between 1 and 200."
    assert "200" in translate("page.size_invalid", "zh", max=200)
    assert translate("auth.invalid_credentials", "zh") == MESSAGES["auth.invalid_credentials"]["zh"]


def test_translate_falls_back_to_english(monkeypatch):
    monkeypatch.setitem(MESSAGES, "test.only_english", {"en": "Only in English"})
    assert translate("test.only_english", "zh") == "Only in English"
    assert translate("auth.invalid_credentials", "fr") == MESSAGES["auth.invalid_credentials"]["en"]
    assert catalogue("zh")["test.only_english"] == "Only in English"


def test_an_unknown_key_comes_back_as_itself():
    assert translate("no.such.key") == "no.such.key"
    assert translate("no.such.key", "zh", value=3) == "no.such.key"


def test_the_catalogue_holds_every_message_in_one_language():
    zh = catalogue("zh")
    assert set(zh) == set(MESSAGES)
    assert zh["auth.required"] == MESSAGES["auth.required"]["zh"]
