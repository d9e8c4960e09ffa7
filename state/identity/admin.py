"""The admin's users and organisations: create users, reset passwords, (de)activate; and the
orders the sweeps parked, with their errors, to retry.

Every handler re-reads the principal and the services (users, order_attention) re-check the admin
role and audit. Passwords pass through the handlers' form data and are never kept in state.
"""

from __future__ import annotations

import math
from dataclasses import asdict
from typing import TypedDict

import reflex as rx
from babel import Locale

from models import OrganisationKind, Role
from models.db import session_scope
from models.settings import get_settings
from services.catalog.lists import Page
from services.i18n.names import row_name
from services.identity import users
from services.identity.users import ROLE_ORGANISATION_KINDS
from services.ordering import attention as order_attention
from services.platform.errors import DomainError, FieldErrors, PermissionDenied
from state.shared.auth import AuthState
from state.shared.paging import PAGE_SIZE, PagedMixin

ALL_ROLES = "all"
MAX_FIELD_LENGTH = 254
MAX_PASSWORD_LENGTH = 1024
CREATE_FORM_ID = "create-user-form"


class UserRow(TypedDict):
    """One account as the users table shows it; `is_self` marks the admin's own (never
    deactivated from here)."""

    id: int
    email: str
    full_name: str
    role: str
    organisation: str
    active: bool
    locked_until: str
    last_login: str
    is_self: bool


class OrganisationRow(TypedDict):
    id: str
    slug: str
    name: str
    kind: str
    country: str
    currency: str
    time_zone: str


class ParkedOrderRow(TypedDict):
    order_id: int
    number: str
    buyer: str
    status: str
    payment_status: str
    step: str
    failures: str
    error: str
    parked_at: str


def _field_errors(error: DomainError) -> dict[str, list]:
    return {error.field or "form": [error.code, dict(error.params)]}


