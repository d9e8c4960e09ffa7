"""The configurator API on both databases: options, a price with its deposit, 422 naming the field."""

from __future__ import annotations

from decimal import Decimal

from fastapi.testclient import TestClient
from sqlmodel import Session

from models.db import get_engine
from portal.api.app import api
from services.showroom.configurator import deposit_for
from tests.integration.showroom.test_configurator_db import _trim


def test_options_price_and_errors(any_db_url: str):
    with Session(get_engine()) as session:
        trim_id = _trim(session)
    client = TestClient(api)
    options = client.get(f"/api/v1/showroom/trims/{trim_id}/options")
    assert options.status_code == 200, options.text
    body = options.json()
    assert [c["key"] for c in body["colours"]] == ["white", "obsidian"]
    assert {p["code"]: p["available"] for p in body["packs"]} == {"tow": False, "winter": True}

    priced = client.post(
        f"/api/v1/showroom/trims/{trim_id}/price", json={"colour": "obsidian", "packs": ["winter"]}
    )
    assert priced.status_code == 200, priced.text
    assert priced.json()["total"] == "252700.50"
    assert priced.json()["deposit"] == f"{deposit_for(Decimal('252700.50')):.2f}"

    broken = client.post(
        f"/api/v1/showroom/trims/{trim_id}/price", json={"colour": "obsidian", "packs": ["tow"]}
    )
    assert broken.status_code == 422
    error = broken.json()["error"]
    assert error["field"] == "packs[0]" and "Tow bar" in error["message"]

    no_colour = client.post(f"/api/v1/showroom/trims/{trim_id}/price", json={"packs": []})
    assert (no_colour.status_code, no_colour.json()["error"]["field"]) == (422, "colour")
    assert client.get("/api/v1/showroom/trims/999999/options").status_code == 404
    assert "/api/v1/showroom/trims/{trim_id}/price" in client.get("/api/v1/openapi.json").json()["paths"]
