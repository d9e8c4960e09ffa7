"""Device tokens: a browser or API client that has signed in before proves it when it tries again.

OWASP's "device cookie" against brute force: each successful login hands the client a token
naming the account and a random device id, signed with SECRET_KEY (HMAC-SHA256) and valid for
`login_device_token_days`. An attempt that presents a valid token for the e-mail it tries is
throttled per device instead of per client address (identity/login_throttle.py), so the owner
behind the same address as an attacker (an office NAT) still signs in.

The token holds a keyed hash of the normalised e-mail, never the e-mail itself; nothing is stored
on the server. A token that is malformed, tampered with, expired or for another e-mail is simply
no token.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

from models.settings import get_settings

_VERSION = "d1"
MAX_TOKEN_LENGTH = 200  # a real token is about 130 characters


def _mac(message: str) -> str:
    key = get_settings().secret_key.encode()
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def _account_id(normalized_email: str) -> str:
    # Keyed, so a token does not let anyone test guesses of the e-mail it belongs to.
    return _mac(f"device-account:{normalized_email}")[:32]


def issue(normalized_email: str) -> str:
    """A fresh device token for the account of `normalized_email` (a new random device id)."""
    expires_at = int(time.time()) + get_settings().login_device_token_days * 86400
    body = f"{_VERSION}.{_account_id(normalized_email)}.{secrets.token_hex(16)}.{expires_at}"
    return f"{body}.{_mac(body)}"


def device_id(token: str | None, normalized_email: str) -> str | None:
    """The device id of `token` when it is a valid, unexpired token for `normalized_email`;
    None otherwise (never an error). Compared in constant time."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    body, _, signature = token.rpartition(".")
    parts = body.split(".")
    if len(parts) != 4 or parts[0] != _VERSION:
        return None
    _version, account, device, expires_at = parts
    if not hmac.compare_digest(_mac(body).encode(), signature.encode()):
        return None
    if not hmac.compare_digest(account.encode(), _account_id(normalized_email).encode()):
        return None
    if not expires_at.isdigit() or int(expires_at) <= time.time():
        return None
    return device
