"""The visitor's private manage link: a token signed with HMAC-SHA256 under a key derived from
SECRET_KEY, carrying the drive's id, its version and an expiry (Unix seconds).

    <drive id>.<version>.<expires>.<signature, base64url>

A reschedule or cancel raises the drive's version, so every older link stops working. A token
whose signature does not match is refused with 403; an expired or replaced one with 410.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime

from models.settings import get_settings
from models.types import utcnow
from services.platform.errors import DomainError, PermissionDenied

_PURPOSE = b"showroom.test-drive.manage-link.v1"
# The visitor's manage page (state/shared/routes.py builds its links from this too).
MANAGE_PATH = "/test-drive/manage"


class LinkGone(DomainError):
    """The link was good once: it expired or a newer one replaced it. HTTP 410."""

    status = 410


def _key() -> bytes:
    return hmac.new(get_settings().secret_key.encode(), _PURPOSE, hashlib.sha256).digest()


def _signature(payload: str) -> str:
    digest = hmac.new(_key(), payload.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def manage_token(drive_id: int, version: int, expires_at: datetime) -> str:
    """A signed token for drive `drive_id` at `version`, good until `expires_at`."""
    payload = f"{drive_id}.{version}.{int(expires_at.timestamp())}"
    return f"{payload}.{_signature(payload)}"


def read_token(token: object, *, now: datetime | None = None) -> tuple[int, int]:
    """(drive id, version) of a genuine, unexpired token. Raises PermissionDenied (403) when it is
    malformed or its signature does not match, LinkGone (410) when it has expired."""
    parts = token.split(".") if isinstance(token, str) and len(token) <= 200 else []
    if len(parts) != 4 or not all(part.isdigit() for part in parts[:3]):
        raise PermissionDenied("test_drive.link_invalid", field="token")
    payload = ".".join(parts[:3])
    if not hmac.compare_digest(_signature(payload), parts[3]):
        raise PermissionDenied("test_drive.link_invalid", field="token")
    drive_id, version, expires = (int(part) for part in parts[:3])
    if datetime.fromtimestamp(expires, UTC) <= (now or utcnow()):
        raise LinkGone("test_drive.link_expired", field="token")
    return drive_id, version


def manage_url(token: str) -> str:
    """The absolute address of the manage page for `token` (for e-mails and calendar entries)."""
    return f"{get_settings().public_base_url}{MANAGE_PATH}?token={token}"
