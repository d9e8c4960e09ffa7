"""/manager/prices/indices: the market indices with their latest values, and the CSV import of new
values (services/pricing/indices.py `import_index_csv`). All or nothing: a file with any bad row
changes nothing and every bad row is listed with its number and reason; a good file is stored at
once and the re-pricing runs from the outbox (a Celery worker), so new suggestions reach the queue
within seconds."""

from __future__ import annotations

import csv
import io
from typing import TypedDict

import reflex as rx

from models import Role
from models.db import session_scope
from services.platform.errors import DomainError, PermissionDenied, ValidationFailed
from services.pricing import indices
from state.pricing.view import index_level, index_name
from state.shared.auth import AuthState
from state.supply.view import error_entry, fmt_date, messages, plain

UPLOAD_ID = "index-csv"
MAX_BYTES = indices.MAX_CSV_BYTES
SHOWN_ERRORS = 200


class IndexRow(TypedDict):
    code: str
    name: str
    unit: str
    latest_period: str
    latest_value: str


class ImportErrorRow(TypedDict):
    row: str
    field: str
    reason: str


class IndexImportState(AuthState):
    loading: bool = True
    file_name: str = ""
    _indices: list[dict] = []
    _file_error: list = []
    _errors: list[dict] = []
    _error_count: int = 0
    _result: dict = {}

    @rx.var
    def index_rows(self) -> list[IndexRow]:
        language = self.language
        return [
            {
                "code": row["code"],
                "name": index_name(row["code"], row["name"], language),
                "unit": self._unit(row),
                "latest_period": fmt_date(row["latest_period"], language) if row["latest_period"] else "—",
                "latest_value": index_level(row["latest_value"], language),
            }
            for row in self._indices
        ]

    @rx.var
    def file_error(self) -> str:
        return messages({"file": self._file_error}, self.language)["file"] if self._file_error else ""

    @rx.var
    def error_rows(self) -> list[ImportErrorRow]:
        return [
            {
                "row": str(error["row"]),
                "field": error["field"],
                "reason": self.t(error["code"], **error["params"]),
            }
            for error in self._errors
        ]

    @rx.var
    def errors_summary(self) -> str:
        if not self._error_count:
            return ""
        return self.t("pricing.import_invalid", count=self.fmt_number(self._error_count))

    @rx.var
    def result_text(self) -> str:
        result = self._result
        if not result:
            return ""
        return self.t(
            "pricing.import.done",
            file=self.file_name,
            rows=self.fmt_number(result["rows"]),
            inserted=self.fmt_number(result["inserted"]),
            updated=self.fmt_number(result["updated"]),
            unchanged=self.fmt_number(result["unchanged"]),
            stale=self.fmt_number(result["stale"]),
        )

    def _unit(self, row: dict) -> str:
        unit = self.t(f"pricing.unit.{row['unit']}") if row["unit"] in ("t", "kg", "rate") else row["unit"]
        return f"{row['currency']} / {unit}" if row["unit"] != "rate" else unit

    def _read(self, principal) -> None:
        with session_scope() as session:
            self._indices = plain(indices.list_indices(session, principal))

    def _clear(self) -> None:
        self._file_error, self._errors, self._error_count, self._result = [], [], 0, {}

    @rx.event
    def load(self):
        self._clear()
        self.file_name = ""
        try:
            principal = self._principal(Role.MANAGER)
        except PermissionDenied:
            return
        self.loading = True
        yield
        try:
            self._read(principal)
        except DomainError as error:
            yield self._denied(error)
        self.loading = False

    @rx.event
    def download_template(self):
        """A CSV with the columns and one row per index: its latest month and value, to overwrite."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["index", "period", "value"])
        for row in self._indices:
            if row["latest_period"]:
                writer.writerow([row["code"], row["latest_period"][:7], row["latest_value"]])
        return rx.download(data=buffer.getvalue(), filename="index-values.csv", mime_type="text/csv")

    @rx.event
    async def receive_file(self, files: list[rx.UploadFile]):
        """Import the uploaded file at once (all or nothing)."""
        self._clear()
        if not files:
            self._file_error = ["pricing.file_empty", {}]
            return None
        upload = files[0]
        data = await upload.read(MAX_BYTES + 1)
        self.file_name = (upload.name or "upload.csv")[-120:]
        try:
            principal = self._principal(Role.MANAGER)
            with session_scope() as session:
                result = indices.import_index_csv(session, principal, data)
        except ValidationFailed as error:
            if error.code == "pricing.import_invalid":
                self._errors = plain(list(error.params.get("errors", []))[:SHOWN_ERRORS])
                self._error_count = int(error.params.get("count", len(self._errors)))
                return [rx.clear_selected_files(UPLOAD_ID), rx.toast.error(self.errors_summary)]
            self._file_error = error_entry(error)
            return rx.clear_selected_files(UPLOAD_ID)
        except DomainError as error:
            return self._denied(error)
        self._result = plain(result)
        self._read(principal)
        changed = result["inserted"] + result["updated"]
        toast = (
            rx.toast.success(self.t("pricing.import.toast_repricing", count=changed))
            if changed
            else rx.toast.info(self.t("pricing.import.toast_nothing"))
        )
        return [rx.clear_selected_files(UPLOAD_ID), toast]

    @rx.event
    def rejected(self, files: list[dict]):
        self._clear()
        codes = {
            error.get("code")
            for file in files or []
            for error in file.get("errors", [])
            if isinstance(error, dict)
        }
        max_mb = MAX_BYTES // (1024 * 1024)
        self._file_error = (
            ["pricing.file_too_large", {"max_mb": max_mb}]
            if "file-too-large" in codes
            else ["inventory.file_one_only", {}]
        )
