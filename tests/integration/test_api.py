"""The JSON API against the real PostgreSQL: tokens, lock-out, health, openapi, errors."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from models import UserSession
from models.db import get_engine
from models.types import utcnow
from portal.api import api, create_api
from portal.api.deps import db_session
from tests.conftest import configure
from tests.factories import PASSWORD, make_org, make_user

pytestmark = pytest.mark.postgres


@pytest.fixture
def client(pg_url: str) -> TestClient:
    return TestClient(api)


@pytest.fixture
def dealer_email(pg_url: str) -> str:
    with Session(get_engine()) as session:
        dealer = make_org(session, "dealer", name="Harbour 4S")
        email = make_user(session, "dealer", dealer, email="Dealer.One@example.test").email
        session.commit()
    return email


def _login(client: TestClient, email: str, password: str = PASSWORD):
    return client.post("/api/v1/auth/token", json={"email": email, "password": password})


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_token_is_issued_for_right_credentials_and_opens_the_api(client, dealer_email):
    response = _login(client, "dealer.one@EXAMPLE.test")

    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["user"]["email"] == dealer_email
    assert body["user"]["role"] == "dealer"
    assert body["user"]["organisation"]["name"] == "Harbour 4S"
    expires_at = datetime.fromisoformat(body["expires_at"])
    assert timedelta(hours=11) < expires_at - utcnow() <= timedelta(hours=12)

    trims = client.get("/api/v1/trims", headers=_bearer(body["access_token"]))
    assert trims.status_code == 200


def test_token_can_be_requested_with_an_oauth2_password_form(client, dealer_email):
    response = client.post("/api/v1/auth/token", data={"username": dealer_email, "password": PASSWORD,
                                                       "grant_type": "password"})

    assert response.status_code == 200
    assert client.get("/api/v1/trims", headers=_bearer(response.json()["access_token"])).status_code == 200


def test_wrong_password_and_unknown_email_get_the_same_401(client, dealer_email):
    wrong_password = _login(client, dealer_email, "not-the-password")
    unknown_email = _login(client, "nobody@example.test")

    assert wrong_password.status_code == unknown_email.status_code == 401
    assert wrong_password.json() == unknown_email.json()
    assert wrong_password.json()["error"]["message"] == "The e-mail or password is not correct."
    assert wrong_password.headers["WWW-Authenticate"] == "Bearer"


def test_five_failures_lock_the_account_even_for_the_right_password(client, dealer_email):
    statuses = [_login(client, dealer_email, "wrong-password").status_code for _ in range(5)]
    sixth = _login(client, dealer_email, PASSWORD)

    assert statuses == [401, 401, 401, 401, 423]
    assert sixth.status_code == 423
    error = sixth.json()["error"]
    assert error["code"] == "auth.locked"
    until = datetime.fromisoformat(error["until"])
    assert timedelta(minutes=14) < until - utcnow() <= timedelta(minutes=15)
    assert until.strftime("%Y-%m-%d %H:%M") in error["message"]


def test_missing_or_garbage_bearer_gets_401_with_www_authenticate(client):
    for headers in ({}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic abc"}):
        response = client.get("/api/v1/parts", headers=headers)
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"] == "Bearer"
        assert response.json()["error"]["field"] == "authorization"


def test_logout_revokes_the_token(client, dealer_email):
    token = _login(client, dealer_email).json()["access_token"]

    assert client.post("/api/v1/auth/logout", headers=_bearer(token)).status_code == 204
    response = client.get("/api/v1/trims", headers=_bearer(token))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "auth.token_invalid"


def test_expired_token_gets_401(client, dealer_email):
    token = _login(client, dealer_email).json()["access_token"]
    with Session(get_engine()) as session:
        for user_session in session.exec(select(UserSession)):
            user_session.expires_at = utcnow() - timedelta(seconds=1)
            session.add(user_session)
        session.commit()

    response = client.get("/api/v1/trims", headers=_bearer(token))
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_health_is_ok_with_database_and_redis_broker(client, redis_url):
    response = client.get("/api/v1/health")

    assert response.status_code == 200
    assert response.json() == {"status": "ok",
                               "checks": {"database": "ok", "broker": "ok", "redis": "ok"}}


def test_health_is_ok_with_the_embedded_sqlite_broker(client):
    response = client.get("/api/v1/health")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "broker": "ok"}}


def test_health_is_503_naming_the_broker_when_it_is_unreachable(client, monkeypatch):
    configure(monkeypatch, broker_url="redis://127.0.0.1:6390/0")

    response = client.get("/api/v1/health")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["broker"].startswith("down: ")
    assert "6390" in body["checks"]["broker"]


def test_health_is_503_naming_redis_when_redis_url_is_unreachable(client, monkeypatch):
    configure(monkeypatch, redis_url="redis://127.0.0.1:6390/0")

    body = client.get("/api/v1/health").json()

    assert body["status"] == "unavailable"
    assert body["checks"]["redis"].startswith("down: ")
    assert body["checks"]["database"] == "ok"


def test_openapi_is_served_and_lists_the_paths(client):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["info"] == {"title": "Automotive portal API", "version": "1",
                              "description": schema["info"]["description"]}
    assert {"/api/v1/auth/token", "/api/v1/auth/logout", "/api/v1/health", "/api/v1/parts",
            "/api/v1/trims", "/api/v1/stock"} <= set(schema["paths"])
    assert client.get("/api/v1/docs").status_code == 200


def test_unknown_route_is_404_json_and_wrong_method_is_405(client):
    missing = client.get("/api/v1/no-such-thing")
    wrong_method = client.get("/api/v1/auth/token")

    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "api.not_found"
    assert "/api/v1/no-such-thing" in missing.json()["error"]["message"]
    assert wrong_method.status_code == 405
    assert wrong_method.headers["Allow"] == "POST"
    assert wrong_method.json()["error"]["code"] == "api.method_not_allowed"


def test_unexpected_exception_becomes_500_json_without_traceback(pg_url):
    app = create_api()

    def broken_database():
        raise RuntimeError("secret internals")
        yield  # pragma: no cover

    app.dependency_overrides[db_session] = broken_database
    response = TestClient(app, raise_server_exceptions=False).get(
        "/api/v1/trims", headers=_bearer("some-token"))

    assert response.status_code == 500
    assert response.json() == {"error": {
        "code": "internal", "field": None,
        "message": "Something went wrong on our side. Please try again later.",
    }}
    assert "secret internals" not in response.text


def test_errors_speak_chinese_when_asked(client):
    response = client.get("/api/v1/parts", headers={"Accept-Language": "zh-CN,zh;q=0.9"})

    assert response.json()["error"]["message"] == "请先登录。"


def test_every_request_returns_its_database_connection(client, dealer_email):
    token = _login(client, dealer_email).json()["access_token"]
    client.get("/api/v1/trims", headers=_bearer(token))
    client.get("/api/v1/stock?page_size=0", headers=_bearer(token))
    client.get("/api/v1/parts", headers=_bearer("revoked-or-unknown"))
    _login(client, dealer_email, "wrong-password")

    assert get_engine().pool.checkedout() == 0
