"""Every knob of the portal in one place, read from the environment and `.env`.

It lives in the lowest layer (`models/`) so that every other layer may read it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEMO_SECRET = "demo-secret-not-for-production"
_ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$")
DEMO_NOTIFY_SECRET = "demo-payment-notify-secret-not-for-production"
DEMO_CARRIER_KEY = "demo-carrier-key-not-for-production"
DEMO_CARRIER_SECRET = "demo-carrier-webhook-secret-not-for-production"


class CarrierSettings(BaseModel):
    """One carrier's connection (services/logistics/carriers.py). An empty `base_url` means the
    local DHL-shaped carrier server (services/logistics/carrier_server.py) on `carrier_server_port`;
    pointing at the real DHL API is `{"base_url": "https://api-eu.dhl.com", "api_key": ...}`."""

    base_url: str = ""
    api_key: str = DEMO_CARRIER_KEY
    webhook_secret: str = DEMO_CARRIER_SECRET
    service: str = "freight"
    requests_per_minute: int = Field(default=240, ge=1)
    timeout_seconds: float = Field(default=5.0, gt=0, le=60)


def _demo_carriers() -> dict[str, CarrierSettings]:
    return {
        name: CarrierSettings(service=service)
        for name, service in (("dhl", "freight"), ("railcargo", "freight"), ("oceanline", "freight"))
    }


class Settings(BaseSettings):
    """Portal settings; environment variables are the upper-case field names."""

    model_config = SettingsConfigDict(
        env_file=PROJECT_ROOT / ".env", env_file_encoding="utf-8", extra="ignore"
    )

    mode: Literal["demo", "production"] = "demo"
    secret_key: str = DEMO_SECRET
    var_dir: Path = PROJECT_ROOT / "var"
    database_url: str = ""
    redis_url: str = ""
    # Every Redis key, pub/sub channel and the Celery queue of this deployment start with it, so two
    # deployments (or two test runs) can share one Redis server without seeing each other's data.
    key_prefix: str = Field(default="portal", pattern=r"^[a-z][a-z0-9_-]{0,39}$")
    broker_url: str = ""
    result_backend: str = ""
    app_port: int = Field(default=3000, ge=1, le=65535)
    session_ttl_hours: int = Field(default=12, ge=1, le=24 * 30)
    # Login throttling (services/identity/login_throttle.py), counted in a moving window: failed attempts per
    # (e-mail, client address) and per client address across e-mails. Each failure makes the next
    # answer wait `login_delay_step_seconds` longer (at most the cap); a full window answers 429.
    login_failures_per_account_address: int = Field(default=5, ge=1)
    login_failures_per_address: int = Field(default=30, ge=1)
    login_throttle_minutes: int = Field(default=15, ge=1)
    login_delay_step_seconds: float = Field(default=0.5, ge=0)
    login_delay_cap_seconds: float = Field(default=3.0, ge=0)
    # Known devices (services/identity/device_tokens.py): each successful login hands the client a
    # signed device token valid this long; an attempt presenting it for its e-mail is counted per
    # device (this many failures per window), not per address.
    login_device_token_days: int = Field(default=90, ge=1, le=400)
    login_failures_per_device: int = Field(default=5, ge=1)
    cache_ttl_seconds: int = Field(default=300, ge=1)
    summary_refresh_seconds: float = Field(default=60.0, gt=0)
    outbox_relay_seconds: float = Field(default=2.0, gt=0)
    low_stock_threshold: int = Field(default=10, ge=0)
    default_language: Literal["en", "zh"] = "en"
    # Orders and payments (services/ordering/placement.py, services/ordering/payments.py).
    order_hold_minutes: int = Field(default=15, ge=1, le=24 * 60)
    order_max_part_quantity: int = Field(default=1000, ge=1, description="per order line")
    order_max_vehicle_quantity: int = Field(default=10, ge=1, description="per order line")
    customer_deposit_percent: int = Field(default=10, ge=1, le=100)
    # Configured vehicle orders (services/showroom/configured_orders.py): a car already built in the
    # configuration at the store is ready after `store_ready_days`; else the plant builds it.
    store_ready_days: int = Field(default=3, ge=0, le=60)
    plant_build_days: int = Field(default=42, ge=1, le=365)
    payment_notify_secret: str = DEMO_NOTIFY_SECRET
    # Beat's order sweeps (workers/schedule.py): how often holds are expired and stalled orders
    # retried; an order still waiting for its first answer this long after placement is processed
    # again (its worker died; the broker may not redeliver until much later).
    order_sweep_seconds: float = Field(default=30.0, gt=0)
    order_stalled_seconds: float = Field(default=60.0, gt=0)
    # An order a sweep fails to settle this many times in a row is parked (services/ordering/attention.py):
    # left out of the sweeps, shown to admins with its error, until an admin retries it.
    order_sweep_max_failures: int = Field(default=5, ge=1)
    # Planning's forecast runs (services/planning/runs.py, workers/tasks/planning.py): beat looks this
    # often for runs without progress for `planning_stalled_seconds` (a killed worker's chunk: the broker
    # may not redeliver it for an hour) and sends their unwritten chunks again.
    planning_sweep_seconds: float = Field(default=60.0, gt=0)
    planning_stalled_seconds: float = Field(default=900.0, gt=0)
    # The placing process hands a new order to the worker itself; the beat relay sends an
    # "order.placed" message only once it is this old and still unsent (that hand-off failed).
    order_relay_grace_seconds: float = Field(default=5.0, ge=0)
    # Test drives (services/showroom/booking.py): how long a chosen slot is held while the visitor
    # fills the form, and how many days ahead availability may be asked for at once.
    test_drive_hold_minutes: int = Field(default=5, ge=1, le=60)
    test_drive_max_days: int = Field(default=31, ge=1, le=366)
    # Other sites whose pages may call the API and the live connection with the user's credentials
    # (exact origins, e.g. ["https://erp.example.com"], as JSON in CORS_ALLOWED_ORIGINS). None by
    # default: the portal's own pages only. "*" is refused: credentials never go to any origin.
    cors_allowed_origins: list[str] = Field(default_factory=list)
    # Sent outbox messages are kept this long (to look into what was sent), then deleted hourly.
    outbox_retention_days: float = Field(default=7.0, gt=0)
    # The connection budget (models/connection_budget.py, README "Connection budget"): every
    # process has its own pool of `db_pool_size` connections, `db_max_overflow` more at peaks; a
    # request that waits `db_pool_timeout_seconds` for one answers 503 with Retry-After. At start-up
    # app_processes x (pool + overflow), the same for each worker child, the worker's main process
    # and beat must fit in the server's max_connections minus its superuser reserve minus
    # `db_reserved_connections` (for psql, migrations, backups), or the process refuses to start.
    db_pool_size: int = Field(default=3, ge=1, le=100)
    db_max_overflow: int = Field(default=2, ge=0, le=100)
    db_pool_timeout_seconds: float = Field(default=2.0, gt=0, le=60)
    db_reserved_connections: int = Field(default=10, ge=0)
    app_processes: int = Field(default=2, ge=1, le=64, description="web (granian) worker processes")
    worker_concurrency: int = Field(default=2, ge=1, le=64, description="Celery prefork children")
    # Behind PgBouncer in transaction mode: no server-side prepared statements (a transaction's
    # server connection changes between statements), and the budget is PgBouncer's to keep.
    database_behind_pgbouncer: bool = False
    # The outbox listener's LISTEN needs a session of its own on the server, which transaction
    # pooling cannot give: behind PgBouncer point this at PostgreSQL itself. Defaults to DATABASE_URL.
    listen_database_url: str = ""

    # Logistics (services/logistics/): carriers by name, as JSON in CARRIERS (the demo's three when
    # not set; none outside demo mode, where each needs its own webhook secret); the local carrier
    # server's port (started by `make run` in demo mode); how often beat polls the carriers, the
    # backoff after a 429 without Retry-After or an error (doubling from `first` up to `cap`), and
    # how many public tracking look-ups one client address may make per minute.
    carriers: dict[str, CarrierSettings] = Field(default_factory=_demo_carriers)
    carrier_server_port: int = Field(default=8790, ge=1, le=65535)
    carrier_server_pace_seconds: float = Field(default=60.0, ge=0, description="between a journey's events")
    carrier_poll_seconds: float = Field(default=30.0, gt=0)
    carrier_backoff_first_seconds: float = Field(default=5.0, gt=0)
    carrier_backoff_cap_seconds: float = Field(default=600.0, gt=0)
    public_tracking_per_minute: int = Field(default=10, ge=1)
    carrier_webhook_max_bytes: int = Field(default=1024 * 1024, ge=1024)

    # Analytics (services/analytics/): every KPI's money is in `reporting_currency` (orders in other
    # currencies converted at the FX rate of the order's day), and a fact's day is the calendar day in
    # `reporting_time_zone`; tile values stay cached this long (a facts version bump retires them sooner).
    reporting_currency: str = Field(default="CNY", pattern=r"^[A-Z]{3}$")
    reporting_time_zone: str = "Asia/Shanghai"
    kpi_cache_seconds: int = Field(default=3600, ge=1)

    # E-mail (services/platform/mail.py): the SMTP server the portal sends through, how (TLS mode
    # "none", "starttls" or "ssl"), as whom, and the sender. Demo mode: the local mail server
    # (services/platform/mail_server.py, started by `make run`) on `smtp_port`, which writes every
    # message it gets as an .eml under `mail_dir` (default var/mail). `public_base_url` starts every
    # link in a message (the visitor's manage link).
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(default=8025, ge=1, le=65535)
    smtp_tls: Literal["none", "starttls", "ssl"] = "none"
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    mail_sender: str = "Portal Test Drives <test-drives@portal.example>"
    mail_dir: Path | None = None
    public_base_url: str = "http://localhost:3000"
    # The notification centre's e-mails (services/notifications/mail.py): their sender, and the
    # hour (in each user's time zone) from which that day's digest goes out.
    notification_sender: str = "Portal Notifications <notifications@portal.example>"
    notification_digest_hour: int = Field(default=7, ge=0, le=23)
    # Beat's test-drive reminder sweep (24 hours before a booked drive), how often it runs.
    test_drive_reminder_seconds: float = Field(default=300.0, gt=0)

    def carrier_base_url(self, carrier: str) -> str:
        """Where `carrier` answers (the local carrier server when its base URL is empty)."""
        configured = self.carriers[carrier].base_url
        return (configured or f"http://127.0.0.1:{self.carrier_server_port}").rstrip("/")

    @model_validator(mode="after")
    def _derive_and_check(self) -> Settings:
        for origin in self.cors_allowed_origins:
            if not _ORIGIN.match(origin):
                raise ValueError(
                    f"CORS_ALLOWED_ORIGINS: {origin!r} is not an origin like https://erp.example.com "
                    "(no wildcard, path or trailing slash)"
                )
        if self.mode != "demo" and (self.secret_key == DEMO_SECRET or not self.secret_key.strip()):
            raise ValueError("SECRET_KEY must be set to a real secret when MODE is not 'demo'")
        if self.mode != "demo" and (
            self.payment_notify_secret == DEMO_NOTIFY_SECRET or not self.payment_notify_secret.strip()
        ):
            raise ValueError("PAYMENT_NOTIFY_SECRET must be set to a real secret when MODE is not 'demo'")
        if self.mode != "demo" and "carriers" not in self.model_fields_set:
            self.carriers = {}  # the demo's carriers (local server, demo secrets) are for the demo only
        if self.mode != "demo":
            for name, carrier in self.carriers.items():
                if carrier.webhook_secret == DEMO_CARRIER_SECRET or not carrier.webhook_secret.strip():
                    raise ValueError(
                        f"CARRIERS: {name}'s webhook_secret must be a real secret when MODE is not 'demo'"
                    )
        if self.mail_dir is None:
            self.mail_dir = self.var_dir / "mail"
        self.public_base_url = self.public_base_url.rstrip("/")
        if not self.database_url:
            self.database_url = f"sqlite:///{self.var_dir / 'portal.db'}"
        if not self.listen_database_url:
            self.listen_database_url = self.database_url
        if not self.broker_url:
            self.broker_url = self.redis_url or f"sqla+sqlite:///{self.var_dir / 'broker.db'}"
        if not self.result_backend:
            self.result_backend = self.redis_url or f"db+sqlite:///{self.var_dir / 'celery-results.db'}"
        return self

    @property
    def is_demo(self) -> bool:
        return self.mode == "demo"

    @property
    def uses_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def uses_redis(self) -> bool:
        return bool(self.redis_url)

    @property
    def web_processes(self) -> int:
        """How many web processes serve the app: `app_processes` in services mode; exactly one in
        embedded mode, whose Reflex state lives in the process's memory (two processes would each
        keep their own copy of a tab's state: an upload answered by one, the next click by the
        other, which never saw it)."""
        return self.app_processes if self.uses_redis else 1


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (cached; tests call `get_settings.cache_clear()`)."""
    settings = Settings()
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    return settings
