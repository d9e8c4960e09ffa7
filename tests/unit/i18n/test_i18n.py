"""Every user-facing string exists in English and Simplified Chinese, and lookups never crash."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from string import Formatter

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

import services.i18n as i18n
from services.i18n import KEYS, LANGUAGES, LOCALE_DIR, catalogue, translate

ROOT = next(parent for parent in Path(__file__).resolve().parents if (parent / "pyproject.toml").exists())
APP_DIRS = ("portal", "state", "services", "workers")
PLURAL_FORMS = {"en": "nplurals=2; plural=(n != 1);", "zh": "nplurals=1; plural=0;"}
_RAISED_CODE = re.compile(
    r"\b(?:ValidationFailed|NotFound|AuthenticationFailed|AccountLocked|PermissionDenied|DomainError)"
    r"\(\s*\"([a-z0-9_.]+)\""
)
_STATIC_KEY = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")


def _placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in Formatter().parse(text) if field is not None}


def _read_catalogues() -> dict[str, dict[str, tuple[str, tuple[str, ...], bool]]]:
    """language -> key -> (domain, forms, plural), straight from the .po files."""
    entries: dict[str, dict[str, tuple[str, tuple[str, ...], bool]]] = {}
    for po_path in sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po")):
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file)
        language = po_path.parents[1].name
        for message in catalog:
            if message.id:
                key = message.id[0] if message.pluralizable else message.id
                forms = tuple(message.string) if message.pluralizable else (message.string,)
                entries.setdefault(language, {})[key] = (po_path.stem, forms, message.pluralizable)
    return entries


ENTRIES = _read_catalogues()
PLURAL_KEYS = frozenset(key for key, (_, _, plural) in ENTRIES["en"].items() if plural)


def test_the_two_languages_are_english_and_simplified_chinese():
    assert set(LANGUAGES) == {"en", "zh"}
    assert {path.name for path in LOCALE_DIR.iterdir() if path.is_dir()} == set(LANGUAGES)


@pytest.mark.parametrize("language", sorted(PLURAL_FORMS))
def test_every_catalogue_file_parses_with_its_languages_plural_rule(language):
    po_paths = sorted((LOCALE_DIR / language / "LC_MESSAGES").glob("*.po"))
    assert {path.stem for path in po_paths} >= {"platform", "identity", "catalog", "ordering", "supply"}
    assert [path.name for path in po_paths] == sorted(path.name for path in LOCALE_DIR.glob("en/*/*.po"))
    for po_path in po_paths:
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file)
        assert str(catalog.locale) == language, po_path
        assert catalog.plural_forms == PLURAL_FORMS[language], po_path
        assert len(catalog) > 0, po_path


@pytest.mark.parametrize("key", sorted(KEYS))
def test_every_message_has_english_and_chinese_with_the_same_placeholders(key):
    (en_domain, en_forms, _), (zh_domain, zh_forms, _) = ENTRIES["en"][key], ENTRIES["zh"][key]
    assert en_domain == zh_domain
    assert all(form.strip() for form in en_forms + zh_forms)
    assert len({frozenset(_placeholders(form)) for form in en_forms + zh_forms}) == 1


def test_there_are_plural_messages_and_each_has_every_form_of_both_languages():
    assert "inventory.items_invalid" in PLURAL_KEYS
    for key in PLURAL_KEYS:
        assert ENTRIES["zh"][key][2], f"{key} is plural in English only"
        assert len(ENTRIES["en"][key][1]) == 2 and len(ENTRIES["zh"][key][1]) == 1, key
    texts = [form for language in ENTRIES.values() for _, forms, _ in language.values() for form in forms]
    assert [text for text in texts if re.search(r"\w\((?:s|es)\)", text)] == []  # no "item(s)" left


def test_a_plural_message_says_1_item_and_3_items_in_english():
    assert translate("inventory.items_invalid", "en", count=1) == "1 item is not valid; nothing was changed."
    assert translate("inventory.items_invalid", "en", count=3) == (
        "3 items are not valid; nothing was changed."
    )
    assert translate("purchase.detail.lines", "en", count=1, lines="1") == "1 line"
    assert translate("purchase.detail.lines", "en", count=1200, lines="1,200") == "1,200 lines"
    assert translate("common.rows_total", "en", count=0, total="0") == "0 rows"
    assert translate("inventory.items_invalid", "zh", count=1) == "1 项无效，未做任何更改。"  # one form
    assert translate("inventory.items_invalid", "zh", count=3) == "3 项无效，未做任何更改。"


def test_a_plural_message_wants_the_number_not_the_formatted_text():
    with pytest.raises(TypeError, match="count must be a number"):
        translate("common.rows_total", "en", count="1,200", total="1,200")


def test_code_that_shows_a_plural_message_passes_the_count_that_picks_the_form():
    missing = []
    for top in APP_DIRS:
        for path in sorted((ROOT / top).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            if not any(f'"{key}"' in text for key in PLURAL_KEYS):
                continue
            calls = [node for node in ast.walk(ast.parse(text)) if isinstance(node, ast.Call)]
            missing += [
                f"{path.relative_to(ROOT)}:{call.lineno}"
                for call in calls
                if {arg.value for arg in call.args if isinstance(arg, ast.Constant)} & PLURAL_KEYS
                and not {keyword.arg for keyword in call.keywords} & {"count", None}
            ]
    assert missing == []


def test_every_static_key_the_code_uses_has_a_message():
    """What `pybabel extract -F babel.cfg -k translate` finds is in the catalogues."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    keywords = {**DEFAULT_KEYWORDS, "translate": None}
    extracted = extract_from_dir(str(ROOT), method_map, options_map, keywords)
    found = {
        message
        for _, _, message, _, _ in extracted
        if isinstance(message, str) and _STATIC_KEY.match(message)
    }
    assert {"login.title", "common.rows_total", "purchase.detail.lines"} <= found  # it does find keys

    def joined_keys(message: str) -> bool:  # babel joins t("a.b" if yes else "a.c") into "a.ba.c"
        return any(message[:cut] in KEYS and message[cut:] in KEYS for cut in range(1, len(message)))

    assert sorted(key for key in found - KEYS if not joined_keys(key)) == []


