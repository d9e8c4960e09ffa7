"""The security headers of every answer, pages and API alike, and who may call across origins.

`SecurityHeaders` wraps the API app, which holds the Reflex app (and in production its compiled
pages), so one middleware covers every HTTP answer of the process:

- a Content-Security-Policy the pages work under: scripts, styles, fonts and images from the
  portal itself (Reflex's and Plotly's inline bootstrap and styles need 'unsafe-inline', and
  Reflex runs the scripts its backend sends over the live connection, toasts and redirects
  among them, with eval(), which needs 'unsafe-eval': those strings come only from our own
  server over the same-origin connection; images
  may be data: or blob: URLs, as the charts' downloads are), the live connection to the same
  origin only, no plugins, no framing;
- the API docs (Swagger UI, ReDoc) live under the same policy: their assets are the portal's
  own (fastapi-offline's dist files), their inline bootstrap is covered by 'unsafe-inline' and
  ReDoc's search worker by `worker-src blob:`;
- `X-Content-Type-Options: nosniff`, `Referrer-Policy: same-origin`, `X-Frame-Options: DENY`;
- `Cache-Control: no-store` on every API answer (tokens and personal data are never cached).

Cross-origin calls: only the origins in `Settings.cors_allowed_origins` (none by default, so the
same origin only); "*" is refused by Settings, so credentials never go to any origin.
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from portal.api.errors import API_PREFIX

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)

COMMON_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
)


def headers_for(path: str) -> list[tuple[bytes, bytes]]:
    """The headers added to the answer for `path` (any it already carries are kept)."""
    added = [(b"content-security-policy", CONTENT_SECURITY_POLICY.encode()), *COMMON_HEADERS]
    if path == API_PREFIX or path.startswith(API_PREFIX + "/"):
        added.append((b"cache-control", b"no-store"))
    return added


def _merged(existing: Iterable[tuple[bytes, bytes]], added: list[tuple[bytes, bytes]]) -> list:
    headers = list(existing)
    present = {name.lower() for name, _ in headers}
    headers.extend((name, value) for name, value in added if name not in present)
    return headers


class SecurityHeaders:
    """Pure ASGI middleware (streams and websockets pass untouched) adding `headers_for(path)`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        added = headers_for(scope.get("path", ""))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": _merged(message.get("headers", []), added)}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def same_origin_or_listed(allowed: Iterable[str]):
    """The live connection's origin check (python-engineio's `cors_allowed_origins` callable):
    the page's own origin, or one of `allowed`. Engine.IO's own "[]" would check nothing."""
    listed = frozenset(allowed)

    def check(origin: str | None, environ: dict) -> bool:
        if origin is None:
            return True  # not a browser: no page of another site is behind it
        scheme = environ.get("HTTP_X_FORWARDED_PROTO", environ.get("wsgi.url_scheme", "http"))
        host = environ.get("HTTP_X_FORWARDED_HOST", environ.get("HTTP_HOST", ""))
        own = {f"{scheme.split(',')[0].strip()}://{host.split(',')[0].strip()}"}
        own.add(f"http://{environ.get('HTTP_HOST', '')}")
        own.add(f"https://{environ.get('HTTP_HOST', '')}")
        return origin in own or origin in listed

    return check
