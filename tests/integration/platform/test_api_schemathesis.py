"""Schemathesis over every API operation, as each role and as nobody, on the real PostgreSQL:
generated valid and invalid requests never get a 5xx, and every answer is one the OpenAPI
documents (its status, its content type, its body's schema). Bounded: a few examples per
operation and caller, so the whole run stays within a couple of minutes."""

from __future__ import annotations

import contextlib

import hypothesis
import hypothesis.errors
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlmodel import Session

from models.db import get_engine
from portal.api import api
from services.identity import auth
from tests.factories import PASSWORD, make_user
from tests.ordering_world import build_world, user_of

pytestmark = pytest.mark.postgres

EXAMPLES = 6  # per operation, per caller and per mode (valid, invalid)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
LOGOUT = ("POST", "/api/v1/auth/logout")


@pytest.fixture
def tokens(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, str | None]:
    """A bearer token per role (None: no token at all); placed orders go to no broker."""

    class NoBroker:
        def send_task(self, *args, **kwargs):
            return None

    monkeypatch.setattr("workers.dispatch._client", lambda broker_url: NoBroker())
    monkeypatch.setattr("portal.api.ordering.payments.kick_relay", lambda *args: None)
    with Session(get_engine(), expire_on_commit=False) as session:
        world = build_world(session)
        manager = make_user(session, "manager", world.oem)
        supplier = make_user(session, "supplier", world.supplier)
        admin = make_user(session, "admin", world.oem)
        session.commit()
        users = {
            "dealer": user_of(session, world.dealer),
            "customer": user_of(session, world.customer),
            "manager": manager,
            "supplier": supplier,
            "admin": admin,
        }
        found = {
            role: auth.login(session, email=user.email, password=PASSWORD)[0] for role, user in users.items()
        }
    return {**found, "anonymous": None}


ROLES = ["dealer", "customer", "manager", "supplier", "admin", "anonymous"]


# One test per caller, each its own xdist group, so a parallel run spreads the fuzzing over workers.
@pytest.mark.parametrize(
    "role", [pytest.param(role, marks=pytest.mark.xdist_group(f"schemathesis-{role}")) for role in ROLES]
)
def test_no_generated_request_gets_a_5xx_and_every_answer_is_documented(tokens, role):
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", api)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    failures: list[str] = []
    answers: dict[int, int] = {}
    token = tokens[role]
    for operation in operations:
        if (operation.method.upper(), operation.path) == LOGOUT:
            continue  # it would revoke the token the other operations use; covered in test_api
        for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):
            failures.extend(_run(operation, mode, token, role, answers))
    assert not failures, "\n\n".join(failures[:10])
    # The caller got through to some operations, was refused by others, and had bad input named.
    assert 200 in answers, answers
    assert {401, 403, 404} & set(answers), answers
    assert 422 in answers, answers
    assert sum(answers.values()) > len(operations) * EXAMPLES, answers


def _run(operation, mode, token: str | None, role: str, answers: dict[int, int]) -> list[str]:
    failures: list[str] = []

    @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
    @hypothesis.settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def check(case) -> None:
        if token is not None:
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}
        response = case.call()
        answers[response.status_code] = answers.get(response.status_code, 0) + 1
        try:
            case.validate_response(response, checks=CHECKS)
        except Exception as error:  # noqa: BLE001  (collected: one report for every operation)
            failures.append(
                f"{role} {mode.value} {operation.method.upper()} {operation.path}: "
                f"{type(error).__name__}: {str(error)[:1500]}"
            )

    # Unsatisfiable: nothing to make invalid (an operation without parameters or body).
    with contextlib.suppress(hypothesis.errors.Unsatisfiable):
        check()
    return failures
