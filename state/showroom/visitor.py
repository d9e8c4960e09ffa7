"""Who is looking at a public showroom page: a signed-in user (their frame and sidebar) or a
visitor (the public header with "Sign in"); nobody is sent away."""

from __future__ import annotations

import reflex as rx

from models.db import session_scope
from state.shared.auth import AuthState


class VisitorState(AuthState):
    # True once `identify` has run: until then the page shows neither frame.
    checked: bool = False

    @rx.event
    def identify(self):
        """on_load of every public page, before the page's own loader."""
        with session_scope() as session:
            principal = self._resolve(session)
        if principal is None:
            self._forget()
        else:
            self._remember(principal)
            self.allowed = True
        self.checked = True
