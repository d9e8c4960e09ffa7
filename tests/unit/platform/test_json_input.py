"""platform.json_input: the nesting is measured before parsing, brackets inside strings do not count."""

from __future__ import annotations

import pytest

from services.platform import json_input
from services.platform.json_input import MalformedBody


def test_brackets_inside_strings_do_not_nest():
    assert json_input.nesting_depth(b'{"a": "[[[{{{", "b": ["\\"]]]"]}') == 2
    assert json_input.loads(b'{"a": "[[[[" }') == {"a": "[[[["}


def test_the_scan_stops_past_the_limit_and_the_parser_never_sees_it():
    assert json_input.nesting_depth(b"[" * 100_000, limit=32) == 33
    with pytest.raises(MalformedBody) as caught:
        json_input.loads(b"[" * 100_000 + b"]" * 100_000)
    assert (caught.value.status, caught.value.code, caught.value.field) == (400, "request.malformed", "body")


@pytest.mark.parametrize("raw", [b"", b"{", b"\xff", b'"\\udc00"', b'{"a": NaN'])
def test_what_is_not_utf8_json_is_malformed(raw):
    with pytest.raises(MalformedBody):
        json_input.loads(raw)


def test_a_surrogate_pair_is_a_character_not_an_error():
    assert json_input.loads(b'"\\ud83d\\ude97"') == "\U0001f697"
