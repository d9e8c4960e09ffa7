"""The KPI page's exchange-rate import (managers): a CSV of day, currency, rate (services/analytics/
fx.py `import_rates_csv`), all rows or none, every bad row named; a worker then rebuilds the facts
at the new rates (the import's outbox notice)."""

from __future__ import annotations

from typing import TypedDict

import reflex as rx

from models import Role
from models.db import session_scope
from services.analytics import fx
from services.platform.errors import DomainError, FieldErrors, ValidationFailed
from state.shared.auth import AuthState

UPLOAD_ID = "fx-upload"
MAX_BYTES = 2 * 1024 * 1024
SHOWN_ERRORS = 20


class RateError(TypedDict):
    field: str
    reason: str


class FxImportState(AuthState):
    open: bool = False
    summary: str = ""
    _errors: list[list] = []  # [field, code, params]

    @rx.var
    def errors(self) -> list[RateError]:
        return [RateError(field=field, reason=self.t(code, **params)) for field, code, params in self._errors]

    @rx.event
    def set_open(self, is_open: bool):
        self.open = bool(is_open)
        if self.open:
            self.summary, self._errors = "", []

    @rx.event
    async def receive(self, files: list[rx.UploadFile]):
        """Import the uploaded CSV at once: every rate or none."""
        self.summary, self._errors = "", []
        if not files:
            self._errors = [["file", "fx.file_empty", {}]]
            return None
        data = await files[0].read(MAX_BYTES + 1)
        try:
            principal = self._principal(Role.MANAGER, Role.ADMIN)
            if len(data) > MAX_BYTES:
                raise ValidationFailed("fx.file_too_large", field="file")
            with session_scope() as session:  # (the import asks a worker to rebuild the facts)
                result = fx.import_rates_csv(session, data, user_id=principal.user_id)
        except FieldErrors as error:
            self._errors = [[e.field, e.code, dict(e.params)] for e in error.errors[:SHOWN_ERRORS]]
            return [rx.clear_selected_files(UPLOAD_ID), rx.toast.error(self.t("kpi.fx.refused"))]
        except ValidationFailed as error:
            self._errors = [[error.field or "file", error.code, dict(error.params)]]
            return rx.clear_selected_files(UPLOAD_ID)
        except DomainError as error:
            return self._denied(error)
        self.summary = self.t(
            "kpi.fx.imported",
            count=result["imported"],
            currencies=", ".join(result["currencies"]),
            first=result["first_day"],
            last=result["last_day"],
        )
        return [rx.clear_selected_files(UPLOAD_ID), rx.toast.success(self.summary)]
