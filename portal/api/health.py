"""Is the portal able to serve? The database, the Celery broker and (when configured) Redis."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from kombu import Connection
from sqlalchemy import text

from models.db import get_engine
from models.settings import get_settings
from portal.api.routing import CheckedBodyRoute
from portal.api.schemas import HealthOut

router = APIRouter(tags=["health"], route_class=CheckedBodyRoute)

TIMEOUT_SECONDS = 2.0
_REASON_LENGTH = 160


def check_database() -> None:
    with get_engine().connect() as connection:
        connection.execute(text("SELECT 1")).scalar_one()


def check_broker() -> None:
    with Connection(get_settings().broker_url, connect_timeout=TIMEOUT_SECONDS) as connection:
        connection.ensure_connection(
            max_retries=1, interval_start=0, interval_step=0.2, interval_max=0.2, timeout=TIMEOUT_SECONDS
        )
        if connection.transport.driver_type == "sql":
            # That transport opens its database lazily (creating its tables), so touch it for real.
            session = connection.default_channel.session
            try:
                session.execute(text("SELECT 1")).scalar_one()
            finally:
                session.close()


def check_redis() -> None:
    import redis

    client = redis.Redis.from_url(
        get_settings().redis_url, socket_connect_timeout=TIMEOUT_SECONDS, socket_timeout=TIMEOUT_SECONDS
    )
    try:
        client.ping()
    finally:
        client.close()


def _reason(exc: BaseException) -> str:
    # A database error's own text, not SQLAlchemy's wrapper with the statement and a help link.
    detail = " ".join(str(getattr(exc, "orig", None) or exc).split()) or type(exc).__name__
    return f"down: {detail[:_REASON_LENGTH]}"


def run_checks() -> dict[str, str]:
    """Each dependency's state: "ok" or "down: <short reason>". Never raises."""
    checks: dict[str, Callable[[], None]] = {"database": check_database, "broker": check_broker}
    if get_settings().redis_url:
        checks["redis"] = check_redis
    results: dict[str, str] = {}
    for name, check in checks.items():
        try:
            check()
        except Exception as exc:  # any failure means "down", with its reason shown
            results[name] = _reason(exc)
        else:
            results[name] = "ok"
    return results


@router.get(
    "/health",
    response_model=HealthOut,
    responses={503: {"model": HealthOut, "description": "Something the portal needs is down."}},
)
def health() -> JSONResponse:
    """200 {"status": "ok", "checks": {...}} when every dependency answers; 503 with
    {"status": "unavailable"} and the failing checks marked "down: <reason>" otherwise. No sign-in."""
    checks = run_checks()
    healthy = all(state == "ok" for state in checks.values())
    return JSONResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks}, status_code=200 if healthy else 503
    )
