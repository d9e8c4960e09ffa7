"""The portal's Celery app, built from Settings.

`celery -A workers.celery_app worker` runs a worker (its queues are named by Settings.key_prefix: the
orders' `<prefix>.orders`, read first, and `<prefix>` for everything else) and
`celery -A workers.celery_app beat` the scheduler. In services mode broker and results live in
Redis; in embedded mode the broker is kombu's SQLAlchemy transport on `var/broker.db` and results
go to `var/celery-results.db`.
"""

from __future__ import annotations

from celery import Celery
from celery.signals import beat_init, worker_before_create_process, worker_init, worker_process_init
from kombu import Queue

from models import db
from models.connection_budget import refuse_to_start_beyond_budget
from models.settings import Settings, get_settings
from services.platform import redis_clients
from workers.schedule import PROCESS_ORDER, beat_schedule

RESULT_EXPIRES_SECONDS = 3600
# SQLite waits this long for a lock held by another process (worker, beat, app) before failing.
SQLITE_LOCK_TIMEOUT_SECONDS = 30
SQLITE_POLL_SECONDS = 0.1


def orders_queue(settings: Settings) -> str:
    """The queue of the transaction path (`process_order`), read before the default one."""
    return f"{settings.key_prefix}.orders"


def celery_config(settings: Settings) -> dict:
    """Celery settings for `settings`: JSON only, late acks, one message prefetched at a time."""
    config: dict = {
        "broker_url": settings.broker_url,
        "result_backend": settings.result_backend,
        "broker_connection_retry_on_startup": True,
        "task_serializer": "json",
        "result_serializer": "json",
        "accept_content": ["json"],
        "result_accept_content": ["json"],
        # Every task here is idempotent, so a message is acknowledged only after its task has run,
        # and a worker that dies mid-task leaves it to be delivered again.
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_cancel_long_running_tasks_on_connection_loss": True,
        "worker_prefetch_multiplier": 1,
        # Prefork children, each with its own database pool: counted in the connection budget.
        "worker_concurrency": settings.worker_concurrency,
        # The queue and, on Redis, every key of broker and results carry the deployment's prefix,
        # so deployments (and test runs) sharing one Redis server stay apart.
        "task_default_queue": settings.key_prefix,
        # The transaction path has a queue of its own, read first: an order's payment never waits
        # behind the follow-up work orders cause (shipments, notifications, the KPI facts' refresh).
        # A worker started without -Q consumes both.
        "task_queues": (
            Queue(orders_queue(settings), routing_key=orders_queue(settings)),
            Queue(settings.key_prefix, routing_key=settings.key_prefix),
        ),
        "task_routes": {PROCESS_ORDER: {"queue": orders_queue(settings)}},
        "timezone": "UTC",
        "enable_utc": True,
        "result_expires": RESULT_EXPIRES_SECONDS,
        "beat_schedule": beat_schedule(settings),
        # Beat keeps its state under var/, never in the working directory.
        "beat_schedule_filename": str(settings.var_dir / "celerybeat-schedule"),
    }
    redis_keys = {"global_keyprefix": f"{settings.key_prefix}:"}
    if settings.broker_url.startswith(("redis://", "rediss://")):
        # "priority": each fetch takes from the first queue that has a message (the orders'),
        # where the default round robin would alternate.
        config["broker_transport_options"] = {**redis_keys, "queue_order_strategy": "priority"}
    if settings.result_backend.startswith(("redis://", "rediss://")):
        config["result_backend_transport_options"] = redis_keys
    sqlite_options = {"connect_args": {"timeout": SQLITE_LOCK_TIMEOUT_SECONDS}}
    if settings.broker_url.startswith("sqla+sqlite"):
        config["broker_transport_options"] = sqlite_options
        # The SQL transport polls, by default 1 s between polls whenever the worker is ready for
        # another message: a cap of one task a second, and of two seconds from placement to paid.
        # (Its transport options all go to create_engine, so the interval is set on the class.)
        from kombu.transport import sqlalchemy as sql_transport

        sql_transport.Transport.polling_interval = SQLITE_POLL_SECONDS
    if settings.result_backend.startswith("db+sqlite"):
        config["database_engine_options"] = sqlite_options
    return config


def make_celery(settings: Settings) -> Celery:
    """A Celery app configured from `settings`, with the portal's tasks registered.

    The process-wide `app` below is made from `get_settings()` at import; tests make their own
    client with this function once they have pointed Settings at their broker.
    """
    celery = Celery("portal", include=["workers.tasks"], set_as_current=False)
    celery.conf.update(celery_config(settings))
    return celery


@worker_before_create_process.connect
def _close_connections_before_forking(**_kwargs) -> None:
    """The main process forks a pool child (at start, and again whenever one dies or is recycled):
    its idle database connections (the outbox listener's relay uses them) are closed first, so
    the child has none to inherit."""
    db.close_pooled_connections()


@worker_process_init.connect
def _forget_inherited_connections(**_kwargs) -> None:
    """A new pool child drops the database connections and Redis clients it inherited, unclosed
    (they are the main process's); it opens its own. (The at-fork hooks of models/db.py and
    services/platform/redis_clients.py do the same for any fork; this holds even for a pool that starts
    its children some other way.)"""
    db.forget_inherited_connections()
    redis_clients.forget_inherited_clients()


app = make_celery(get_settings())
# The default for every thread, so a task looked up through `current_app` finds this app, not
# Celery's fallback on amqp://localhost.
app.set_default()
app.set_current()


@worker_init.connect
def _check_budget_before_the_pool_starts(sender, **_kwargs) -> None:
    # The children this worker really forks (--concurrency may override WORKER_CONCURRENCY).
    children = getattr(sender, "concurrency", None) or get_settings().worker_concurrency
    # Celery logs and swallows a receiver's Exception; the SystemExit of a refusal stops the worker.
    refuse_to_start_beyond_budget(get_settings().model_copy(update={"worker_concurrency": children}))


@beat_init.connect
def _check_budget_before_beat_starts(**_kwargs) -> None:
    refuse_to_start_beyond_budget(get_settings())