class AdminState(PagedMixin, AuthState):
    """/admin: one page of the accounts (searched and filtered by role in SQL), the organisations the
    new-user form offers, the new-user form and the reset-password dialog."""

    users: list[dict] = []
    organisations: list[dict] = []
    role_filter: str = ALL_ROLES

    # The create-user form: the role decides which organisations fit.
    new_role: str = ""
    new_organisation_id: str = ""
    create_errors: dict[str, list] = {}
    creating: bool = False

    # The reset-password dialog.
    reset_open: bool = False
    reset_user_id: int = 0
    reset_email: str = ""
    reset_errors: dict[str, list] = {}

    # --- display -----------------------------------------------------------------------

    @rx.var
    def user_rows(self) -> list[UserRow]:
        return [
            {
                "id": user["id"],
                "email": user["email"],
                "full_name": user["full_name"],
                "role": self.t(f"role.{user['role']}"),
                "organisation": row_name(user, "organisation", self.language),
                "active": bool(user["is_active"]),
                "locked_until": self.fmt_time(user["locked_until"]) if user["locked_until"] else "",
                "last_login": self.fmt_time(user["last_login_at"])
                if user["last_login_at"]
                else self.t("admin.never"),
                "is_self": user["id"] == self.user_id,
            }
            for user in self.users
        ]

    @rx.var
    def range_label(self) -> str:
        """`26–50 of 64` (`0–0 of 0` when nothing matches)."""
        first = (self.page - 1) * PAGE_SIZE + 1 if self.total else 0
        last = min(self.page * PAGE_SIZE, self.total)
        return self.t(
            "admin.users_range",
            first=self.fmt_number(first),
            last=self.fmt_number(last),
            total=self.fmt_number(self.total),
        )

    @rx.var
    def role_filter_options(self) -> list[dict[str, str]]:
        return [{"value": ALL_ROLES, "label": self.t("admin.all_roles")}] + [
            {"value": role.value, "label": self.t(f"role.{role.value}")} for role in Role
        ]

    @rx.var
    def role_options(self) -> list[dict[str, str]]:
        return [{"value": role.value, "label": self.t(f"role.{role.value}")} for role in Role]

    @rx.var
    def organisation_options(self) -> list[dict[str, str]]:
        """Organisations the chosen role may belong to (all of them before a role is chosen)."""
        kinds = ROLE_ORGANISATION_KINDS.get(Role(self.new_role)) if self.new_role in set(Role) else None
        return [
            {"value": str(org["id"]), "label": row_name(org, "name", self.language)}
            for org in self.organisations
            if kinds is None or org["kind"] in kinds
        ]

    @rx.var
    def create_error(self) -> dict[str, str]:
        return {field: self.t(code, **params) for field, (code, params) in self.create_errors.items()}

    @rx.var
    def reset_error(self) -> dict[str, str]:
        return {field: self.t(code, **params) for field, (code, params) in self.reset_errors.items()}

    @rx.var
    def reset_title(self) -> str:
        return self.t("admin.reset_password_for", email=self.reset_email)

    # --- loading -----------------------------------------------------------------------

    def _fetch(self) -> None:
        principal = self._principal(Role.ADMIN)
        role = None if self.role_filter == ALL_ROLES else self.role_filter
        with session_scope() as session:
            self.users, self.total = users.search_users(
                session, principal, page=Page(self.page, PAGE_SIZE), text=self.search, role=role
            )
            if self.users == [] and self.page > 1:  # the page emptied under us: back to the last one
                self.page = max(1, math.ceil(self.total / PAGE_SIZE))
                self.users, self.total = users.search_users(
                    session, principal, page=Page(self.page, PAGE_SIZE), text=self.search, role=role
                )
            self.organisations = users.list_organisations(session, principal)

    def _empty(self) -> None:
        self.users, self.organisations, self.total = [], [], 0

    @rx.event
    def load(self):
        self.create_errors, self.new_role, self.new_organisation_id = {}, "", ""
        self.page, self.search, self.role_filter = 1, "", ALL_ROLES
        yield from self._reload()

    @rx.event
    def set_role_filter(self, role: str):
        self.role_filter = role if role in set(Role) else ALL_ROLES
        self.page = 1
        yield from self._reload()

    @rx.event
    def set_new_role(self, role: str):
        self.new_role = role if role in set(Role) else ""
        valid = {option["value"] for option in self.organisation_options}
        if self.new_organisation_id not in valid:
            self.new_organisation_id = ""
        self.create_errors = {k: v for k, v in self.create_errors.items() if k != "role"}

    @rx.event
    def set_new_organisation(self, organisation_id: str):
        self.new_organisation_id = organisation_id

    # --- actions -----------------------------------------------------------------------

    @rx.event
    def create_user(self, form_data: dict):
        """Create an account from the form; a refusal names the field at fault beside it."""
        self.create_errors = {}
        try:
            principal = self._principal(Role.ADMIN)
        except PermissionDenied as error:
            return self._denied(error)
        email = str(form_data.get("email") or "").strip()[:MAX_FIELD_LENGTH]
        organisation = self.new_organisation_id
        if not organisation.isdigit():
            self.create_errors = {"organisation_id": ["user.organisation_invalid", {}]}
            return None
        try:
            with session_scope() as session:
                users.create_user(
                    session,
                    principal,
                    email=email,
                    full_name=str(form_data.get("full_name") or "")[: users.MAX_NAME_LENGTH + 1],
                    password=str(form_data.get("password") or "")[:MAX_PASSWORD_LENGTH],
                    role=self.new_role,
                    organisation_id=int(organisation),
                    language=self.language,
                )
        except PermissionDenied as error:
            return self._denied(error)
        except DomainError as error:
            self.create_errors = _field_errors(error)
            return None
        self._fetch()
        self.new_role, self.new_organisation_id = "", ""
        return [
            rx.toast.success(self.t("admin.created", email=email)),
            rx.call_script(f"document.getElementById('{CREATE_FORM_ID}').reset()"),
        ]

    @rx.event
    def open_reset(self, user_id: int, email: str):
        self.reset_user_id, self.reset_email, self.reset_errors = int(user_id), email, {}
        self.reset_open = True

    @rx.event
    def set_reset_open(self, is_open: bool):
        self.reset_open = is_open
        if not is_open:
            self.reset_errors = {}

    @rx.event
    def reset_password(self, form_data: dict):
        """Give the chosen user a new password; their sessions end and any lock-out is lifted."""
        try:
            principal = self._principal(Role.ADMIN)
            with session_scope() as session:
                users.reset_password(
                    session,
                    principal,
                    user_id=self.reset_user_id,
                    new_password=str(form_data.get("new_password") or "")[:MAX_PASSWORD_LENGTH],
                )
        except PermissionDenied as error:
            self.reset_open = False
            return self._denied(error)
        except DomainError as error:
            self.reset_errors = _field_errors(error)
            return None
        self.reset_open, self.reset_errors = False, {}
        self._fetch()
        return rx.toast.success(self.t("admin.password_was_reset", email=self.reset_email))

    @rx.event
    def set_active(self, user_id: int, active: bool):
        """Activate or deactivate an account (never one's own)."""
        try:
            principal = self._principal(Role.ADMIN)
            with session_scope() as session:
                users.set_active(session, principal, user_id=int(user_id), active=bool(active))
        except DomainError as error:
            return self._denied(error)
        self._fetch()
        email = next((user["email"] for user in self.users if user["id"] == int(user_id)), "")
        return rx.toast.success(self.t("admin.activated" if active else "admin.deactivated", email=email))


