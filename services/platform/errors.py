"""The errors services raise; each carries a message key for the user and the offending field."""

from __future__ import annotations


class DomainError(Exception):
    """A rule said no. `code` is a translation key; `field` names the input at fault."""

    status = 400

    def __init__(self, code: str, field: str | None = None, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.field = field
        self.params = params


class ValidationFailed(DomainError):
    status = 422


class NotFound(DomainError):
    status = 404


class AuthenticationFailed(DomainError):
    status = 401


class LoginThrottled(DomainError):
    """Too many failed logins from this client address; `retry_after` (seconds) says when to retry."""

    status = 429


class PermissionDenied(DomainError):
    status = 403
