"""/notifications: the reader's whole inbox, paged, all or unread only, each entry opening its object
(and marked read), "mark all read", and how each kind reaches the reader (in the portal only, an
e-mail at once, or the daily digest). Everything is the principal's own (services/notifications)."""

from __future__ import annotations

from typing import TypedDict

import reflex as rx

from models import Delivery
from models.db import session_scope
from services.catalog.lists import Page
from services.notifications import inbox, kinds
from services.platform.errors import DomainError
from state.notifications.bell import BellState, EntryRow, EntryRowsMixin
from state.shared.auth import AuthState
from state.shared.paging import PAGE_SIZE, PagedMixin


class PreferenceRow(TypedDict):
    kind: str
    label: str
    delivery: str


class InboxState(EntryRowsMixin, PagedMixin, AuthState):
    unread_only: bool = False
    _entries: list[dict] = []
    _preferences: list[dict] = []

    @rx.var
    def rows(self) -> list[EntryRow]:
        return self._rows(self._entries)

    @rx.var
    def preference_rows(self) -> list[PreferenceRow]:
        return [
            PreferenceRow(
                kind=item["kind"], label=self.t(kinds.label_key(item["kind"])), delivery=item["delivery"]
            )
            for item in self._preferences
        ]

    @rx.var
    def delivery_options(self) -> list[dict[str, str]]:
        return [
            {"value": item.value, "label": self.t(f"notification.delivery.{item.value}")} for item in Delivery
        ]

    def _fetch(self) -> None:
        principal = self._principal()
        with session_scope() as session:
            self._entries, self.total = inbox.list_entries(
                session, principal, page=Page(self.page, PAGE_SIZE), unread_only=self.unread_only
            )
            self._preferences = inbox.preferences(session, principal)

    def _empty(self) -> None:
        self._entries, self._preferences, self.total = [], [], 0

    @rx.event
    def load(self):
        self.page = 1
        yield from self._reload()

    @rx.event
    def set_unread_only(self, value: bool):
        self.unread_only = bool(value)
        self.page = 1
        yield from self._reload()

    @rx.event
    async def open_entry(self, notification_id: int):
        """Mark one entry read and go to its object (the bell's count follows)."""
        try:
            principal = self._principal()
            with session_scope() as session:
                link = inbox.mark_read(session, principal, notification_id)
        except DomainError as error:
            return self._denied(error)
        (await self.get_state(BellState)).refresh()
        return rx.redirect(link) if link else None

    @rx.event
    async def mark_all_read(self):
        try:
            principal = self._principal()
            with session_scope() as session:
                marked = inbox.mark_all_read(session, principal)
        except DomainError as error:
            yield self._denied(error)
            return
        (await self.get_state(BellState)).refresh()
        for event in self._reload():
            yield event
        yield rx.toast.success(self.t("notification.marked_all", count=marked))

    @rx.event
    def set_delivery(self, kind: str, delivery: str):
        try:
            principal = self._principal()
            with session_scope() as session:
                self._preferences = inbox.set_preference(session, principal, kind, delivery)
        except DomainError as error:
            return self._denied(error)
        return rx.toast.success(
            self.t(
                "notification.preference_saved",
                kind=self.t(kinds.label_key(kind)),
                delivery=self.t(f"notification.delivery.{delivery}"),
            )
        )
