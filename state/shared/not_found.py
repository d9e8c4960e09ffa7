"""The 404 page's state: who is looking (signed in or not), without sending anyone away."""

from __future__ import annotations

import reflex as rx

from models.db import session_scope
from state.shared.auth import AuthState


class NotFoundState(AuthState):
    # True once `identify` has run: until then the page shows neither variant.
    checked: bool = False

    @rx.event
    def identify(self):
        """on_load of the 404 page: a signed-in user gets their frame, a visitor the sign-in link
        (no redirect either way: the address they typed stays in the bar)."""
        with session_scope() as session:
            principal = self._resolve(session)
        if principal is None:
            self._forget()
        else:
            self._remember(principal)
            self.allowed = True
        self.checked = True
