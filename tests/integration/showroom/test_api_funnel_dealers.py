"""GET /api/v1/showroom/funnel/dealers on PostgreSQL: a manager sees every dealer store's funnel (the
same figures as the per-store funnel), a dealer and a customer are refused, bad input names the field."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from models import User
from models.db import get_engine
from portal.api.app import api
from services.showroom import funnel
from tests.factories import PASSWORD, _hash
from tests.funnel_world import make_network

URL = "/api/v1/showroom/funnel/dealers"


def _bearer(client: TestClient, email: str) -> dict[str, str]:
    response = client.post("/api/v1/auth/token", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def test_a_manager_sees_every_dealer_store_and_a_dealer_is_refused(pg_url):
    with Session(get_engine()) as session:
        network = make_network(session)
        dealer = session.exec(select(User).where(User.email == "dealer@test.test")).one()
        dealer.password_hash = _hash(PASSWORD)
        session.add(dealer)
        session.commit()
        # The period ends this Sunday: a view today is in it.
        funnel.record_trim_view(session, network.munich.trim_id, network.shanghai_id, now=datetime.now(UTC))
        start, end = funnel.period_of(104, datetime.now(UTC).date())
        expected = {
            row.location_id: (row.views, row.bookings, row.show_ups, row.orders)
            for row in funnel.dealer_totals(
                funnel.funnel_rows(session, network.manager, start=start, end=end)
            )
        }
    client = TestClient(api)
    manager = _bearer(client, network.manager_email)
    response = client.get(URL, headers=manager, params={"weeks": 104})
    assert response.status_code == 200, response.text
    body = response.json()
    by_store = {row["location_id"]: row for row in body["dealers"]}
    assert set(by_store) == {network.munich.store_id, network.shanghai_id, network.quiet_id}
    for store, row in by_store.items():
        assert (row["views"], row["bookings"], row["show_ups"], row["orders"]) == expected.get(
            store, (0, 0, 0, 0)
        )
    assert by_store[network.munich.store_id]["dealer_name"] == "Autohaus Test"
    quiet = by_store[network.quiet_id]
    assert (quiet["views"], quiet["booking_rate"], quiet["show_up_rate"]) == (0, None, None)
    assert body["network"]["views"] == sum(row["views"] for row in body["dealers"])
    assert (body["start"], body["end"]) == (start.isoformat(), end.isoformat())
    assert sum(week["bookings"] for week in body["weeks"]) == body["network"]["bookings"]

    one_trim = client.get(URL, headers=manager, params={"weeks": 104, "trim": network.other_trim_code}).json()
    assert {row["location_id"]: row["views"] for row in one_trim["dealers"]}[network.munich.store_id] == 1

    refused = client.get(URL, headers=_bearer(client, "dealer@test.test"))
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "access.denied"
    assert (
        client.get(URL, headers=_bearer(client, "dealer@test.test"), params={"trim": "NOPE"}).status_code
        == 403
    )
    assert client.get(URL).status_code == 401
    too_long = client.get(URL, headers=manager, params={"weeks": 500})
    assert too_long.status_code == 422 and too_long.json()["error"]["field"] == "weeks"
    unknown = client.get(URL, headers=manager, params={"trim": "NOPE"})
    assert unknown.status_code == 422 and unknown.json()["error"]["field"] == "trim"


def test_the_endpoint_is_in_the_openapi_document():
    paths = TestClient(api).get("/api/v1/openapi.json").json()["paths"]
    operation = paths["/api/v1/showroom/funnel/dealers"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"weeks", "trim"}
    assert "403" in operation["responses"]
