"""The pricing API: imports refuse bad rows naming them, agreements name the bad field, roles and
organisations are enforced, decisions follow the four-eyes rule."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from models.db import get_engine
from portal.api import api
from services.identity.auth import Principal, login
from services.pricing import suggestions
from tests.factories import PASSWORD
from tests.pricing_world import build_world

pytestmark = pytest.mark.usefixtures("any_db_url")


_tokens: dict[str, str] = {}


@pytest.fixture
def client() -> TestClient:
    _tokens.clear()  # each test's database is fresh: so are its sessions
    return TestClient(api)


def bearer(principal: Principal) -> dict[str, str]:
    """The principal's bearer token, logged in once per test (the password check is slow on purpose)."""
    if principal.email not in _tokens:
        with Session(get_engine()) as session:
            _tokens[principal.email], _ = login(session, email=principal.email, password=PASSWORD)
    return {"Authorization": f"Bearer {_tokens[principal.email]}"}


def test_a_csv_with_a_bad_row_answers_422_listing_the_rows_and_imports_nothing(client):
    world = build_world()
    headers = {**bearer(world.manager), "Content-Type": "text/csv"}
    bad = b"index,period,value\nCU,2026-05,9100\nCU,2026-06,abc\n"
    refused = client.post("/api/v1/pricing/index-values/csv", content=bad, headers=headers)
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert (error["code"], error["field"]) == ("pricing.import_invalid", "file")
    assert [(row["row"], row["field"]) for row in error["rows"]] == [(3, "value")]
    values = client.get("/api/v1/pricing/indices/CU/values", headers=bearer(world.manager)).json()
    assert "2026-05-01" not in [value["period"] for value in values]

    good = client.post(
        "/api/v1/pricing/index-values/csv", content=bad.replace(b"abc", b"9200"), headers=headers
    )
    assert good.status_code == 200
    assert good.json()["inserted"] == 2


def test_a_json_import_names_the_bad_field_by_its_row(client):
    world = build_world()
    answer = client.post(
        "/api/v1/pricing/index-values",
        json={
            "rows": [
                {"index": "CU", "period": "2026-05", "value": "9100"},
                {"index": "XX", "period": "2026-05", "value": "1"},
            ]
        },
        headers=bearer(world.manager),
    )
    assert answer.status_code == 422
    assert answer.json()["error"]["field"] == "rows[1].index"


def test_only_managers_import_and_a_supplier_gets_403(client):
    world = build_world()
    answer = client.post(
        "/api/v1/pricing/index-values",
        json={"rows": [{"index": "CU", "period": "2026-05", "value": "9100"}]},
        headers=bearer(world.supplier_user),
    )
    assert answer.status_code == 403


def test_an_agreement_that_does_not_add_up_answers_422_on_terms(client):
    world = build_world()
    answer = client.post(
        "/api/v1/pricing/agreements",
        json={
            "part_id": world.part_id,
            "supplier_id": world.other_supplier_id,
            "base_price": "50.00",
            "base_date": "2026-01-15",
            "fixed_share": "0.5",
            "terms": [{"index": "CU", "weight": "0.6"}],
        },
        headers=bearer(world.manager),
    )
    assert answer.status_code == 422
    assert answer.json()["error"]["field"] == "terms"
    assert (
        answer.json()["error"]["message"]
        == "The fixed share and the weights must add up to 1 (they add up to 1.1)."
    )


def test_a_supplier_sees_its_suggestion_cannot_approve_it_and_another_supplier_gets_404(client, monkeypatch):
    world = build_world()
    with Session(get_engine()) as session:
        suggestions.reprice_agreements(session, now=datetime(2026, 5, 14, 2, tzinfo=UTC))
    mine = client.get("/api/v1/pricing/suggestions", headers=bearer(world.supplier_user)).json()
    assert [(s["proposed_price"], s["status"]) for s in mine] == [("103.85", "proposed")]
    suggestion_id = mine[0]["id"]
    assert "Copper +8.1 %" in mine[0]["explanation_text"]

    own = client.post(
        f"/api/v1/pricing/suggestions/{suggestion_id}/approve", json={}, headers=bearer(world.supplier_user)
    )
    assert own.status_code == 403
    other = client.post(
        f"/api/v1/pricing/suggestions/{suggestion_id}/respond",
        json={"accept": True},
        headers=bearer(world.other_supplier_user),
    )
    assert other.status_code == 404
    foreign = client.post(
        f"/api/v1/pricing/suggestions/{suggestion_id}/approve",
        json={},
        headers=bearer(world.other_oem_manager),
    )
    assert foreign.status_code == 404

    first = client.post(
        f"/api/v1/pricing/suggestions/{suggestion_id}/approve", json={}, headers=bearer(world.manager)
    )
    again = client.post(
        f"/api/v1/pricing/suggestions/{suggestion_id}/approve", json={}, headers=bearer(world.manager)
    )
    second = client.post(
        f"/api/v1/pricing/suggestions/{suggestion_id}/approve", json={}, headers=bearer(world.second_manager)
    )
    assert (first.json()["status"], again.status_code, second.json()["status"]) == (
        "proposed",
        409,
        "applied",
    )
    agreement = client.get(
        f"/api/v1/pricing/agreements/{world.agreement_id}", headers=bearer(world.supplier_user)
    )
    assert agreement.json()["current_price"] == "103.85"
