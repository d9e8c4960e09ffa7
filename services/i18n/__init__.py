"""Every user-facing string, in English and Simplified Chinese, behind one helper.

The strings are gettext catalogues beside this file, one per domain:
`locale/<language>/LC_MESSAGES/<domain>.po` (platform, identity, catalog, ordering, supply, ...).
Each msgid is the message key (`auth.invalid_credentials`), each msgstr the text, with `{name}`
placeholders that `translate` fills in. A text that depends on a number is a plural entry
(msgid_plural, one msgstr[i] per form of the language's Plural-Forms rule); the caller passes `count`
and the rule picks the form. A new key goes into the domain's .po in both languages.

The .po files are read once per process, at import (no compiled .mo that could go stale); nothing in
Reflex's build reads them.

Which static keys the code uses (babel.cfg adds the keyword `t`):
    .venv/bin/pybabel extract -F babel.cfg -k translate -o /tmp/x.pot .
"""

from __future__ import annotations

import gettext
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from babel.messages.pofile import read_po

LANGUAGES = {"en": "English", "zh": "简体中文"}
DEFAULT_LANGUAGE = "en"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

Text = str | tuple[str, ...]  # one text, or one per plural form


@dataclass
class Language:
    """One language's messages from all its domains, and its rule from count to plural form."""

    texts: dict[str, Text] = field(default_factory=dict)
    general: dict[str, str] = field(default_factory=dict)  # a plural message in its last form
    plural: Callable[[int], int] = lambda n: 0
    plural_forms: str = ""


def load(locale_dir: Path = LOCALE_DIR) -> dict[str, Language]:
    """Every catalogue under `locale_dir`, by language. An untranslated entry (empty msgstr) is left
    out, so it falls back to English. Raises ValueError when a key is in two domains of one language
    or the domains of one language disagree on Plural-Forms."""
    languages: dict[str, Language] = {}
    for language_dir in sorted(path for path in locale_dir.iterdir() if path.is_dir()):
        language = Language()
        for po_path in sorted((language_dir / "LC_MESSAGES").glob("*.po")):
            with po_path.open("rb") as po_file:
                catalog = read_po(po_file, locale=language_dir.name, domain=po_path.stem)
            if language.plural_forms and catalog.plural_forms != language.plural_forms:
                raise ValueError(
                    f"{po_path}: Plural-Forms {catalog.plural_forms!r} differs from "
                    f"{language.plural_forms!r} in the other domains"
                )
            language.plural_forms = catalog.plural_forms
            language.plural = gettext.c2py(catalog.plural_expr)
            for message in catalog:
                if not message.id:
                    continue  # the header
                key = message.id[0] if message.pluralizable else message.id
                if key in language.texts:
                    raise ValueError(f"{po_path}: {key!r} is already defined in another domain")
                text = tuple(message.string) if message.pluralizable else message.string
                if any(text if message.pluralizable else (text,)):
                    language.texts[key] = text
                    language.general[key] = text if isinstance(text, str) else text[-1]
        languages[language_dir.name] = language
    return languages


_CATALOGUES = load()
KEYS: frozenset[str] = frozenset(_CATALOGUES[DEFAULT_LANGUAGE].texts)


def _form(forms: tuple[str, ...], language: Language, count: object) -> str:
    """The plural form for `count`; without a count (or for a fraction), the last (general) form."""
    if count is None:
        return forms[-1]
    if isinstance(count, bool) or not isinstance(count, int | Decimal | float):
        raise TypeError(f"count must be a number (not the formatted text), got {count!r}")
    if count != int(count):
        return forms[-1]
    return forms[min(language.plural(abs(int(count))), len(forms) - 1)] or forms[-1]


def _text(key: str, language: str, count: object) -> str | None:
    for name in (language, DEFAULT_LANGUAGE):
        catalogue_language = _CATALOGUES.get(name)
        text = catalogue_language.texts.get(key) if catalogue_language else None
        if text is not None:
            return text if isinstance(text, str) else _form(text, catalogue_language, count)
    return None


def translate(key: str, language: str = "en", **params: object) -> str:
    """The message `key` in `language` (English when missing), with `params` filled in.
    For a plural message the number param `count` picks the form ("1 item" / "3 items").
    An unknown key comes back as itself, so a missing string shows, never crashes."""
    text = _text(key, language, params.get("count"))
    if text is None:
        return key
    return text.format(**params) if params else text


def catalogue(language: str) -> dict[str, str]:
    """All messages in one language (what the page loads into its state); a plural message in its
    general form."""
    chosen = _CATALOGUES.get(language)
    default = _CATALOGUES[DEFAULT_LANGUAGE].general
    if chosen is None:
        return dict(default)
    return {key: chosen.general.get(key) or text for key, text in default.items()}
