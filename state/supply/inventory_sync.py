"""The supplier's inventory sync page (/supplier/inventory): download the CSV template, upload a
file, see every row's problem (row number and reason) and the rows that would be applied, and
apply them only on confirmation.

The uploaded bytes wait in a file under var/uploads (named by a random token kept in backend-only
state), never in the state itself; confirming reads them again and the service re-checks every
row in the transaction that applies them, so what is applied is what is valid at that moment.
"""

from __future__ import annotations

import contextlib
import secrets
import time
from pathlib import Path
from typing import TypedDict

import reflex as rx

from models import Role
from models.db import session_scope
from models.settings import get_settings
from services.platform.errors import DomainError, PermissionDenied, ValidationFailed
from services.platform.fields import today_in
from services.supply import inventory_sync
from state.shared.auth import AuthState
from state.supply.view import error_entry, fmt_int, messages, plain


class PreviewSummary(TypedDict, total=False):
    """The previewed file in words: its counts, and whether any row can be applied."""

    file: str
    rows: str
    valid: str
    changes: str
    errors: str
    text: str
    can_apply: bool
    errors_shown: str
    valid_shown: str


class ErrorRow(TypedDict):
    row: str
    field: str
    reason: str


class ValidRow(TypedDict):
    row: str
    sku: str
    current: str
    available: str
    changed: bool  # the file's figure differs from the stock today


UPLOAD_ID = "stock-csv"
MAX_BYTES = inventory_sync.MAX_CSV_BYTES
SHOWN_VALID_ROWS = 200
SHOWN_ERRORS = 500
ABANDONED_AFTER_SECONDS = 24 * 3600


def _upload_dir() -> Path:
    folder = get_settings().var_dir / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _forget_abandoned_uploads(folder: Path) -> None:
    """Previews nobody confirmed or discarded (a closed tab) leave their file; drop old ones."""
    cutoff = time.time() - ABANDONED_AFTER_SECONDS
    for path in folder.glob("*.csv"):
        with contextlib.suppress(OSError):
            if path.stat().st_mtime < cutoff:
                path.unlink()


