"""The login page: check the credentials, keep the token, send the person to their home."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import reflex as rx

from models.db import session_scope
from models.settings import get_settings
from services.identity import auth, users
from services.identity.access import home_for
from services.platform.errors import AuthenticationFailed, LoginThrottled
from state.shared.auth import AuthState

MAX_EMAIL_LENGTH = 254
MAX_PASSWORD_LENGTH = 1024


class LoginState(AuthState):
    """The form's outcome only: the password passes through `submit` and is never kept."""

    error_key: str = ""
    retry_minutes: int = 0  # when throttled: try again in this many minutes
    submitting: bool = False
    demo_mode: bool = False

    @rx.var
    def error_text(self) -> str:
        if not self.error_key:
            return ""
        return self.t(self.error_key, minutes=self.retry_minutes)

    @rx.event
    def open(self):
        """on_load of /login: someone already signed in goes straight to their home."""
        self.demo_mode = get_settings().is_demo
        self.submitting = False
        with session_scope() as session:
            principal = self._resolve(session)
        if principal is not None:
            self._remember(principal)
            return rx.redirect(home_for(principal.role))
        self._forget()
        return None

    @rx.event
    async def submit(self, form_data: dict):
        """Sign in with the submitted e-mail and password (the same message for either wrong).

        The same throttle as the API's: the answer waits longer with each recent failure from this
        client address (the state of this tab only waits; the event loop does not), and too many
        are refused for a while. A browser that has signed in before (its device token) is
        counted on its own instead, so others guessing behind the same address do not refuse it."""
        email = str(form_data.get("email") or "").strip()[:MAX_EMAIL_LENGTH]
        password = str(form_data.get("password") or "")[:MAX_PASSWORD_LENGTH]
        self.retry_minutes = 0
        if not email or not password:
            self.error_key = "login.fill_in"
            return
        self.error_key = ""
        self.submitting = True
        yield
        client_address = self.router.session.client_ip
        delay = auth.login_delay(email=email, client_address=client_address, device_token=self.device_token)
        if delay > 0:
            await asyncio.sleep(delay)
        try:
            with session_scope() as session:
                token, principal = auth.login(
                    session,
                    email=email,
                    password=password,
                    client_address=client_address,
                    user_agent=self.router.headers.user_agent or "",
                    device_token=self.device_token,
                )
        except LoginThrottled as throttled:
            self.retry_minutes = int(throttled.params.get("minutes", 1))
            self.error_key = throttled.code
            self.submitting = False
            return
        except AuthenticationFailed:
            self.error_key = "auth.invalid_credentials"
            self.submitting = False
            return
        await self._clear_page_states()  # resets this form too
        self.token = token
        self.device_token = auth.device_token_for(principal)
        if self._language_chosen_signed_out and self.language != principal.language:
            with session_scope() as session:
                users.set_language(session, principal, self.language)
            principal = replace(principal, language=self.language)
        self._language_chosen_signed_out = False
        self._remember(principal)
        yield rx.redirect(home_for(principal.role))
