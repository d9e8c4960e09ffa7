"""/admin/dead-letters: the carrier payloads the ingest could not read, filtered by carrier and
"open only", paged; a row opens the whole payload, Replay runs it through the ingest again
(services/logistics/dead_letters.py, services/logistics/ingest.py `replay_dead_letter`)."""

from __future__ import annotations

from typing import TypedDict

import reflex as rx

from models import Role
from models.db import session_scope
from services.catalog.lists import Page
from services.logistics import dead_letters
from services.logistics.ingest import replay_dead_letter
from services.platform.errors import DomainError
from state.shared.auth import AuthState
from state.shared.paging import PAGE_SIZE, PagedMixin

ALL = "all"  # the carrier filter's "any" choice (a select cannot hold an empty value)


class DeadLetterRow(TypedDict):
    id: int
    received: str
    carrier: str
    source: str
    error: str
    field: str
    preview: str
    state: str  # open, failing (a replay failed), replayed
    state_label: str
    replay_error: str


def _state(entry: dict) -> str:
    if entry["replayed_at"]:
        return "replayed"
    return "failing" if entry["replay_error"] else "open"


class DeadLettersState(PagedMixin, AuthState):
    carrier: str = ALL
    open_only: bool = True
    _entries: list[dict] = []
    _carriers: list[str] = []
    # the letter shown whole in the dialog
    viewing: bool = False
    viewed_id: int = 0
    viewed_carrier: str = ""
    viewed_error: str = ""
    viewed_payload: str = ""
    viewed_replayed: bool = False
    replaying: bool = False

    @rx.var
    def rows(self) -> list[DeadLetterRow]:
        rows: list[DeadLetterRow] = []
        for entry in self._entries:
            state = _state(entry)
            rows.append(
                {
                    "id": entry["id"],
                    "received": self.fmt_time(entry["received_at"]),
                    "carrier": entry["carrier"],
                    "source": self.t(f"dead_letters.source.{entry['source']}"),
                    "error": entry["error"],
                    "field": entry["field"] or "",
                    "preview": entry["preview"],
                    "state": state,
                    "state_label": self.t(f"dead_letters.state.{state}"),
                    "replay_error": entry["replay_error"] or "",
                }
            )
        return rows

    @rx.var
    def carrier_options(self) -> list[dict[str, str]]:
        return [{"value": ALL, "label": self.t("dead_letters.any_carrier")}] + [
            {"value": name, "label": name} for name in self._carriers
        ]

    @rx.var
    def viewed_title(self) -> str:
        return self.t("dead_letters.payload_title", id=self.viewed_id, carrier=self.viewed_carrier)

    def _fetch(self) -> None:
        principal = self._principal(Role.ADMIN)
        with session_scope() as session:
            letters, self.total = dead_letters.list_dead_letters(
                session,
                principal,
                Page(self.page, PAGE_SIZE),
                carrier=None if self.carrier == ALL else self.carrier,
                state="open" if self.open_only else "all",
            )
            self._carriers = dead_letters.carriers_with_letters(session, principal)
        self._entries = [
            {
                "id": letter.id,
                "received_at": letter.received_at.isoformat(),
                "carrier": letter.carrier,
                "source": letter.source,
                "error": letter.error,
                "field": letter.field,
                "preview": letter.preview,
                "replayed_at": letter.replayed_at.isoformat() if letter.replayed_at else None,
                "replay_error": letter.replay_error,
            }
            for letter in letters
        ]

    def _empty(self) -> None:
        self._entries, self.total = [], 0

    @rx.event
    def load(self):
        self.page = 1
        self.viewing = False
        yield from self._reload()

    @rx.event
    def set_carrier(self, value: str):
        self.carrier = value
        self.page = 1
        yield from self._reload()

    @rx.event
    def set_open_only(self, value: bool):
        self.open_only = bool(value)
        self.page = 1
        yield from self._reload()

    @rx.event
    def view(self, dead_letter_id: int):
        try:
            principal = self._principal(Role.ADMIN)
            with session_scope() as session:
                letter = dead_letters.dead_letter_payload(session, principal, int(dead_letter_id))
        except DomainError as error:
            yield self._denied(error)
            return
        self.viewed_id, self.viewed_carrier = letter.id, letter.carrier
        self.viewed_error = letter.error + (f" ({letter.field})" if letter.field else "")
        self.viewed_payload, self.viewed_replayed = letter.pretty, letter.replayed_at is not None
        self.viewing = True

    @rx.event
    def set_viewing(self, is_open: bool):
        self.viewing = is_open

    @rx.event
    def replay(self, dead_letter_id: int):
        """Run the letter through the ingest again; the toast says what came of it."""
        self.replaying = True
        yield
        try:
            principal = self._principal(Role.ADMIN)
            with session_scope() as session:
                result = replay_dead_letter(session, principal, int(dead_letter_id))
        except DomainError as error:
            self.replaying = False
            yield self._denied(error)
            return
        self.replaying = False
        if result.error is not None:
            reason = result.error + (f" ({result.field})" if result.field else "")
            yield rx.toast.error(self.t("dead_letters.still_failing", id=dead_letter_id, error=reason))
        else:
            yield rx.toast.success(
                self.t(
                    "dead_letters.replayed",
                    id=dead_letter_id,
                    stored=self.fmt_number(result.stored),
                    duplicates=self.fmt_number(result.duplicates),
                    count=result.stored,
                )
            )
            if self.viewed_id == int(dead_letter_id):
                self.viewed_replayed = True
        yield from self._reload()
