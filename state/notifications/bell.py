"""The bell in the frame of every signed-in page: the unread count and the newest entries, kept live
by portal/live_updates.py (a "notification.created" notice reloads the bells of its users), with
"mark all read" and each entry a link to its object that marks it read.

State holds the entries as plain data (services/notifications/inbox.py `entry_view`); the computed
`rows` render them in the viewer's language and time zone, so a language switch needs no reload.
"""

from __future__ import annotations

from typing import TypedDict

import reflex as rx

from models.db import session_scope
from services.notifications import inbox, kinds
from services.platform.errors import DomainError, PermissionDenied
from state.notifications.watchers import WATCHERS
from state.shared.auth import AuthState


class EntryRow(TypedDict):
    id: int
    icon: str
    text: str
    when: str
    link: str
    read: bool


class EntryRowsMixin(rx.State, mixin=True):
    """Entries rendered for display, shared by the bell and the inbox page."""

    def _rows(self, entries: list[dict]) -> list[EntryRow]:
        return [
            EntryRow(
                id=entry["id"],
                icon=entry["icon"],
                text=self.t(entry["text_key"], **kinds.text_params(entry["params"], self.language)),
                when=self.fmt_time(entry["created_at"]),
                link=entry["link"],
                read=entry["read"],
            )
            for entry in entries
        ]


class BellState(EntryRowsMixin, AuthState):
    unread: int = 0
    entries: list[dict] = []

    @rx.var
    def rows(self) -> list[EntryRow]:
        return self._rows(self.entries)

    @rx.var
    def unread_label(self) -> str:
        """'9+' past nine, '' for none (the badge hides)."""
        if self.unread <= 0:
            return ""
        return "9+" if self.unread > 9 else str(self.unread)

    @rx.var
    def bell_label(self) -> str:
        label = self.t("notification.bell")
        if self.unread:
            label += " · " + self.t("notification.unread_badge", count=self.unread)
        return label

    def refresh(self) -> bool:
        """Reload the count and the newest entries for the signed-in user; False (and empty) when
        nobody is signed in on this tab any more. Blocking: the live push runs it in a thread."""
        try:
            principal = self._principal()
        except PermissionDenied:
            self.unread, self.entries = 0, []
            return False
        with session_scope() as session:
            self.unread = inbox.unread_count(session, principal)
            self.entries = inbox.latest(session, principal)
        self.user_id = principal.user_id
        return True

    @rx.event
    def load(self):
        """on_load of every framed page (after the guard): show the bell and keep it live."""
        token = self.router.session.client_token
        # The guard just ran: a visitor it turned away has no bell to fill (and no second lookup).
        if self.allowed and self.refresh():
            WATCHERS.watch(token, self.user_id)
        else:
            WATCHERS.forget(token)

    @rx.event
    def open_entry(self, notification_id: int):
        """Mark one entry read and go to its object."""
        try:
            principal = self._principal()
            with session_scope() as session:
                link = inbox.mark_read(session, principal, notification_id)
        except DomainError as error:
            return self._denied(error)
        self.refresh()
        return rx.redirect(link) if link else None

    @rx.event
    def mark_all_read(self):
        try:
            principal = self._principal()
            with session_scope() as session:
                marked = inbox.mark_all_read(session, principal)
        except DomainError as error:
            return self._denied(error)
        self.refresh()
        return rx.toast.success(self.t("notification.marked_all", count=marked))
