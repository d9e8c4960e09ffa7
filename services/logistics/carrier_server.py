"""A local DHL-shaped carrier server: simulated journeys at a configurable pace, for the demo (so
its shipments really move) and for tests (which also tell it to fail).

    python -m services.logistics.carrier_server --port 8790 [--pace 60] [--api-key KEY]

It answers `GET /track/shipments?trackingNumber=..&service=..&language=..` like the DHL
Shipment Tracking - Unified API (401 without the right `DHL-API-Key`, 404 for an unknown number,
200 with `shipments[]`), showing a journey's events one by one, one every `pace` seconds from
when it was first asked about. Numbers starting with "SIM" get a journey made up from the number
(the same every time); others must be registered. Control endpoints (same key), not DHL's:

- `POST /_sim/journeys` `{"trackingNumber", "events": [DHL events], "pace": seconds}` registers one;
- `POST /_sim/faults` `{"faults": ["ok", "429", "500", "timeout", ...], "retry_after": 1,
  "hang_seconds": 3}` queues answers: each tracking request takes the next one first (a normal
  answer, 429 with Retry-After, 500, or a hang longer than the client's timeout);
- `GET /_sim/stats` says how many tracking requests came and which faults were served.

State is in memory: run it with one worker.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import random
import time
from collections import deque
from datetime import UTC, datetime, timedelta

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from models.settings import DEMO_CARRIER_KEY

_PLACES = (
    ("CN", "201900", "Shanghai"),
    ("CN", "315000", "Ningbo"),
    ("SG", "018956", "Singapore"),
    ("NL", "3011", "Rotterdam"),
    ("DE", "20457", "Hamburg"),
    ("DE", "80331", "Munich"),
    ("FR", "75001", "Paris"),
    ("PL", "00-001", "Warsaw"),
)
_STEPS = (
    ("pre-transit", "Shipment information received"),
    ("transit", "Picked up at the plant gate"),
    ("transit", "Departed"),
    ("transit", "Arrived at hub"),
    ("transit", "Departed hub"),
    ("transit", "Arrived at port terminal"),
    ("transit", "Loaded on vessel"),
    ("transit", "Discharged at port terminal"),
    ("transit", "Customs cleared"),
    ("transit", "Out for delivery"),
    ("delivered", "Delivered"),
)


class Simulation:
    """The journeys, the queued faults and the counts of one server process."""

    def __init__(self, pace: float, api_key: str) -> None:
        self.pace = pace
        self.api_key = api_key
        self.journeys: dict[str, dict] = {}
        self.faults: deque[str] = deque()
        self.retry_after = 1.0
        self.hang_seconds = 3.0
        self.requests = 0
        self.served_faults: list[str] = []

    def journey(self, number: str) -> dict | None:
        if number not in self.journeys and number.startswith("SIM"):
            # Paced, each event is stamped with the moment it shows; unpaced, a past journey.
            start = datetime.now(UTC) if self.pace > 0 else None
            self.journeys[number] = {
                "events": made_up_journey(number, start=start, step_seconds=self.pace),
                "pace": self.pace,
                "started": time.monotonic(),
            }
        return self.journeys.get(number)

    def visible(self, journey: dict) -> list[dict]:
        pace = journey["pace"]
        if pace <= 0:
            return journey["events"]
        shown = 1 + int((time.monotonic() - journey["started"]) / pace)
        return journey["events"][:shown]


def made_up_journey(number: str, *, start: datetime | None = None, step_seconds: float = 0) -> list[dict]:
    """A plausible journey for `number` (6 to 11 events), the same for the same number; its
    events `step_seconds` apart from `start` when both are given, else hours apart in 2026."""
    rng = random.Random(hashlib.sha256(number.encode()).digest())
    at = start or datetime(2026, 1, 5, 8, 0, tzinfo=UTC) + timedelta(days=rng.randint(0, 300))
    steps = list(_STEPS[:2]) + rng.sample(_STEPS[2:-2], rng.randint(2, 7)) + list(_STEPS[-2:])
    if start is not None and step_seconds:
        steps = steps[2:]  # paced (the demo's legs under way): the journey is already moving
    events = []
    for index, (code, text) in enumerate(steps):
        gap = timedelta(hours=rng.randint(3, 40))
        at = start + timedelta(seconds=index * step_seconds) if start and step_seconds else at + gap
        country, postcode, locality = _PLACES[min(index * len(_PLACES) // len(steps), len(_PLACES) - 1)]
        events.append(
            {
                "timestamp": at.isoformat().replace("+00:00", "Z"),
                "statusCode": code,
                "status": text,
                "description": f"{text} ({locality})",
                "location": {
                    "address": {"countryCode": country, "postalCode": postcode, "addressLocality": locality}
                },
            }
        )
    return events


def create_app(pace: float | None = None, api_key: str | None = None) -> Starlette:
    sim = Simulation(
        float(os.environ.get("CARRIER_SERVER_PACE", "60") if pace is None else pace),
        api_key or os.environ.get("CARRIER_SERVER_API_KEY", DEMO_CARRIER_KEY),
    )

    def authorised(request: Request) -> bool:
        return request.headers.get("DHL-API-Key") == sim.api_key

    def problem(status: int, title: str, detail: str, headers: dict | None = None) -> JSONResponse:
        return JSONResponse(
            {"status": status, "title": title, "detail": detail}, status_code=status, headers=headers
        )

    async def track(request: Request) -> JSONResponse:
        if not authorised(request):
            return problem(401, "Unauthorized", "Invalid or missing DHL-API-Key")
        sim.requests += 1
        fault = sim.faults.popleft() if sim.faults else "ok"
        if fault != "ok":
            sim.served_faults.append(fault)
            if fault == "429":
                return problem(
                    429, "Too many requests", "Rate limit exceeded", {"Retry-After": f"{sim.retry_after:g}"}
                )
            if fault == "timeout":
                await asyncio.sleep(sim.hang_seconds)
            else:
                return problem(int(fault), "Server error", "Simulated failure")
        number = request.query_params.get("trackingNumber", "")
        journey = sim.journey(number) if number else None
        if journey is None:
            return problem(404, "No result found", f"No shipment with tracking number {number} found")
        events = list(reversed(sim.visible(journey)))  # DHL lists the newest first
        newest = events[0]
        return JSONResponse(
            {
                "shipments": [
                    {
                        "id": number,
                        "service": request.query_params.get("service", "freight"),
                        "status": {
                            key: newest[key] for key in ("timestamp", "statusCode", "status", "description")
                        },
                        "events": events,
                    }
                ]
            }
        )

    async def register(request: Request) -> JSONResponse:
        if not authorised(request):
            return problem(401, "Unauthorized", "Invalid or missing DHL-API-Key")
        body = await request.json()
        sim.journeys[body["trackingNumber"]] = {
            "events": body["events"],
            "started": time.monotonic(),
            "pace": float(body.get("pace", sim.pace)),
        }
        return JSONResponse({"registered": body["trackingNumber"]})

    async def faults(request: Request) -> JSONResponse:
        if not authorised(request):
            return problem(401, "Unauthorized", "Invalid or missing DHL-API-Key")
        body = await request.json()
        sim.faults.extend(str(fault) for fault in body.get("faults", []))
        sim.retry_after = float(body.get("retry_after", sim.retry_after))
        sim.hang_seconds = float(body.get("hang_seconds", sim.hang_seconds))
        return JSONResponse({"queued": len(sim.faults)})

    async def stats(request: Request) -> JSONResponse:
        if not authorised(request):
            return problem(401, "Unauthorized", "Invalid or missing DHL-API-Key")
        return JSONResponse(
            {"requests": sim.requests, "served_faults": sim.served_faults, "pending_faults": list(sim.faults)}
        )

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    return Starlette(
        routes=[
            Route("/track/shipments", track),
            Route("/_sim/journeys", register, methods=["POST"]),
            Route("/_sim/faults", faults, methods=["POST"]),
            Route("/_sim/stats", stats),
            Route("/health", health),
        ]
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8790)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--pace", type=float, default=60.0, help="seconds between a journey's events")
    parser.add_argument("--api-key", default=DEMO_CARRIER_KEY)
    arguments = parser.parse_args(argv)
    os.environ["CARRIER_SERVER_PACE"] = str(arguments.pace)
    os.environ["CARRIER_SERVER_API_KEY"] = arguments.api_key
    from granian import Granian
    from granian.constants import Interfaces

    Granian(
        "services.logistics.carrier_server:create_app",
        address=arguments.host,
        port=arguments.port,
        interface=Interfaces.ASGI,
        workers=1,
        factory=True,
        log_access=False,
    ).serve()


if __name__ == "__main__":
    main()
