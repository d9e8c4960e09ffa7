"""/admin/audit: the audit trail, filtered, paged, exportable (services/identity/audit_trail.py)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import TypedDict

import reflex as rx

from models import Role
from models.db import session_scope
from services.catalog.lists import Page
from services.i18n import KEYS
from services.i18n.names import localized_name, row_name
from services.identity import audit_trail
from services.identity.audit_trail import AuditFilter
from services.platform.errors import DomainError
from state.shared.auth import AuthState
from state.shared.paging import PAGE_SIZE, PagedMixin

ALL = "all"  # the filters' "any" choice (a select cannot hold an empty value)


class AuditRow(TypedDict):
    id: int
    at: str
    actor: str
    organisation: str
    action: str
    entity: str
    before: str
    after: str


def _pretty(value: dict | None) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True, indent=1)


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


class AuditTrailState(PagedMixin, AuthState):
    organisation: str = ALL
    user: str = ALL
    action: str = ALL
    since: str = ""
    until: str = ""
    range_error: str = ""
    _entries: list[dict] = []
    _organisations: list[tuple[int, str]] = []
    _organisation_names_zh: dict[str, str] = {}
    _users: list[tuple[int, str]] = []
    _actions: list[str] = []

    @rx.var
    def rows(self) -> list[AuditRow]:
        return [
            {
                "id": entry["id"],
                "at": self.fmt_time(entry["at"]),
                "actor": entry["actor"] or self.t("audit.system"),
                "organisation": row_name(entry, "organisation", self.language),
                "action": self._action_label(entry["action"]),
                "entity": f"{self._entity_label(entry['entity'])} {entry['entity_id']}".strip(),
                "before": _pretty(entry["before"]),
                "after": _pretty(entry["after"]),
            }
            for entry in self._entries
        ]

    def _action_label(self, action: str) -> str:
        """A recorded action ('login.succeeded') in the viewer's language; an unknown one as stored."""
        key = f"audit.action.{action}"
        return self.t(key) if key in KEYS else action

    def _entity_label(self, entity: str) -> str:
        key = f"audit.entity.{entity}"
        return self.t(key) if key in KEYS else entity

    @rx.var
    def organisation_options(self) -> list[dict[str, str]]:
        return [{"value": ALL, "label": self.t("audit.any_organisation")}] + [
            {
                "value": str(key),
                "label": localized_name(name, self._organisation_names_zh.get(str(key)), self.language),
            }
            for key, name in self._organisations
        ]

    @rx.var
    def user_options(self) -> list[dict[str, str]]:
        return [{"value": ALL, "label": self.t("audit.any_user")}] + [
            {"value": str(key), "label": email} for key, email in self._users
        ]

    @rx.var
    def action_options(self) -> list[dict[str, str]]:
        return [{"value": ALL, "label": self.t("audit.any_action")}] + [
            {"value": action, "label": self._action_label(action)} for action in self._actions
        ]

    @rx.var
    def filtered(self) -> bool:
        return any(value != ALL for value in (self.organisation, self.user, self.action)) or bool(
            self.since or self.until
        )

    def _filters(self) -> AuditFilter:
        return AuditFilter(
            organisation_id=None if self.organisation == ALL else int(self.organisation),
            user_id=None if self.user == ALL else int(self.user),
            action=None if self.action == ALL else self.action,
            since=_day(self.since),
            until=_day(self.until),
        )

    def _fetch(self) -> None:
        principal = self._principal(Role.ADMIN)
        with session_scope() as session:
            entries, self.total = audit_trail.list_entries(
                session, principal, self._filters(), page=Page(self.page, PAGE_SIZE)
            )
        self._entries = [
            {
                "id": entry.id,
                "at": entry.at.isoformat(),
                "actor": entry.actor,
                "organisation": entry.organisation,
                "organisation_zh": entry.organisation_zh,
                "action": entry.action,
                "entity": entry.entity,
                "entity_id": entry.entity_id,
                "before": entry.before,
                "after": entry.after,
            }
            for entry in entries
        ]

    def _empty(self) -> None:
        self._entries, self.total = [], 0

    def _refilter(self):
        self.range_error = ""
        try:
            self._filters()
        except DomainError as error:
            self.range_error = self.t(error.code)
            self._empty()
            return
        self.page = 1
        yield from self._reload()

    @rx.event
    def load(self):
        try:
            principal = self._principal(Role.ADMIN)
            with session_scope() as session:
                choices = audit_trail.filter_choices(session, principal)
        except DomainError:
            self._empty()
            return
        self._organisations, self._users, self._actions = (
            choices.organisations,
            choices.users,
            choices.actions,
        )
        self._organisation_names_zh = {str(key): name for key, name in choices.organisation_names_zh.items()}
        self.page = 1
        yield from self._reload()

    @rx.event
    def set_organisation(self, value: str):
        self.organisation = value
        yield from self._refilter()

    @rx.event
    def set_user(self, value: str):
        self.user = value
        yield from self._refilter()

    @rx.event
    def set_action(self, value: str):
        self.action = value
        yield from self._refilter()

    @rx.event
    def set_since(self, value: str):
        self.since = value if _day(value) else ""
        yield from self._refilter()

    @rx.event
    def set_until(self, value: str):
        self.until = value if _day(value) else ""
        yield from self._refilter()

    @rx.event
    def clear_filters(self):
        self.organisation = self.user = self.action = ALL
        self.since = self.until = ""
        yield from self._refilter()

    @rx.event
    def export(self):
        """The selected entries as a CSV download."""
        try:
            principal = self._principal(Role.ADMIN)
            with session_scope() as session:
                content = audit_trail.export_csv(session, principal, self._filters())
        except DomainError as error:
            yield self._denied(error)
            return
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M")
        yield rx.download(data=content, filename=f"audit-{stamp}.csv", mime_type="text/csv")
        yield rx.toast.success(self.t("audit.exported"))
