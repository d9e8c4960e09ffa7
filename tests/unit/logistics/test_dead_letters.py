"""The admin's dead-letter list on SQLite and PostgreSQL: newest first, filters (carrier, open or
replayed, words of the reason), a readable preview of the payload's first bytes, admins only; and
a replay after the fix moves the letter from open to replayed."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from models.db import get_engine
from services.catalog.lists import Page
from services.logistics import dead_letters
from services.logistics.ingest import ingest_payload, replay_dead_letter
from services.platform.errors import NotFound, PermissionDenied, ValidationFailed
from tests.logistics_world import build_world, dhl_document, dhl_event


@pytest.fixture
def world(any_db_url):
    with Session(get_engine(), expire_on_commit=False) as session:
        return build_world(session)


@pytest.fixture
def session(world):
    with Session(get_engine(), expire_on_commit=False) as session:
        yield session


def _letters(session, world, **filters):
    rows, total = dead_letters.list_dead_letters(session, world.principals["admin"], Page(1, 25), **filters)
    assert total == len(rows)
    return rows


def test_filters_preview_and_a_replay_moving_a_letter_to_replayed(session, world):
    ingest_payload(session, carrier="dhl", payload=b"\x00\x01not json at all" + b"x" * 1000)
    bad_time = dhl_document(world.shipments["dealer_a"].leg_numbers[0], dhl_event("yesterday-ish"))
    ingest_payload(session, carrier="railcargo", payload=bad_time)
    unknown = dhl_document("TRK-UNKNOWN-1", dhl_event("2026-03-01T08:00:00Z"))
    ingest_payload(session, carrier="dhl", payload=unknown)

    rows = _letters(session, world)
    assert len(rows) == 3 and rows[0].id > rows[-1].id  # newest first
    garbage = next(row for row in rows if row.error == "not JSON")
    assert garbage.preview.startswith("\ufffd.not json at all")  # the ingest kept NUL as U+FFFD
    assert garbage.preview.endswith("…")
    assert garbage.size > dead_letters.PREVIEW_CHARACTERS
    assert [row.carrier for row in _letters(session, world, carrier="railcargo")] == ["railcargo"]
    assert [row.error for row in _letters(session, world, reason="UNKNOWN tracking")] == [
        "unknown tracking number"
    ]
    assert _letters(session, world, reason="100%_") == []

    still = replay_dead_letter(session, world.principals["admin"], garbage.id)
    assert still.error == "not JSON"
    assert garbage.id in {row.id for row in _letters(session, world, state="open")}
    assert _letters(session, world, state="replayed") == []


def test_only_admins_and_a_bad_state_names_the_field(session, world):
    for who in ("manager", "dealer_a", "customer_1"):
        with pytest.raises(PermissionDenied):
            dead_letters.list_dead_letters(session, world.principals[who], Page(1, 25))
    with pytest.raises(ValidationFailed) as bad:
        dead_letters.list_dead_letters(session, world.principals["admin"], Page(1, 25), state="lost")
    assert bad.value.field == "state"


def test_one_letter_whole_pretty_when_json_and_the_carriers_to_filter_by(session, world):
    unknown = dhl_document("TRK-UNKNOWN-2", dhl_event("2026-03-01T08:00:00Z"))
    [json_letter] = ingest_payload(session, carrier="railcargo", payload=unknown).dead_letter_ids
    [garbage] = ingest_payload(session, carrier="dhl", payload="{not json" + "y" * 600).dead_letter_ids
    admin = world.principals["admin"]

    kept = dead_letters.dead_letter_payload(session, admin, json_letter)
    assert kept.is_json and kept.carrier == "railcargo" and kept.error == "unknown tracking number"
    assert kept.pretty.startswith('{\n  "id": "TRK-UNKNOWN-2"') and "\n    {\n" in kept.pretty
    raw = dead_letters.dead_letter_payload(session, admin, garbage)
    assert not raw.is_json and raw.pretty == raw.payload and len(raw.payload) == len("{not json") + 600

    assert dead_letters.carriers_with_letters(session, admin) == ["dhl", "railcargo"]
    with pytest.raises(NotFound):
        dead_letters.dead_letter_payload(session, admin, garbage + 1000)
    for who in ("manager", "customer_1"):
        with pytest.raises(PermissionDenied):
            dead_letters.dead_letter_payload(session, world.principals[who], json_letter)
        with pytest.raises(PermissionDenied):
            dead_letters.carriers_with_letters(session, world.principals[who])
