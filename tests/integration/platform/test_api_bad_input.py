"""Bad input to the JSON API on PostgreSQL: always a 4xx JSON error naming the field, never a 500.

The TestClient re-raises any server exception, so a 500 path fails these tests loudly.
"""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, func, select

from models import AuditLog
from models.db import get_engine
from portal.api import api
from tests.factories import PASSWORD, make_location, make_org, make_part, make_stock, make_user

pytestmark = pytest.mark.postgres


@pytest.fixture
def client(pg_url: str) -> TestClient:
    return TestClient(api)


@pytest.fixture
def auth_headers(client: TestClient) -> dict[str, str]:
    with Session(get_engine()) as session:
        oem = make_org(session, "oem")
        supplier = make_org(session, "supplier")
        make_stock(session, make_location(session, oem, "warehouse"), make_part(session, supplier), 5)
        email = make_user(session, "manager", oem).email
        session.commit()
    token = client.post("/api/v1/auth/token", json={"email": email, "password": PASSWORD}).json()
    return {"Authorization": f"Bearer {token['access_token']}"}


def _error(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    error = response.json()["error"]
    assert set(error) >= {"code", "message", "field"}
    assert error["message"] and error["message"] != error["code"]
    return error


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("page_size=-1", "page_size", "The page size must be between 1 and 200."),
        ("page_size=0", "page_size", "The page size must be between 1 and 200."),
        ("page_size=100000", "page_size", "The page size must be between 1 and 200."),
        ("page_size=abc", "page_size", "The page size must be between 1 and 200."),
        ("page_size=", "page_size", "The page size must be between 1 and 200."),
        ("page=0", "page", "The page number must be 1 or more."),
        ("page=-3", "page", "The page number must be 1 or more."),
        ("page=1.5", "page", "The page number must be 1 or more."),
        ("page=" + "9" * 40, "page", "The page number must be at most 1000000."),
        ("q=" + "x" * 101, "q", "q must be at most 100 characters long."),
        ("q=brake%00pad", "q", "q contains characters that are not allowed."),
        ("category=%00", "category", "category contains characters that are not allowed."),
    ],
)
@pytest.mark.parametrize("path", ["/api/v1/parts", "/api/v1/stock", "/api/v1/trims"])
def test_bad_paging_and_filters_get_422_naming_the_field(client, auth_headers, path, query, field, message):
    if field == "category" and path != "/api/v1/parts":
        query = query.replace("category", "q")
        field, message = "q", "q contains characters that are not allowed."

    error = _error(client.get(f"{path}?{query}", headers=auth_headers), 422)

    assert error["field"] == field
    assert error["message"] == message


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("location_id=abc", "location_id must be a whole number."),
        ("location_id=0", "location_id must be at least 1."),
        ("location_id=" + "9" * 30, "location_id must be at most 2147483647."),
    ],
)
def test_bad_location_id_gets_422(client, auth_headers, query, message):
    error = _error(client.get(f"/api/v1/stock?{query}", headers=auth_headers), 422)

    assert (error["field"], error["message"]) == ("location_id", message)


def test_page_past_the_end_is_an_empty_page_not_an_error(client, auth_headers):
    body = client.get("/api/v1/stock?page=1000000&page_size=200", headers=auth_headers).json()

    assert body == {"items": [], "page": 1000000, "page_size": 200, "total": 1}


@pytest.mark.parametrize(
    ("body", "status", "field", "code"),
    [
        (b"{", 400, "body", "request.malformed"),
        (b'{"email": "a@b.test", "password": }', 400, "body", "request.malformed"),
        (b"\xff\xfe", 400, "body", "request.malformed"),
        (b'{"email": "a\\ud800", "password": "x"}', 400, "body", "request.malformed"),
        (b"", 422, "body", "request.body_required"),
        (b"[]", 422, "body", "request.body_object_expected"),
        (b"null", 422, "body", "request.body_object_expected"),
        (b'{"email": "a@b.test"}', 422, "password", "request.field_required"),
        (b'{"password": "secret"}', 422, "email", "request.field_required"),
        (b'{"email": "a@b.test", "password": "x", "role": "admin"}', 422, "role", "request.field_unknown"),
        (b'{"email": 5, "password": "x"}', 422, "email", "request.text_expected"),
        (b'{"email": "a@b.test", "password": null}', 422, "password", "request.text_expected"),
        (b'{"email": "", "password": "x"}', 422, "email", "request.field_empty"),
        (b'{"email": "a\\u0000@b.test", "password": "x"}', 422, "email", "request.text_invalid"),
        (
            b'{"email": "a@b.test", "password": "' + b"x" * 2000 + b'"}',
            422,
            "password",
            "request.text_too_long",
        ),
        (b"x" * 100_000, 413, "body", "request.body_too_large"),
    ],
)
def test_bad_token_bodies_get_4xx_naming_the_field(client, body, status, field, code):
    response = client.post("/api/v1/auth/token", content=body, headers={"Content-Type": "application/json"})

    error = _error(response, status)
    assert (error["field"], error["code"]) == (field, code)


def test_messages_name_the_field_in_words(client):
    unknown = client.post("/api/v1/auth/token", json={"email": "a@b.test", "password": "x", "admin": True})
    missing = client.post("/api/v1/auth/token", json={"email": "a@b.test"})

    assert _error(unknown, 422)["message"] == "admin is not an accepted field."
    assert _error(missing, 422)["message"] == "password is required."


def test_bad_oauth2_forms_name_the_username_field(client):
    form = {"Content-Type": "application/x-www-form-urlencoded"}

    missing = client.post("/api/v1/auth/token", content=b"password=x", headers=form)
    control = client.post("/api/v1/auth/token", content=b"username=a%00&password=x", headers=form)

    assert _error(missing, 422)["field"] == "username"
    assert _error(control, 422)["field"] == "username"


def test_bad_input_writes_nothing(client, auth_headers):
    with Session(get_engine()) as session:
        before = session.exec(select(func.count()).select_from(AuditLog)).one()
    client.post(
        "/api/v1/auth/token",
        content=b'{"email": "a@b.test", "password": "x", "extra": 1}',
        headers={"Content-Type": "application/json"},
    )
    with Session(get_engine()) as session:
        assert session.exec(select(func.count()).select_from(AuditLog)).one() == before


_text = st.text(max_size=30)
_number_like = st.one_of(st.integers(min_value=-(10**20), max_value=10**20).map(str), _text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(page=_number_like, page_size=_number_like, location_id=_number_like, q=_text)
def test_no_query_string_reaches_a_500(client, auth_headers, page, page_size, location_id, q):
    params = {"page": page, "page_size": page_size, "location_id": location_id, "q": q}
    for path in ("/api/v1/stock", "/api/v1/parts"):
        response = client.get(path, params=params, headers=auth_headers)
        assert response.status_code in (200, 422), response.text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=st.one_of(
        st.binary(max_size=60),
        st.dictionaries(
            st.sampled_from(["email", "password", "other"]),
            st.one_of(st.none(), st.integers(), st.text(max_size=20), st.lists(st.integers())),
            max_size=3,
        ).map(lambda value: json.dumps(value).encode()),
    )
)
def test_no_token_body_reaches_a_500(client, body):
    response = client.post("/api/v1/auth/token", content=body, headers={"Content-Type": "application/json"})

    assert response.status_code in (400, 401, 422), response.text
    assert "error" in response.json()
