"""The live length of the counted free-text fields of forms the browser holds (uncontrolled
inputs read on submit): each field reports its length, never its text, so its counter can say
"480 / 500" while the person types. The limit itself is the service's: it refuses longer text
naming the field; nothing is ever cut."""

from __future__ import annotations

import reflex as rx

MAX_TRACKED = 100  # fields per tab; more is a misbehaving client


class TextCountState(rx.State):
    lengths: dict[str, int] = {}

    @rx.event
    def count(self, field_id: str, length: int):
        """`field_id` now holds `length` characters."""
        field_id = str(field_id)[:80]
        if field_id not in self.lengths and len(self.lengths) >= MAX_TRACKED:
            return
        try:
            self.lengths = {**self.lengths, field_id: max(0, int(length))}
        except (TypeError, ValueError):
            return
