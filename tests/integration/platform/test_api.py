"""The JSON API against the real PostgreSQL: tokens, login throttling, health, openapi, errors."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
import redis
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from models import UserSession
from models.db import get_engine
from models.types import utcnow
from portal.api import api, create_api
from portal.api.deps import db_session
from tests.conftest import TEST_KEY_PREFIX, configure
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
    response = client.post(
        "/api/v1/auth/token", data={"username": dealer_email, "password": PASSWORD, "grant_type": "password"}
    )

    assert response.status_code == 200
    assert client.get("/api/v1/trims", headers=_bearer(response.json()["access_token"])).status_code == 200


def test_wrong_password_and_unknown_email_get_the_same_401(client, dealer_email):
    wrong_password = _login(client, dealer_email, "not-the-password")
    unknown_email = _login(client, "nobody@example.test")

    assert wrong_password.status_code == unknown_email.status_code == 401
    assert wrong_password.json() == unknown_email.json()
    assert wrong_password.json()["error"]["message"] == "The e-mail or password is not correct."
    assert wrong_password.headers["WWW-Authenticate"] == "Bearer"


@pytest.fixture
def throttled(redis_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Services mode: the login throttle counts on Redis; delays kept short for the test."""
    configure(monkeypatch, login_delay_step_seconds="0.01")
    return redis_url


def _answer(response) -> tuple[int, bytes, dict[str, str]]:
    """All the client sees except the date."""
    headers = {key: value for key, value in response.headers.items() if key != "date"}
    return response.status_code, response.content, headers


def test_known_and_unknown_emails_get_byte_identical_answers_at_every_step(client, dealer_email, throttled):
    known = [_answer(_login(client, dealer_email, "wrong-password")) for _ in range(7)]
    unknown = [_answer(_login(client, "nobody@example.test", "wrong-password")) for _ in range(7)]

    assert known == unknown
    assert [status for status, _, _ in known] == [401] * 5 + [429] * 2
    assert redis.Redis.from_url(throttled).keys(f"{TEST_KEY_PREFIX}:limits:*")  # counted on Redis
    status, body, headers = known[5]
    assert headers["retry-after"] == "900"
    assert json.loads(body)["error"] == {
        "code": "auth.throttled",
        "field": "email",
        "message": "Too many failed sign-ins from here. Please try again in 15 min.",
    }


def test_throttling_answers_429_with_retry_after_even_for_the_right_password(client, dealer_email, throttled):
    for _ in range(5):
        assert _login(client, dealer_email, "wrong-password").status_code == 401
    refused = _login(client, dealer_email)

    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "900"
    assert "access_token" not in refused.json()


def test_an_attacker_at_one_address_cannot_stop_the_owner_at_another(dealer_email, throttled):
    attacker = TestClient(api, client=("203.0.113.9", 40000))
    owner = TestClient(api, client=("198.51.100.7", 40000))
    statuses = [_login(attacker, dealer_email, "wrong-password").status_code for _ in range(8)]
    assert statuses == [401] * 5 + [429] * 3

    response = _login(owner, dealer_email)
    assert response.status_code == 200
    assert owner.get("/api/v1/trims", headers=_bearer(response.json()["access_token"])).status_code == 200


def _login_from_device(client: TestClient, email: str, device_token: str, password: str = PASSWORD):
    return client.post(
        "/api/v1/auth/token",
        json={"email": email, "password": password},
        headers={"X-Device-Token": device_token},
    )


def test_the_owner_behind_the_attackers_address_signs_in_with_the_device_token_of_an_earlier_login(
    dealer_email, throttled, monkeypatch
):
    configure(monkeypatch, login_failures_per_address="6")
    office = TestClient(api, client=("203.0.113.9", 40000))  # one NAT address for everyone
    device_token = _login(office, dealer_email).json()["device_token"]
    statuses = [_login(office, f"guess{n}@example.test", "wrong-password").status_code for n in range(7)]
    assert statuses == [401] * 6 + [429]

    assert _login(office, dealer_email).status_code == 429  # a stranger here is refused
    response = _login_from_device(office, dealer_email, device_token)
    assert response.status_code == 200
    assert office.get("/api/v1/trims", headers=_bearer(response.json()["access_token"])).status_code == 200
    assert response.json()["device_token"] != device_token  # a fresh one each time

    for bad in (device_token[:-1] + ("0" if device_token[-1] != "0" else "1"), "garbage", "x" * 5000):
        refused = _login_from_device(office, dealer_email, bad)
        assert refused.status_code == 429 and refused.headers["Retry-After"] == "900"


def test_a_device_token_gets_only_its_own_few_guesses_on_redis(client, dealer_email, throttled):
    device_token = _login(client, dealer_email).json()["device_token"]
    statuses = [
        _login_from_device(client, dealer_email, device_token, "wrong-password").status_code for _ in range(6)
    ]
    refused = _login_from_device(client, dealer_email, device_token)

    assert statuses == [401] * 5 + [429]
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "900"
    assert redis.Redis.from_url(throttled).keys(f"{TEST_KEY_PREFIX}:limits:*login-device*")
    assert _login(client, dealer_email).status_code == 200  # as a stranger, the address is still open


def test_known_and_unknown_emails_get_byte_identical_answers_with_any_device_token(
    client, dealer_email, throttled
):
    device_token = _login(client, dealer_email).json()["device_token"]
    other = _login_from_device(client, "nobody@example.test", device_token, "wrong-password")
    tampered = _login_from_device(client, dealer_email, device_token + "0", "wrong-password")
    assert _answer(other) == _answer(tampered)
    assert other.status_code == 401


def test_the_device_token_is_documented_in_the_openapi(client):
    document = client.get("/api/v1/openapi.json").json()
    token = document["paths"]["/api/v1/auth/token"]["post"]
    assert any(
        parameter["in"] == "header" and parameter["name"] == "X-Device-Token"
        for parameter in token["parameters"]
    )
    answer = document["components"]["schemas"]["TokenOut"]
    assert (
        "device_token" in answer["required"]
        and "X-Device-Token" in answer["properties"]["device_token"]["description"]
    )


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
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "broker": "ok", "redis": "ok"}}


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
    assert schema["info"] == {
        "title": "Automotive portal API",
        "version": "1",
        "description": schema["info"]["description"],
    }
    assert {
        "/api/v1/auth/token",
        "/api/v1/auth/logout",
        "/api/v1/health",
        "/api/v1/parts",
        "/api/v1/trims",
        "/api/v1/stock",
    } <= set(schema["paths"])
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
        "/api/v1/trims", headers=_bearer("some-token")
    )

    assert response.status_code == 500
    assert response.json() == {
        "error": {
            "code": "internal",
            "field": None,
            "message": "Something went wrong on our side. Please try again later.",
        }
    }
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
