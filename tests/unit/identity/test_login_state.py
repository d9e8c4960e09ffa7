"""The sign-in page's handler below the browser: it keeps the device token of a successful login
(past logout), and a browser that has one still signs in behind an address others have throttled."""

from __future__ import annotations

import asyncio

import pytest
import reflex as rx
from reflex.istate.data import RouterData, SessionData
from sqlmodel import Session

from models.db import get_engine
from services.identity import auth
from state.identity.login import LoginState
from tests.conftest import configure
from tests.factories import PASSWORD, make_org, make_user

OFFICE = "203.0.113.9"  # the one NAT address of everyone in the office


@pytest.fixture
def dealer_email(any_db_url, monkeypatch) -> str:
    configure(monkeypatch, login_failures_per_address="6", login_delay_step_seconds="0")
    with Session(get_engine()) as session:
        email = make_user(session, "dealer", make_org(session, "dealer"), email="Anna.Li@Example.test").email
        session.commit()
    return email


def _browser_tab() -> LoginState:
    """The login state of a fresh tab at the office address (the state tree as Reflex builds it)."""
    root = rx.State(_reflex_internal_init=True)
    root.router = RouterData(session=SessionData(client_ip=OFFICE))
    return root.get_substate(LoginState.get_full_name().split("."))


def _submit(tab: LoginState, email: str, password: str) -> LoginState:
    async def run() -> None:
        async for _update in LoginState.submit.fn(tab, {"email": email, "password": password}):
            pass

    asyncio.run(run())
    return tab


def _attack(email: str) -> None:
    """Guesses from elsewhere in the office fill the address's windows."""
    for guess in [email] * 3 + [f"guess{n}@example.test" for n in range(3)]:
        _submit(_browser_tab(), guess, "wrong-password")


def test_the_sign_in_page_keeps_a_device_token_past_logout(dealer_email) -> None:
    tab = _submit(_browser_tab(), dealer_email, PASSWORD)
    assert tab.token and tab.error_key == ""
    assert auth.login_delay(email=dealer_email, client_address=OFFICE, device_token=tab.device_token) == 0

    asyncio.run(LoginState.logout.fn(tab))
    assert tab.token == "" and tab.device_token != ""


def test_a_browser_that_signed_in_before_signs_in_behind_an_attacked_address(dealer_email) -> None:
    known = _submit(_browser_tab(), dealer_email, PASSWORD)
    asyncio.run(LoginState.logout.fn(known))
    _attack(dealer_email)

    stranger = _submit(_browser_tab(), dealer_email, PASSWORD)
    assert (stranger.token, stranger.error_key) == ("", "auth.throttled")
    assert "15 min" in stranger.error_text

    _submit(known, dealer_email, PASSWORD)
    assert known.token and known.error_key == ""


def test_a_tampered_device_token_on_the_sign_in_page_counts_as_none(dealer_email) -> None:
    known = _submit(_browser_tab(), dealer_email, PASSWORD)
    asyncio.run(LoginState.logout.fn(known))
    _attack(dealer_email)

    known.device_token = known.device_token[:-1] + ("0" if known.device_token[-1] != "0" else "1")
    _submit(known, dealer_email, PASSWORD)
    assert (known.token, known.error_key) == ("", "auth.throttled")
