"""The counted text field: it counts what is typed against the limit, never cuts (no maxlength),
and works inside a list of rows."""

from __future__ import annotations

import reflex as rx

from portal.components import ui
from state.shared.text_counts import MAX_TRACKED, TextCountState


def test_the_field_has_a_counter_and_a_message_and_no_maxlength():
    rendered = str(ui.counted_text(500, element_id="note", name="note"))
    assert '"note-count"' in rendered and '"note-too-long"' in rendered
    assert '" / 500"' in rendered
    assert "maxLength" not in rendered and "max_length" not in rendered


def test_a_field_inside_a_foreach_hoists_no_hook_that_names_its_row():
    rows = rx.Var.create([{"id": "1"}, {"id": "2"}])
    table = rx.foreach(rows, lambda row: ui.counted_text(80, element_id="why-" + row["id"].to(str)))
    hooks = rx.box(table)._get_all_hooks()
    assert not [hook for hook in hooks if 'rx_state_?.["id"]' in hook or "row" in hook.lower()]


def test_the_server_keeps_lengths_only_for_a_bounded_number_of_fields():
    state = TextCountState(_reflex_internal_init=True)
    count = TextCountState.count.fn
    for number in range(MAX_TRACKED + 5):
        count(state, f"field-{number}", 3)
    assert len(state.lengths) == MAX_TRACKED
    count(state, "field-0", "not a number")
    assert state.lengths["field-0"] == 3
