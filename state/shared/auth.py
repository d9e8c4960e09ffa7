"""Who is signed in, in which language, and the guard every protected page runs on load.

The browser keeps only the random session token (LocalStorage); the server resolves it against
the session table on every guarded page load and every mutating handler, so hiding a button is
never the only thing standing between a role and an action.
"""

from __future__ import annotations

from datetime import datetime

import reflex as rx
from sqlmodel import Session

from models.db import session_scope
from services.i18n import LANGUAGES, catalogue, translate
from services.i18n.names import localized_name
from services.identity import auth, users
from services.identity.access import home_for, may_enter, require_role
from services.identity.auth import Principal
from services.platform.errors import DomainError, PermissionDenied
from services.platform.formatting import format_datetime, format_datetime_parts, format_number

LOGIN_PATH = "/login"
DEFAULT_LANGUAGE = "en"


class AuthState(rx.State):
    """The base of every page's state: the session token, the principal's plain facts, the language."""

    token: str = rx.LocalStorage("", name="portal_session", sync=True)
    # Kept in the browser too, so anonymous visitors keep their choice; a user's own choice wins.
    lang: str = rx.LocalStorage(DEFAULT_LANGUAGE, name="portal_lang", sync=True)
    # This browser's proof of an earlier sign-in (services/identity/device_tokens.py): its next
    # attempts are throttled per device, not per address. Kept past logout, which `_forget` leaves.
    device_token: str = rx.LocalStorage("", name="portal_device")

    user_id: int = 0
    email: str = ""
    full_name: str = ""
    role: str = ""
    organisation_name: str = ""
    organisation_name_zh: str = ""
    organisation_kind: str = ""
    time_zone: str = "UTC"
    # True once the guard has let the principal onto the current page.
    allowed: bool = False
    # A visitor who picks a language on the login page keeps it once signed in.
    _language_chosen_signed_out: bool = False

    # --- what the pages read -------------------------------------------------------------

    @rx.var
    def language(self) -> str:
        return self.lang if self.lang in LANGUAGES else DEFAULT_LANGUAGE

    @rx.var
    def tr(self) -> dict[str, str]:
        """Every message in the current language (no database here: the catalogue is in code)."""
        return catalogue(self.language)

    @rx.var
    def organisation_label(self) -> str:
        """The viewer's organisation, named in the viewer's language."""
        return localized_name(self.organisation_name, self.organisation_name_zh, self.language)

    @rx.var
    def role_label(self) -> str:
        return translate(f"role.{self.role}", self.language) if self.role else ""

    @rx.var
    def home_path(self) -> str:
        return home_for(self.role)

    # --- helpers for substates --------------------------------------------------------

    def t(self, key: str, **params: object) -> str:
        """`key` translated into the viewer's language."""
        return translate(key, self.language, **params)

    def fmt_number(self, value: int | float | str) -> str:
        return format_number(value, self.language)

    def fmt_time(self, moment: datetime | str | None) -> str:
        """A stored UTC time in the viewer's zone and language ('' for none)."""
        return format_datetime(moment, self.time_zone or "UTC", self.language)

    def fmt_time_parts(self, moment: datetime | str | None) -> tuple[str, str]:
        """fmt_time's day and time of day apart, for a list's two short lines."""
        return format_datetime_parts(moment, self.time_zone or "UTC", self.language)

    def _resolve(self, session: Session) -> Principal | None:
        return auth.resolve_token(session, self.token)

    def _principal(self, *roles: str) -> Principal:
        """The signed-in principal, re-read from the session table, holding one of `roles`
        (any role when none are named). Raises PermissionDenied otherwise: call it at the top
        of every handler that reads or changes data."""
        with session_scope() as session:
            principal = self._resolve(session)
        if principal is None:
            raise PermissionDenied("auth.required")
        return require_role(principal, *roles) if roles else principal

    def _remember(self, principal: Principal) -> None:
        self.user_id = principal.user_id
        self.email = principal.email
        self.full_name = principal.full_name
        self.role = principal.role
        self.organisation_name = principal.organisation_name
        self.organisation_name_zh = principal.organisation_name_zh
        self.organisation_kind = principal.organisation_kind
        self.time_zone = principal.time_zone or "UTC"
        if principal.language in LANGUAGES:
            self.lang = principal.language

    def _forget(self) -> None:
        self.token = ""
        self.user_id = 0
        self.email = ""
        self.full_name = ""
        self.role = ""
        self.organisation_name = ""
        self.organisation_name_zh = ""
        self.organisation_kind = ""
        self.time_zone = "UTC"
        self.allowed = False

    def _denied(self, error: DomainError):
        """The events that answer a refused or failed action: a translated error toast."""
        return rx.toast.error(self.t(error.code, **_plain(error.params)))

    # --- events -----------------------------------------------------------------------

    @rx.event
    def check_access(self):
        """on_load guard of every protected page: signed in, and the role may enter this area."""
        self.allowed = False
        with session_scope() as session:
            principal = self._resolve(session)
        if principal is None:
            self._forget()
            return rx.redirect(LOGIN_PATH)
        self._remember(principal)
        if not may_enter(principal, self.router.url.path):
            return [
                rx.redirect(home_for(principal.role)),
                rx.toast.error(self.t("access.denied"), id="access-denied"),
            ]
        self.allowed = True
        return None

    @rx.event
    def go_home(self):
        """on_load of '/': the signed-in role's home, or the login page."""
        with session_scope() as session:
            principal = self._resolve(session)
        if principal is None:
            self._forget()
            return rx.redirect(LOGIN_PATH)
        self._remember(principal)
        return rx.redirect(home_for(principal.role))

    @rx.event
    def set_language(self, language: str):
        """Switch the language; a signed-in user's choice is kept on their account."""
        if language not in LANGUAGES:
            return None
        self.lang = language
        if not self.token:
            self._language_chosen_signed_out = True
            return None
        try:
            with session_scope() as session:
                principal = self._resolve(session)
                if principal is not None:
                    users.set_language(session, principal, language)
        except DomainError as error:
            return self._denied(error)
        return None

    async def _clear_page_states(self) -> None:
        """Forget every page's data, so the next person signing in on this browser tab never
        glimpses the previous one's figures before their own load."""
        pending = list(type(self).get_substates())
        while pending:
            state_class = pending.pop()
            pending.extend(state_class.get_substates())
            (await self.get_state(state_class)).reset()

    @rx.event
    async def logout(self):
        """End the server-side session, forget the page data, and go to the login page."""
        with session_scope() as session:
            auth.logout(session, self.token)
        self._forget()
        await self._clear_page_states()
        return rx.redirect(LOGIN_PATH)


def _plain(params: dict) -> dict:
    """Error parameters as display strings (times stay ISO; callers format what they show)."""
    return {key: value.isoformat() if isinstance(value, datetime) else value for key, value in params.items()}
