"""The one way an input is named in errors, in the pages and in the API: a field path.

Fields are joined with dots, list positions stand in brackets, counted from 0:
`lines[2].quantity` is the quantity of the body's third line, `items[0]` its first item,
`weights.delivery` a key of an object. `path("lines", 2, "quantity")` builds one;
`normalise` rewrites the older dotted spelling (`lines.2.quantity`) into it.
"""

from __future__ import annotations

import re

CONVENTION = (
    "Fields are joined with dots and list positions stand in brackets, counted from 0: "
    "`lines[1].quantity` is the quantity of the second line."
)
_DOTTED_INDEX = re.compile(r"\.(\d+)(?=\.|\[|$)")


def path(*parts: str | int) -> str:
    """The path of `parts`: ("lines", 2, "quantity") -> "lines[2].quantity". An int is a list
    position; a string is a field (or a ready-made path to extend)."""
    text = ""
    for part in parts:
        if isinstance(part, int) and not isinstance(part, bool):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def normalise(field: str | None) -> str | None:
    """`field` in the bracket convention: "lines.2.quantity" -> "lines[2].quantity"; a path
    already in it, a plain name or None come back unchanged."""
    if not field:
        return field
    return _DOTTED_INDEX.sub(r"[\1]", field)
