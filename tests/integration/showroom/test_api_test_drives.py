"""The public test-drive API: locator, availability, hold and book, the manage link's refusals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from models.db import get_engine
from models.showroom import TestDrive
from portal.api.app import api
from services.showroom.manage_links import manage_token
from tests.showroom_world import make_world, visitor

BERLIN = ZoneInfo("Europe/Berlin")


def _next_monday_10() -> datetime:
    today = datetime.now(BERLIN).date() + timedelta(days=3)
    monday = today + timedelta(days=(7 - today.weekday()) % 7)
    return datetime(monday.year, monday.month, monday.day, 10, 0, tzinfo=BERLIN)


@pytest.fixture
def world(pg_url):
    with Session(get_engine(), expire_on_commit=False) as session:
        return make_world(session, cars=1, salespeople=1)


@pytest.fixture
def client(pg_url) -> TestClient:
    return TestClient(api)


def _book(client, world, key="k-1", start=None, **extra):
    start = start or _next_monday_10()
    return client.post(
        "/api/v1/test-drives",
        headers={"Idempotency-Key": key},
        json={
            "trim": world.trim_code,
            "dealer": world.store_id,
            "starts_at": start.isoformat(),
            **visitor(),
            **extra,
        },
    )


def test_a_postcode_finds_the_munich_store_first_with_its_local_hours(client, world):
    response = client.get("/api/v1/dealers", params={"postcode": "80331"})
    assert response.status_code == 200, response.text
    first = response.json()[0]
    assert first["location_id"] == world.store_id and first["distance_km"] < 10
    assert first["opening_hours"]["mon"] == "09:00-18:00" and first["time_zone"] == "Europe/Berlin"
    bad = client.get("/api/v1/dealers", params={"postcode": "00000"})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "postcode"


def test_availability_then_hold_then_book_and_a_replay_returns_the_same_drive(client, world):
    start = _next_monday_10()
    day = start.date().isoformat()
    slots = client.get(
        "/api/v1/test-drives/availability",
        params={"trim": world.trim_code, "dealer": world.store_id, "from": day, "to": day},
    )
    assert slots.status_code == 200, slots.text
    assert slots.json()["slots"][2]["local_start"] == start.isoformat()
    hold = client.post(
        "/api/v1/test-drives/holds",
        json={"trim": world.trim_code, "dealer": world.store_id, "starts_at": start.isoformat()},
    )
    assert hold.status_code == 201, hold.text
    held = hold.json()
    stranger = client.post(
        "/api/v1/test-drives",
        headers={"Idempotency-Key": "x"},
        json={"hold_id": held["hold_id"], "hold_token": "someone-elses-token", **visitor(2)},
    )
    assert stranger.status_code == 403 and stranger.json()["error"]["field"] == "hold_token"
    body = {"hold_id": held["hold_id"], "hold_token": held["hold_token"], **visitor()}
    booked = client.post("/api/v1/test-drives", headers={"Idempotency-Key": "k-1"}, json=body)
    assert booked.status_code == 201, booked.text
    again = client.post("/api/v1/test-drives", headers={"Idempotency-Key": "k-1"}, json=body)
    assert again.status_code == 200 and again.json()["id"] == booked.json()["id"]
    taken = _book(client, world, key="k-2")
    assert taken.status_code == 409
    assert (
        taken.json()["error"]["code"] == "test_drive.just_taken"
        and len(taken.json()["error"]["next_slots"]) == 3
    )


def test_a_licence_expiring_before_the_drive_is_refused_naming_the_field(client, world):
    response = _book(
        client, world, licence_expires_on=(_next_monday_10().date() - timedelta(days=1)).isoformat()
    )
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "licence_expires_on"
    assert "expires on" in response.json()["error"]["message"]


def test_a_tampered_or_expired_manage_token_changes_nothing(client, world):
    booked = _book(client, world).json()
    drive_id, token = booked["id"], booked["manage_token"]
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert (
        client.delete(f"/api/v1/test-drives/{drive_id}", headers={"X-Manage-Token": tampered}).status_code
        == 403
    )
    expired = manage_token(drive_id, 1, datetime.now(UTC) - timedelta(minutes=1))
    response = client.delete(f"/api/v1/test-drives/{drive_id}", headers={"X-Manage-Token": expired})
    assert response.status_code == 410 and response.json()["error"]["code"] == "test_drive.link_expired"
    with Session(get_engine()) as session:
        assert session.exec(select(TestDrive.status)).one() == "booked"
    later = (_next_monday_10() + timedelta(hours=2)).isoformat()
    moved = client.patch(
        f"/api/v1/test-drives/{drive_id}", headers={"X-Manage-Token": token}, json={"starts_at": later}
    )
    assert moved.status_code == 200, moved.text
    assert (
        moved.json()["version"] == 2
        and moved.json()["starts_at"] == datetime.fromisoformat(later).astimezone(UTC).isoformat()
    )
    # The old link was replaced by the reschedule's.
    assert (
        client.delete(f"/api/v1/test-drives/{drive_id}", headers={"X-Manage-Token": token}).status_code == 410
    )
    assert (
        client.delete(
            f"/api/v1/test-drives/{drive_id}", headers={"X-Manage-Token": moved.json()["manage_token"]}
        ).json()["status"]
        == "cancelled"
    )


def test_the_endpoints_are_in_the_openapi(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/showroom/trims",
        "/api/v1/dealers",
        "/api/v1/test-drives/availability",
        "/api/v1/test-drives/holds",
        "/api/v1/test-drives",
        "/api/v1/test-drives/{drive_id}",
        "/api/v1/dealer/test-drives/{drive_id}/check-in",
    ):
        assert path in paths


def test_a_walk_in_through_the_api_is_booked_at_the_store_named(client, world):
    from models import User  # noqa: PLC0415
    from tests.factories import PASSWORD, _hash  # noqa: PLC0415
    from tests.showroom_world import add_store  # noqa: PLC0415

    with Session(get_engine()) as session:
        hamburg = add_store(session, world)
        dealer = session.exec(select(User).where(User.email == "dealer@test.test")).one()
        dealer.password_hash = _hash(PASSWORD)
        session.add(dealer)
        session.commit()
    token = client.post("/api/v1/auth/token", json={"email": "dealer@test.test", "password": PASSWORD})
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    url = "/api/v1/dealer/test-drives/walk-ins"
    body = {"trim": world.trim_code, "starts_at": _next_monday_10().isoformat(), **visitor(7)}
    missing = client.post(url, headers=headers, json=body)
    assert missing.status_code == 422 and missing.json()["error"]["field"] == "store"
    foreign = client.post(url, headers=headers, json={**body, "store": 999_999})
    assert foreign.status_code == 404 and foreign.json()["error"]["field"] == "store"
    booked = client.post(url, headers=headers, json={**body, "store": hamburg})
    assert booked.status_code == 201, booked.text
    with Session(get_engine()) as session:
        assert session.get(TestDrive, booked.json()["id"]).location_id == hamburg
