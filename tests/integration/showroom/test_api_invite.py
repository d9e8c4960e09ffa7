"""The "Add to calendar" file by manage token: GET /api/v1/test-drives/{token}/invite.ics, the same
calendar entry the e-mails carry; 403 for a tampered token, 410 for a replaced or expired one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlmodel import Session

from models.db import get_engine
from portal.api.app import api
from services.showroom.manage_links import manage_token
from tests.showroom_world import make_world, visitor

BERLIN = ZoneInfo("Europe/Berlin")


def _weekday_at(hour: int) -> datetime:
    day = datetime.now(BERLIN).date() + timedelta(days=3)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=BERLIN)


@pytest.fixture
def booked(any_db_url) -> tuple[TestClient, dict]:
    with Session(get_engine(), expire_on_commit=False) as session:
        world = make_world(session)
    client = TestClient(api)
    response = client.post(
        "/api/v1/test-drives",
        headers={"Idempotency-Key": "invite-1"},
        json={
            "trim": world.trim_code,
            "dealer": world.store_id,
            "starts_at": _weekday_at(10).isoformat(),
            **visitor(),
        },
    )
    assert response.status_code == 201, response.text
    return client, response.json()


def _event(response):
    assert response.status_code == 200, response.text
    calendar = Calendar.from_ical(response.content)
    (event,) = calendar.walk("VEVENT")
    return str(calendar["method"]), event


def test_the_invite_downloads_and_follows_a_reschedule_and_a_cancel(booked):
    client, drive = booked
    first = client.get(f"/api/v1/test-drives/{drive['manage_token']}/invite.ics")
    assert first.headers["content-type"].startswith("text/calendar; method=REQUEST")
    assert first.headers["content-disposition"] == f'attachment; filename="test-drive-{drive["id"]}.ics"'
    method, event = _event(first)
    assert method == "REQUEST" and int(event["sequence"]) == 1
    assert event.decoded("dtstart") == _weekday_at(10)

    moved = client.patch(
        f"/api/v1/test-drives/{drive['id']}",
        headers={"X-Manage-Token": drive["manage_token"]},
        json={"starts_at": _weekday_at(14).isoformat()},
    ).json()
    method, moved_event = _event(client.get(f"/api/v1/test-drives/{moved['manage_token']}/invite.ics"))
    assert method == "REQUEST" and str(moved_event["uid"]) == str(event["uid"])
    assert int(moved_event["sequence"]) == 2 and moved_event.decoded("dtstart") == _weekday_at(14)
    # The old link's file is gone with the old link.
    replaced = client.get(f"/api/v1/test-drives/{drive['manage_token']}/invite.ics")
    assert replaced.status_code == 410 and replaced.json()["error"]["code"] == "test_drive.link_replaced"

    cancelled = client.delete(
        f"/api/v1/test-drives/{drive['id']}", headers={"X-Manage-Token": moved["manage_token"]}
    )
    method, cancel_event = _event(
        client.get(f"/api/v1/test-drives/{cancelled.json()['manage_token']}/invite.ics")
    )
    assert method == "CANCEL" and str(cancel_event["status"]) == "CANCELLED"
    assert str(cancel_event["uid"]) == str(event["uid"]) and int(cancel_event["sequence"]) == 3


def test_a_tampered_token_is_403_and_an_expired_one_410(booked):
    client, drive = booked
    tampered = client.get(f"/api/v1/test-drives/{drive['manage_token'][:-2]}xx/invite.ics")
    assert tampered.status_code == 403 and tampered.json()["error"]["code"] == "test_drive.link_invalid"
    expired = manage_token(drive["id"], drive["version"], datetime.now(UTC) - timedelta(minutes=1))
    gone = client.get(f"/api/v1/test-drives/{expired}/invite.ics")
    assert gone.status_code == 410 and gone.json()["error"]["code"] == "test_drive.link_expired"
    assert client.get(f"/api/v1/test-drives/{'9' * 201}/invite.ics").status_code in (403, 422)


def test_the_invite_route_is_in_the_openapi_document(booked):
    client, _ = booked
    operation = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/test-drives/{token}/invite.ics"][
        "get"
    ]
    assert "text/calendar" in operation["responses"]["200"]["content"]
    assert {"403", "410"} <= set(operation["responses"])
