"""JSON from outside, read safely: strict UTF-8, nesting bounded before the parser sees it (Python's
parser recurses once per level, so an 8,000-deep array would exhaust the stack), no lone surrogates
(PostgreSQL cannot store them). Anything else is `MalformedBody`: 400 `request.malformed`.
"""

from __future__ import annotations

import json
import re
from typing import Any

from services.platform.errors import DomainError

MAX_DEPTH = 32
MALFORMED = "request.malformed"

# A whole string literal (skipped: brackets inside it do not nest), or one bracket.
_TOKENS = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')
_OPENERS = frozenset(b"[{")
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


class MalformedBody(DomainError):
    """The body is not UTF-8 JSON, or nests deeper than MAX_DEPTH."""

    status = 400

    def __init__(self) -> None:
        super().__init__(MALFORMED, field="body")


def nesting_depth(raw: bytes, limit: int = MAX_DEPTH) -> int:
    """How deep arrays and objects nest in `raw` (brackets inside strings do not count); the
    scan stops as soon as it passes `limit`, so the answer is at most limit + 1."""
    depth = deepest = 0
    for token in _TOKENS.finditer(raw):
        first = token.group()[0]
        if first == 0x22:  # a string
            continue
        if first in _OPENERS:
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    break
        else:
            depth -= 1
    return deepest


def loads(raw: bytes, max_depth: int = MAX_DEPTH) -> Any:
    """The JSON value in `raw`; MalformedBody when it is not strict UTF-8, not JSON, nests deeper
    than `max_depth` or holds a lone surrogate (`"\\ud800"`)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedBody() from None
    if nesting_depth(raw, max_depth) > max_depth:
        raise MalformedBody()
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        raise MalformedBody() from None
    if _SURROGATE_ESCAPE.search(raw) and not _encodable(value):
        raise MalformedBody()
    return value


def _encodable(value: Any) -> bool:
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