def test_every_error_code_the_services_raise_has_a_message():
    raised = {
        code
        for path in (ROOT / "services").rglob("*.py")
        for code in _RAISED_CODE.findall(path.read_text(encoding="utf-8"))
    }
    assert "auth.invalid_credentials" in raised  # the pattern does find codes
    assert sorted(raised - KEYS) == []


def test_translate_fills_in_the_placeholders_in_the_chosen_language():
    assert translate("page.size_invalid", "en", max=200) == "The page size must be between 1 and 200."
    assert "200" in translate("page.size_invalid", "zh", max=200)
    assert translate("auth.invalid_credentials", "zh") == ENTRIES["zh"]["auth.invalid_credentials"][1][0]


def _write_po(path: Path, language: str, body: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    header = (
        f'msgid ""\nmsgstr ""\n"Language: {language}\\n"\n"Plural-Forms: {PLURAL_FORMS[language]}\\n"\n\n'
    )
    path.write_text(header + body, encoding="utf-8")


def test_translate_falls_back_to_english(monkeypatch, tmp_path):
    _write_po(
        tmp_path / "en/LC_MESSAGES/platform.po",
        "en",
        'msgid "test.only_english"\nmsgstr "Only in English"\n\n'
        'msgid "test.untranslated"\nmsgstr "Not translated yet"\n',
    )
    _write_po(tmp_path / "zh/LC_MESSAGES/platform.po", "zh", 'msgid "test.untranslated"\nmsgstr ""\n')
    monkeypatch.setattr(i18n, "_CATALOGUES", i18n.load(tmp_path))
    assert translate("test.only_english", "zh") == "Only in English"
    assert translate("test.untranslated", "zh") == "Not translated yet"
    assert translate("test.only_english", "fr") == "Only in English"
    assert catalogue("zh")["test.only_english"] == "Only in English"


def test_a_key_in_two_domains_of_one_language_fails_the_loading(tmp_path):
    _write_po(tmp_path / "en/LC_MESSAGES/platform.po", "en", 'msgid "test.twice"\nmsgstr "One"\n')
    _write_po(tmp_path / "en/LC_MESSAGES/supply.po", "en", 'msgid "test.twice"\nmsgstr "Two"\n')
    with pytest.raises(ValueError, match="test.twice"):
        i18n.load(tmp_path)


def test_an_unknown_key_comes_back_as_itself():
    assert translate("no.such.key") == "no.such.key"
    assert translate("no.such.key", "zh", value=3) == "no.such.key"
    assert translate("no.such.key", "en", count=3) == "no.such.key"


def test_the_catalogue_holds_every_message_in_one_language():
    zh = catalogue("zh")
    assert set(zh) == KEYS == set(ENTRIES["en"]) == set(ENTRIES["zh"])
    assert zh["auth.required"] == ENTRIES["zh"]["auth.required"][1][0]
    assert catalogue("en")["common.rows_total"] == "{total} rows"  # a plural message in its general form
