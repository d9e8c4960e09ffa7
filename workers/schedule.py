"""The periodic work, declared in one place: what beat sends, and how often (from Settings)."""

from __future__ import annotations

from celery.schedules import crontab

from models.settings import Settings

REFRESH_SUMMARY = "workers.tasks.refresh_summary"
RELAY_OUTBOX = "workers.tasks.relay_outbox"
RECOMPUTE_SCORECARDS = "workers.tasks.recompute_scorecards"
PROCESS_ORDER = "workers.tasks.process_order"
EXPIRE_HOLDS = "workers.tasks.expire_holds"
RETRY_STALLED_ORDERS = "workers.tasks.retry_stalled_orders"
PRUNE_OUTBOX = "workers.tasks.prune_outbox"
POLL_CARRIERS = "workers.tasks.poll_carriers"
REFRESH_ETA = "workers.tasks.refresh_eta"
PREPARE_SHIPMENT = "workers.tasks.prepare_shipment"
SEND_TEST_DRIVE_MAIL = "workers.tasks.send_test_drive_mail"
SEND_TEST_DRIVE_REMINDERS = "workers.tasks.send_test_drive_reminders"
REPRICE_AGREEMENTS = "workers.tasks.reprice_agreements"
REVIEW_PRICES = "workers.tasks.review_prices"
REPRICE_MARKETS = "workers.tasks.reprice_markets"
REFRESH_FACTS = "workers.tasks.refresh_facts"
REBUILD_FACTS = "workers.tasks.rebuild_facts"
TELL_ORDER_MOVED = "workers.tasks.tell_order_moved"
SEND_NOTIFICATION_MAILS = "workers.tasks.send_notification_mails"
SEND_NOTIFICATION_DIGESTS = "workers.tasks.send_notification_digests"
PREPARE_FORECAST_RUN = "workers.tasks.planning.prepare_forecast_run"
FORECAST_CHUNK = "workers.tasks.planning.forecast_chunk"
CLOSE_FORECAST_RUN = "workers.tasks.planning.close_forecast_run"
RESUME_STALLED_FORECAST_RUNS = "workers.tasks.planning.resume_stalled_forecast_runs"
# How often beat looks for test drives that are due their reminder (24 h before they start).
TEST_DRIVE_REMINDER_SECONDS = 300.0


def beat_schedule(settings: Settings) -> dict[str, dict]:
    """Celery's `beat_schedule` for `settings`.

    Each entry expires when its next run is due (at least a few seconds later), so a worker that
    was down does not work through a backlog of identical runs when it returns: the next
    scheduled run does the same job.
    """
    return {
        "refresh-summary": {
            "task": REFRESH_SUMMARY,
            "schedule": settings.summary_refresh_seconds,
            "options": {"expires": max(settings.summary_refresh_seconds, 10.0)},
        },
        "relay-outbox": {
            "task": RELAY_OUTBOX,
            "schedule": settings.outbox_relay_seconds,
            "options": {"expires": max(settings.outbox_relay_seconds, 10.0)},
        },
        "expire-holds": {
            "task": EXPIRE_HOLDS,
            "schedule": settings.order_sweep_seconds,
            "options": {"expires": max(settings.order_sweep_seconds, 10.0)},
        },
        "prune-outbox": {
            "task": PRUNE_OUTBOX,
            "schedule": 3600.0,
            "options": {"expires": 3600.0},
        },
        "retry-stalled-orders": {
            "task": RETRY_STALLED_ORDERS,
            "schedule": settings.order_sweep_seconds,
            "options": {"expires": max(settings.order_sweep_seconds, 10.0)},
        },
        # Carriers' tracking (services/logistics/polling.py holds the rate limits and the backoff).
        "poll-carriers": {
            "task": POLL_CARRIERS,
            "schedule": settings.carrier_poll_seconds,
            "options": {"expires": max(settings.carrier_poll_seconds, 10.0)},
        },
        # The visitor's reminder a day before the drive (services/showroom/mail.py: once per drive).
        "send-test-drive-reminders": {
            "task": SEND_TEST_DRIVE_REMINDERS,
            "schedule": TEST_DRIVE_REMINDER_SECONDS,
            "options": {"expires": TEST_DRIVE_REMINDER_SECONDS},
        },
        # The notification centre's daily digests: each user's goes out from the digest hour of
        # their own time zone, so beat looks every quarter of an hour (services/notifications/mail.py).
        "send-notification-digests": {
            "task": SEND_NOTIFICATION_DIGESTS,
            "schedule": 900.0,
            "options": {"expires": 900.0},
        },
        # Forecast runs without progress (a killed worker's chunks) get their unwritten chunks again.
        "resume-stalled-forecast-runs": {
            "task": RESUME_STALLED_FORECAST_RUNS,
            "schedule": settings.planning_sweep_seconds,
            "options": {"expires": max(settings.planning_sweep_seconds, 10.0)},
        },
        # Every supplier's scores, nightly at 02:00 UTC (receipts and incidents also ask for their
        # supplier's within seconds, through the relay); a missed night is not made up twice.
        "recompute-scorecards-nightly": {
            "task": RECOMPUTE_SCORECARDS,
            "schedule": crontab(hour=2, minute=0),
            "options": {"expires": 3600.0},
        },
        # The periodic price review, daily at 03:00 UTC: approved changes that became due apply, and
        # every agreement is re-priced (index imports also re-price within seconds, through the relay).
        "review-prices-daily": {
            "task": REVIEW_PRICES,
            "schedule": crontab(hour=3, minute=0),
            "options": {"expires": 3600.0},
        },
        # The market price lists rebuilt daily at 03:30 UTC, after the procurement review (a manager's
        # "reprice now" and an FX import also rebuild them within seconds, through the relay).
        "reprice-markets-daily": {
            "task": REPRICE_MARKETS,
            "schedule": crontab(hour=3, minute=30),
            "options": {"expires": 3600.0},
        },
        # The KPI facts rebuilt from the order tables nightly at 03:00 UTC, after the scorecards (the
        # outbox refreshes the changed days within seconds all day; this catches anything missed).
        "rebuild-facts-nightly": {
            "task": REBUILD_FACTS,
            "schedule": crontab(hour=3, minute=0),
            "options": {"expires": 3600.0},
        },
    }