class OrganisationAdminState(AuthState):
    """/admin/organisations: every organisation, and one dialog to create one or edit one (name,
    kind, country, currency, time zone); each refused field shows its message beneath it."""

    organisations: list[dict] = []
    loading: bool = True

    dialog_open: bool = False
    editing_id: int = 0  # 0: a new organisation
    form_name: str = ""
    form_name_zh: str = ""
    form_kind: str = ""
    form_country: str = ""
    form_currency: str = ""
    form_time_zone: str = ""
    form_errors: dict[str, list] = {}

    @rx.var
    def organisation_rows(self) -> list[OrganisationRow]:
        return [
            {
                **{key: str(value) for key, value in org.items() if key in OrganisationRow.__annotations__},
                "name": row_name(org, "name", self.language),
                "kind": self.t(f"org_kind.{org['kind']}"),
            }
            for org in self.organisations
        ]

    @rx.var
    def kind_options(self) -> list[dict[str, str]]:
        return [{"value": kind.value, "label": self.t(f"org_kind.{kind.value}")} for kind in OrganisationKind]

    @rx.var
    def country_options(self) -> list[dict[str, str]]:
        names = Locale.parse(self.language).territories
        return sorted(
            ({"value": code, "label": f"{code} · {names.get(code, code)}"} for code in users.COUNTRIES),
            key=lambda option: option["value"],
        )

    @rx.var
    def form_error(self) -> dict[str, str]:
        return {field: self.t(code, **params) for field, (code, params) in self.form_errors.items()}

    @rx.var
    def dialog_title(self) -> str:
        return self.t("admin.edit_organisation" if self.editing_id else "admin.new_organisation")

    def _fetch(self) -> None:
        principal = self._principal(Role.ADMIN)
        with session_scope() as session:
            self.organisations = users.list_organisations(session, principal)

    @rx.event
    def load(self):
        self.loading, self.dialog_open = True, False
        yield
        try:
            self._fetch()
        except PermissionDenied:
            self.organisations = []
        self.loading = False

    def _fill(self, editing_id: int, org: dict) -> None:
        self.editing_id, self.form_errors = editing_id, {}
        self.form_name, self.form_kind = org.get("name", ""), org.get("kind", "")
        self.form_name_zh = org.get("name_zh") or ""
        self.form_country, self.form_currency = org.get("country", ""), org.get("currency", "")
        self.form_time_zone = org.get("time_zone", "")
        self.dialog_open = True

    @rx.event
    def open_new(self):
        self._fill(0, {})

    @rx.event
    def open_edit(self, organisation_id: int):
        org = next((org for org in self.organisations if org["id"] == int(organisation_id)), None)
        if org is not None:
            self._fill(int(org["id"]), org)

    @rx.event
    def set_dialog_open(self, is_open: bool):
        self.dialog_open = is_open
        if not is_open:
            self.form_errors = {}

    def _forget(self, field: str) -> None:
        self.form_errors = {k: v for k, v in self.form_errors.items() if k != field}

    @rx.event
    def set_form_name(self, value: str):
        # Kept as typed: the field counts it and the service refuses a name past its limit.
        self.form_name = value[: users.MAX_NAME_LENGTH * 10]
        self._forget("name")

    @rx.event
    def set_form_name_zh(self, value: str):
        self.form_name_zh = value[:MAX_FIELD_LENGTH]

    @rx.event
    def set_form_kind(self, value: str):
        self.form_kind = value
        self._forget("kind")

    @rx.event
    def set_form_country(self, value: str):
        self.form_country = value[:2]
        self._forget("country")

    @rx.event
    def set_form_currency(self, value: str):
        self.form_currency = value[:3].upper()

    @rx.event
    def set_form_time_zone(self, value: str):
        self.form_time_zone = value[:64]

    @rx.event
    def save(self, _form_data: dict | None = None):
        """Create or edit the organisation; every refused field shows its message at once."""
        fields = {
            "name": self.form_name,
            "name_zh": self.form_name_zh,
            "kind": self.form_kind,
            "country": self.form_country,
            "currency": self.form_currency,
            "time_zone": self.form_time_zone,
        }
        try:
            principal = self._principal(Role.ADMIN)
            with session_scope() as session:
                if self.editing_id:
                    organisation = users.update_organisation(
                        session, principal, organisation_id=self.editing_id, **fields
                    )
                else:
                    organisation = users.create_organisation(session, principal, **fields)
                name = organisation.name
        except PermissionDenied as error:
            self.dialog_open = False
            return self._denied(error)
        except FieldErrors as error:
            self.form_errors = {e.field: [e.code, dict(e.params)] for e in error.errors}
            return None
        except DomainError as error:
            self.form_errors = {"form": [error.code, dict(error.params)]}
            return None
        created = not self.editing_id
        self.dialog_open, self.form_errors = False, {}
        self._fetch()
        return rx.toast.success(
            self.t("admin.organisation_created" if created else "admin.organisation_saved", name=name)
        )


