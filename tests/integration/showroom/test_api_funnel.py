"""GET /api/v1/showroom/funnel: the signed-in dealer's figures, 422 naming the field, scoping."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from models import User
from models.db import get_engine
from portal.api.app import api
from services.showroom import funnel
from tests.factories import PASSWORD, _hash, make_org, make_user
from tests.showroom_world import make_world

URL = "/api/v1/showroom/funnel"


def _bearer(client: TestClient, email: str) -> dict[str, str]:
    response = client.post("/api/v1/auth/token", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def test_the_dealer_gets_its_views_and_bad_input_names_the_field(pg_url):
    with Session(get_engine()) as session:
        world = make_world(session)
        dealer = session.exec(select(User).where(User.email == "dealer@test.test")).one()
        other_dealer = make_user(session, "dealer", make_org(session, "dealer"))
        other_email = other_dealer.email

        dealer.password_hash = _hash(PASSWORD)
        session.add(dealer)
        session.commit()
        for _ in range(3):
            funnel.record_trim_view(
                session, world.trim_id, world.store_id, now=datetime(2026, 3, 18, tzinfo=UTC)
            )
    client = TestClient(api)
    mine = _bearer(client, "dealer@test.test")
    body = client.get(URL, headers=mine, params={"trim": world.trim_code}).json()
    assert [(r["location_id"], r["week"], r["views"]) for r in body["rows"]] == [
        (world.store_id, "2026-03-16", 3)
    ]
    assert body["dealers"][0]["views"] == 3 and body["weeks"][0]["booking_rate"] == 0.0
    reversed_range = client.get(URL, headers=mine, params={"from": "2026-03-20", "to": "2026-03-01"})
    assert reversed_range.status_code == 422 and reversed_range.json()["error"]["field"] == "to"
    bad_date = client.get(URL, headers=mine, params={"from": "yesterday"})
    assert bad_date.status_code == 422 and bad_date.json()["error"]["field"] == "from"
    unknown = client.get(URL, headers=mine, params={"trim": "NOPE"})
    assert unknown.status_code == 422 and unknown.json()["error"]["field"] == "trim"
    theirs = client.get(URL, headers=_bearer(client, other_email), params={"dealer": world.store_id})
    assert theirs.status_code == 200 and theirs.json()["rows"] == []
    assert client.get(URL).status_code == 401
