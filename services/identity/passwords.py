"""Password hashing (argon2 through passlib's CryptContext) and login tokens."""

from __future__ import annotations

import hashlib
import secrets

from passlib.context import CryptContext

_context = CryptContext(schemes=["argon2"], deprecated="auto")

MIN_PASSWORD_LENGTH = 10


def hash_password(password: str) -> str:
    """An argon2 hash of `password` (salted; two calls give two different hashes)."""
    return _context.hash(password)


def verify_password(password: str, password_hash: str) -> bool:
    """True when `password` matches `password_hash`; a malformed hash is simply no match."""
    try:
        return _context.verify(password, password_hash)
    except (ValueError, TypeError):
        return False


def new_token() -> str:
    """A fresh random session token for the browser or API client (never stored as is)."""
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """The SHA-256 of a token: what the session table stores."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