class InventorySyncState(AuthState):
    _preview: dict = {}
    file_name: str = ""
    _pending: str = ""  # the token naming the waiting file under var/uploads
    _file_error: list = []
    _last_sync: dict = {}
    busy: bool = False

    @rx.var
    def has_preview(self) -> bool:
        return bool(self._preview)

    @rx.var
    def file_error(self) -> str:
        return messages({"file": self._file_error}, self.language)["file"] if self._file_error else ""

    @rx.var
    def summary(self) -> PreviewSummary:
        preview, language = self._preview, self.language
        if not preview:
            return {}
        return {
            "file": self.file_name,
            "rows": fmt_int(preview["rows_total"], language),
            "valid": fmt_int(preview["valid_rows"], language),
            "changes": fmt_int(preview["changes"], language),
            "errors": fmt_int(preview["error_count"], language),
            "text": self.t(
                "inventory.preview_summary",
                file=self.file_name,
                rows=fmt_int(preview["rows_total"], language),
                valid=fmt_int(preview["valid_rows"], language),
                changes=fmt_int(preview["changes"], language),
                errors=fmt_int(preview["error_count"], language),
            ),
            "can_apply": bool(preview["valid_rows"]),
            "errors_shown": self.t(
                "inventory.errors_shown",
                shown=fmt_int(len(preview["errors"]), language),
                total=fmt_int(preview["error_count"], language),
            )
            if preview["error_count"] > len(preview["errors"])
            else "",
            "valid_shown": self.t(
                "inventory.valid_shown",
                shown=fmt_int(len(preview["valid"]), language),
                total=fmt_int(preview["valid_rows"], language),
            )
            if preview["valid_rows"] > len(preview["valid"])
            else "",
        }

    @rx.var
    def error_rows(self) -> list[ErrorRow]:
        return [
            {
                "row": str(error["row"]),
                "field": error["field"],
                "reason": self.t(error["code"], **error["params"]),
            }
            for error in self._preview.get("errors", [])
        ]

    @rx.var
    def valid_rows(self) -> list[ValidRow]:
        language = self.language
        return [
            {
                "row": str(row["row"]),
                "sku": row["sku"],
                "current": fmt_int(row["current"], language),
                "available": fmt_int(row["available"], language),
                "changed": row["available"] != row["current"],
            }
            for row in self._preview.get("valid", [])
        ]

    @rx.var
    def last_sync_text(self) -> str:
        sync = self._last_sync
        if not sync:
            return self.t("inventory.never_synced")
        return self.t(
            "inventory.last_sync",
            time=self.fmt_time(sync["at"]),
            source=self.t(f"inventory.source.{sync['source']}"),
            rows=fmt_int(sync["rows_applied"], self.language),
            changed=fmt_int(sync["rows_changed"], self.language),
        )

    # --- helpers -----------------------------------------------------------------------

    def _discard_file(self) -> None:
        if self._pending:
            (_upload_dir() / f"{self._pending}.csv").unlink(missing_ok=True)
        self._pending, self._preview, self.file_name = "", {}, ""

    def _read_last_sync(self, principal) -> None:
        with session_scope() as session:
            self._last_sync = plain(inventory_sync.last_sync(session, principal) or {})

    # --- events ------------------------------------------------------------------------

    @rx.event
    def load(self):
        self._discard_file()
        self._file_error = []
        try:
            principal = self._principal(Role.SUPPLIER)
        except PermissionDenied:
            return
        self._read_last_sync(principal)

    @rx.event
    def download_template(self):
        try:
            principal = self._principal(Role.SUPPLIER)
            with session_scope() as session:
                content = inventory_sync.template_csv(session, principal)
        except DomainError as error:
            return self._denied(error)
        day = today_in(self.time_zone).isoformat()
        return rx.download(data=content, filename=f"stock-template-{day}.csv", mime_type="text/csv")

    @rx.event
    async def receive_file(self, files: list[rx.UploadFile]):
        """Check the uploaded file and show the preview; nothing is applied yet."""
        self._discard_file()
        self._file_error = []
        if not files:
            self._file_error = ["inventory.file_required", {}]
            return None
        upload = files[0]
        data = await upload.read(MAX_BYTES + 1)
        name = (upload.name or "upload.csv")[-120:]
        try:
            principal = self._principal(Role.SUPPLIER)
            with session_scope() as session:
                preview = inventory_sync.preview_stock_csv(session, principal, data)
        except ValidationFailed as error:
            self._file_error = error_entry(error)
            return rx.clear_selected_files(UPLOAD_ID)
        except DomainError as error:
            return self._denied(error)
        _forget_abandoned_uploads(_upload_dir())
        token = secrets.token_hex(16)
        (_upload_dir() / f"{token}.csv").write_bytes(data)
        self._pending, self.file_name = token, name
        preview["errors"] = preview["errors"][:SHOWN_ERRORS]
        preview["valid"] = sorted(
            preview["valid"], key=lambda row: (row["available"] == row["current"], row["row"])
        )[:SHOWN_VALID_ROWS]
        self._preview = plain(preview)
        return rx.clear_selected_files(UPLOAD_ID)

    @rx.event
    def rejected(self, files: list[dict]):
        """The browser refused the file before sending it (too large, more than one)."""
        self._discard_file()
        codes = {
            error.get("code")
            for file in files or []
            for error in file.get("errors", [])
            if isinstance(error, dict)
        }
        if "file-too-large" in codes:
            self._file_error = ["inventory.file_too_large", {"max_mb": MAX_BYTES // (1024 * 1024)}]
        else:
            self._file_error = ["inventory.file_one_only", {}]

    @rx.event
    def discard(self):
        self._discard_file()
        self._file_error = []

    @rx.event
    def apply(self):
        """Apply the previewed file's valid rows in one transaction (the confirmation)."""
        if not self._pending:
            return None
        path = _upload_dir() / f"{self._pending}.csv"
        if not path.exists():
            self._discard_file()
            return rx.toast.error(self.t("inventory.upload_expired"))
        try:
            principal = self._principal(Role.SUPPLIER)
            with session_scope() as session:
                result = inventory_sync.apply_stock_csv(session, principal, path.read_bytes())
        except ValidationFailed as error:
            self._file_error = error_entry(error)
            self._discard_file()
            return None
        except DomainError as error:
            return self._denied(error)
        self._discard_file()
        self._read_last_sync(principal)
        return rx.toast.success(
            self.t(
                "inventory.applied_toast",
                applied=fmt_int(result["applied"], self.language),
                changed=fmt_int(result["changed"], self.language),
                skipped=fmt_int(result["error_count"], self.language),
            )
        )
