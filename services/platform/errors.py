"""The errors services raise; each carries a message key for the user and the offending field."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import TypeVar

T = TypeVar("T")


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


def field_path(*parts: str | int) -> str:
    """The one spelling of a field inside a request: ("lines", 2, "quantity") -> `lines[2].quantity`.
    Services name their fields this way; the API reports the same path."""
    path = ""
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


@dataclass(frozen=True)
class FieldError:
    """One bad field: its path (`lines[2].quantity`), a message key and the message's params."""

    field: str
    code: str
    params: dict[str, object] = dataclass_field(default_factory=dict)


class FieldErrors(ValidationFailed):
    """Several bad fields of one input, all named at once (a form shows each beside its field).

    It is a ValidationFailed whose `code`, `field` and `params` are the first error's, so a caller
    that shows one message still shows the first; `errors` holds every one, in input order."""

    def __init__(self, errors: Iterable[FieldError]) -> None:
        self.errors = list(errors)
        if not self.errors:
            raise ValueError("FieldErrors needs at least one FieldError")
        first = self.errors[0]
        super().__init__(first.code, field=first.field, **first.params)

    @property
    def field_errors(self) -> list[FieldError]:
        """Every field error (what the API lists under "fields")."""
        return self.errors


class FieldCollector:
    """Gathers the field errors of one input: `check` runs a reader and keeps its refusal instead
    of raising; `raise_if_any` raises them together (as FieldErrors) before anything is written."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def add(self, field: str, code: str, **params: object) -> None:
        self.errors.append(FieldError(field, code, params))

    def check(self, reader: Callable[..., T], *args: object, **kwargs: object) -> T | None:
        """`reader(*args, **kwargs)`, or None (the refusal kept) when it raises ValidationFailed."""
        try:
            return reader(*args, **kwargs)
        except FieldErrors as error:
            self.errors.extend(error.errors)
        except ValidationFailed as error:
            self.add(error.field or "", error.code, **error.params)
        return None

    def has(self, field: str) -> bool:
        return any(error.field == field for error in self.errors)

    def raise_if_any(self) -> None:
        if self.errors:
            raise FieldErrors(self.errors)