class ParkedOrderState(PagedMixin, AuthState):
    """The orders the sweeps parked (services/ordering/attention.py), newest first, and the retry."""

    _parked: list[dict] = []

    @rx.var
    def rows(self) -> list[ParkedOrderRow]:
        return [
            {
                "order_id": row["order_id"],
                "number": row["number"] or f"#{row['order_id']}",
                "buyer": row["buyer"],
                "status": self.t(f"order.status.{row['status']}"),
                "payment_status": self.t(f"payment.status.{row['payment_status']}")
                if row["payment_status"]
                else "",
                "step": self.t(f"attention.step.{row['step']}"),
                "failures": self.fmt_number(row["failures"]),
                "error": row["last_error"],
                "parked_at": self.fmt_time(row["parked_at"]),
            }
            for row in self._parked
        ]

    @rx.var
    def subtitle(self) -> str:
        return self.t("attention.subtitle", max=get_settings().order_sweep_max_failures)

    def _fetch(self) -> None:
        principal = self._principal(Role.ADMIN)
        page = Page(self.page, PAGE_SIZE)
        with session_scope() as session:
            rows, self.total = order_attention.list_parked(session, principal, page=page)
        # Plain data only in state: times as ISO strings.
        self._parked = [
            {
                **asdict(row),
                "first_failed_at": row.first_failed_at.isoformat(),
                "last_failed_at": row.last_failed_at.isoformat(),
                "parked_at": row.parked_at.isoformat(),
            }
            for row in rows
        ]

    def _empty(self) -> None:
        self._parked, self.total = [], 0

    @rx.event
    def load(self):
        self.page = 1
        yield from self._reload()

    @rx.event
    def retry(self, order_id: int, number: str):
        """Put a parked order back into the sweeps; the list then shows it no more."""
        try:
            principal = self._principal(Role.ADMIN)
            with session_scope() as session:
                order_attention.retry(session, principal, int(order_id))
        except DomainError as error:
            yield self._denied(error)
            yield from self._reload()
            return
        yield rx.toast.success(self.t("attention.retried", number=number))
        yield from self._reload()
