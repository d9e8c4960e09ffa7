"""How the API turns validation errors into its JSON error shape (no database needed)."""

from __future__ import annotations

import string
from datetime import UTC, datetime

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from portal.api import api, errors
from services.i18n import KEYS, translate
from services.platform import field_paths
from services.platform.errors import ValidationFailed


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(errors.MESSAGE_KEYS))
def test_every_api_message_exists_in_english_and_chinese_with_the_same_placeholders(key):
    assert key in KEYS
    assert _placeholders(translate(key, "en")) == _placeholders(translate(key, "zh"))


@pytest.mark.parametrize(
    ("location", "field"),
    [
        (("query", "page_size"), "page_size"),
        (("body", "email"), "email"),
        (("body",), "body"),
        (("body", "lines", 0, "sku"), "lines[0].sku"),
        (("body", "lines", 2, "options", 0), "lines[2].options[0]"),
        (("header", "authorization"), "authorization"),
    ],
)
def test_field_name_is_the_input_the_client_sent(location, field):
    assert errors.field_name(location) == field


def test_malformed_json_is_400_on_the_body():
    status, code, field, _ = errors.describe_validation_error(
        {"type": "json_invalid", "loc": ("body", 7), "msg": "Invalid JSON"}
    )

    assert (status, code, field) == (400, "request.malformed", "body")


def test_page_size_errors_use_the_page_message_with_the_limit():
    status, code, field, params = errors.describe_validation_error(
        {"type": "less_than_equal", "loc": ("query", "page_size"), "msg": "...", "ctx": {"le": 200}}
    )

    assert (status, code, field) == (422, "page.size_invalid", "page_size")
    assert errors.message_for(code, **params) == "The page size must be between 1 and 200."


def test_an_unknown_error_type_still_reads_well():
    status, code, field, params = errors.describe_validation_error(
        {"type": "url_parsing", "loc": ("body", "website"), "msg": "Input should be a valid URL"}
    )

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
    assert response.body == (
        b'{"error":{"code":"auth.required","message":"Please sign in.","field":"authorization"}}'
    )


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


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (("lines", 2, "quantity"), "lines[2].quantity"),
        (("items", 0), "items[0]"),
        (("weights", "delivery"), "weights.delivery"),
        (("lines", 1, "options", 0, "code"), "lines[1].options[0].code"),
    ],
)
def test_a_field_path_has_dots_between_fields_and_list_positions_in_brackets(parts, expected):
    assert field_paths.path(*parts) == expected


@pytest.mark.parametrize(
    ("dotted", "expected"),
    [
        ("lines.1.quantity", "lines[1].quantity"),
        ("items.49999.available", "items[49999].available"),
        ("lines.0", "lines[0]"),
        ("lines[1].quantity", "lines[1].quantity"),
        ("weights.delivery", "weights.delivery"),
        ("page_size", "page_size"),
        (None, None),
    ],
)
def test_the_older_dotted_spelling_is_answered_in_the_bracket_convention(dotted, expected):
    assert field_paths.normalise(dotted) == expected


class _SeveralFields(ValidationFailed):
    """Stands for an error carrying several field errors, as the services raise them."""

    def __init__(self, *errors: ValidationFailed) -> None:
        super().__init__(errors[0].code, field=errors[0].field, **errors[0].params)
        self.field_errors = list(errors)


def _answer(exc: Exception) -> dict:
    app = FastAPI()
    errors.install_error_handlers(app)

    @app.post("/api/v1/probe")
    def probe() -> None:
        raise exc

    return TestClient(app).post("/api/v1/probe").json()["error"]


def test_a_service_error_is_answered_with_its_field_in_the_bracket_convention():
    error = _answer(ValidationFailed("quantity.not_whole", field="lines.1.quantity", value="2.5"))

    assert (error["code"], error["field"]) == ("quantity.not_whole", "lines[1].quantity")
    assert "fields" not in error


def test_an_error_with_several_fields_lists_each_in_the_bracket_convention():
    error = _answer(
        _SeveralFields(
            ValidationFailed("quantity.not_whole", field="lines.1.quantity", value="2.5"),
            ValidationFailed("lot.required", field="lines[2].lot_number"),
        )
    )

    assert error["field"] == "lines[1].quantity"
    assert [(entry["field"], entry["code"]) for entry in error["fields"]] == [
        ("lines[1].quantity", "quantity.not_whole"),
        ("lines[2].lot_number", "lot.required"),
    ]
    assert error["fields"][0]["message"] == translate("quantity.not_whole", "en", value="2.5")


def test_the_openapi_documents_the_field_path_convention():
    schema = api.openapi()

    assert "`lines[1].quantity`" in schema["info"]["description"]
    detail = schema["components"]["schemas"]["ErrorDetail"]["properties"]["field"]
    assert "brackets" in detail["description"] and detail["examples"] == ["lines[1].quantity"]
    assert "brackets" in schema["components"]["schemas"]["ErrorOut"]["description"]
