"""Polling the carriers: every open leg's tracking number, within the carrier's rate limit, with
backoff when the carrier says 429 or fails.

One poll of one carrier walks its open legs (the shipment not delivered, the leg not arrived)
oldest first. Each request first takes a slot of the carrier's moving-window limit
(`requests_per_minute`, shared by every worker through services/platform/rate_limits.py); no slot
ends the round. A 429 ends it too and holds the carrier off for its Retry-After (or the
backoff); an error or a timeout holds it off `first * 2**(failures-1)` seconds, at most `cap`.
The next round starts from the first open leg again, and the carrier answers the whole history
each time, while the ingest stores each event once: nothing is missed, nothing doubled.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from limits import RateLimitItemPerMinute
from sqlalchemy import select
from sqlmodel import Session

from models import CarrierPollState, EventSource, Shipment, ShipmentLeg
from models.settings import Settings
from models.types import utcnow
from services.logistics.carriers import CarrierAdapter, CarrierError, CarrierRateLimited, TrackingNotFound
from services.logistics.eta import DONE
from services.logistics.ingest import ingest_payload
from services.platform.rate_limits import limiter

log = logging.getLogger(__name__)
MAX_PER_ROUND = 500


@dataclass
class PollRound:
    carrier: str
    polled: int = 0
    stored: int = 0
    not_found: int = 0
    outcome: str = "done"  # done, held_off (still backing off), rate_limited, failed, throttled
    retry_at: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def open_tracking_numbers(session: Session, carrier: str, limit: int = MAX_PER_ROUND) -> list[str]:
    """The carrier's tracking numbers still worth asking about, oldest shipment first."""
    legs, shipments = ShipmentLeg.__table__, Shipment.__table__
    rows = (
        session.execute(
            select(legs.c.tracking_number)
            .join(shipments, shipments.c.id == legs.c.shipment_id)
            .where(
                legs.c.carrier == carrier,
                legs.c.arrived_at.is_(None),
                shipments.c.tracking_status.not_in(list(DONE)),
            )
            .order_by(legs.c.shipment_id, legs.c.sequence)
            .limit(limit)
        )
        .scalars()
        .all()
    )
    return list(dict.fromkeys(rows))


def backoff_seconds(settings: Settings, failures: int) -> float:
    return min(
        settings.carrier_backoff_first_seconds * 2 ** max(failures - 1, 0),
        settings.carrier_backoff_cap_seconds,
    )


def poll_carrier(
    session: Session,
    settings: Settings,
    carrier: str,
    adapter: CarrierAdapter,
    *,
    now: datetime | None = None,
) -> PollRound:
    """One polling round of `carrier` (see the module's doc); commits its ingests and its state."""
    now = now or utcnow()
    result = PollRound(carrier)
    state = session.get(CarrierPollState, carrier) or CarrierPollState(carrier=carrier)
    if state.next_poll_at is not None and state.next_poll_at > now:
        result.outcome, result.retry_at = "held_off", state.next_poll_at.isoformat()
        return result
    numbers = open_tracking_numbers(session, carrier)
    session.rollback()  # no transaction held open while the carrier answers
    limit = RateLimitItemPerMinute(settings.carriers[carrier].requests_per_minute)
    rate = limiter()
    failure: tuple[str, float] | None = None
    for number in numbers:
        if not rate.hit(limit, "carrier-poll", carrier):
            result.outcome = "throttled"
            break
        try:
            document = adapter.fetch(number)
        except TrackingNotFound:
            result.not_found += 1
            result.polled += 1
            continue
        except CarrierRateLimited as error:
            failures = state.failures + 1
            failure = (
                "rate_limited",
                error.retry_after if error.retry_after is not None else backoff_seconds(settings, failures),
            )
            break
        except CarrierError as error:
            log.warning("carrier %s: polling %s failed: %s", carrier, number, error)
            failure = ("failed", backoff_seconds(settings, state.failures + 1))
            state.last_error = str(error)[:500]
            break
        result.polled += 1
        result.stored += ingest_payload(
            session, carrier=carrier, payload=document, source=EventSource.CARRIER_POLL
        ).stored
    state = session.get(CarrierPollState, carrier) or state
    if failure is not None:
        result.outcome = failure[0]
        state.failures += 1
        state.next_poll_at = utcnow() + timedelta(seconds=failure[1])
        result.retry_at = state.next_poll_at.isoformat()
        if failure[0] == "rate_limited":
            state.last_error = "429 rate limited"
    else:
        state.failures, state.next_poll_at, state.last_success_at = 0, None, utcnow()
    session.add(state)
    session.commit()
    return result
