"""How the API turns validation errors into its JSON error shape (no database needed)."""

from __future__ import annotations

import string
from datetime import UTC, datetime

import pytest

from portal.api import errors
from services.i18n import KEYS, translate


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(errors.MESSAGE_KEYS))
def test_every_api_message_exists_in_english_and_chinese_with_the_same_placeholders(key):
    assert key in KEYS
    assert _placeholders(translate(key, "en")) == _placeholders(translate(key, "zh"))


@pytest.mark.parametrize(("location", "field"), [
    (("query", "page_size"), "page_size"),
    (("body", "email"), "email"),
    (("body",), "body"),
    (("body", "lines", 0, "sku"), "lines.0.sku"),
    (("header", "authorization"), "authorization"),
])
def test_field_name_is_the_input_the_client_sent(location, field):
    assert errors.field_name(location) == field


def test_malformed_json_is_400_on_the_body():
    status, code, field, _ = errors.describe_validation_error(
        {"type": "json_invalid", "loc": ("body", 7), "msg": "Invalid JSON"})

    assert (status, code, field) == (400, "request.malformed", "body")


def test_page_size_errors_use_the_page_message_with_the_limit():
    status, code, field, params = errors.describe_validation_error(
        {"type": "less_than_equal", "loc": ("query", "page_size"), "msg": "...", "ctx": {"le": 200}})

    assert (status, code, field) == (422, "page.size_invalid", "page_size")
    assert errors.message_for(code, **params) == "The page size must be between 1 and 200."


def test_an_unknown_error_type_still_reads_well():
    status, code, field, params = errors.describe_validation_error(
        {"type": "url_parsing", "loc": ("body", "website"), "msg": "Input should be a valid URL"})

    assert (status, code, field) == (422, "request.value_invalid", "website")
    assert errors.message_for(code, **params) == "website is not valid: Input should be a valid URL"


def test_a_message_missing_its_parameters_shows_rather_than_crashes():
    assert errors.message_for("page.size_invalid") == "The page size must be between 1 and {max}."


def test_times_in_messages_are_shown_in_utc_minutes():
    until = datetime(2026, 3, 1, 8, 30, 59, tzinfo=UTC)

    assert errors.message_for("purchase.detail.date", date=until) == "date 2026-03-01 08:30 UTC"


def test_error_response_has_the_one_shape_and_401_carries_www_authenticate():
    response = errors.error_response(401, "auth.required", field="authorization")

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert response.body == (b'{"error":{"code":"auth.required","message":"Please sign in.",'
                             b'"field":"authorization"}}')


def test_the_app_mounted_behind_never_answers_for_api_paths():
    from fastapi.testclient import TestClient
    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    from portal.api import create_api

    app = create_api()
    # What rx.App(api_transformer=app) does with the Reflex backend.
    app.mount("", Starlette(routes=[Route("/{path:path}", lambda request: PlainTextResponse("page"))]))
    client = TestClient(app)

    assert client.get("/showroom").text == "page"
    for path in ("/api/v1", "/api/v1/", "/api/v1/no-such-thing", "/api/v1/parts/extra"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "api.not_found"
    assert client.delete("/api/v1/health").status_code == 405
