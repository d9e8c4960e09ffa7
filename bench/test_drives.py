"""Benchmark of test-drive booking on PostgreSQL: availability, bookings on spread slots and on one
contended slot through the HTTP API, beside a raw SQL baseline of the same insert under the same
exclusion constraints. Not a test: it prints a table and writes var/bench/test_drives.json.

    .venv/bin/python bench/test_drives.py [--scale large|demo] [--seconds 4] [--rounds 40] [--keep-db]

What runs (all on this machine):
- a scratch PostgreSQL database (created, migrated, seeded at `--scale`, default the large seed,
  dropped at the end);
- the JSON API alone (`portal.api:api`) under granian, 2 worker processes, in a subprocess (the
  full `reflex run` puts the same FastAPI app in front of the same code). No worker: booking does
  not wait for one (its e-mails leave through the outbox later).

The bench store is the first demo store, given the issue's fleet for one trim: 8 demo cars of that
trim and 5 salespeople (cars and salespeople are added when the seed gave fewer).

Parts:
1. availability: `GET /api/v1/test-drives/availability` for the bench trim at the bench store over
   14 local days, one request at a time; p50/p95 (and the same call in-process, no HTTP, for scale).
2. spread bookings: `POST /api/v1/test-drives` (Idempotency-Key, a trim, a dealer and a start; no
   hold), closed loop at 1, 8 and 32 clients for `--seconds`; the slots come from every store and
   every trim with a bookable car, one booking per (store, trim) at a time, spaced by a drive plus
   its buffer, so no two requests want the same car (a salesperson shared by two trims of a store
   may still be taken: the service then tries the next pair, or answers 409 "just taken").
3. the raw baseline: the rows one booking commits (the drive and its outbox message), by hand-written
   SQL through psycopg in one transaction per booking, one connection per client thread, under the
   same exclusion constraints (btree_gist over the car's and the salesperson's ranges), at the same
   client counts; each thread books its own car and salesperson in 2031 (no overlap by design, like
   the spread part).
   The HTTP floor beside it: the same route and body without an Idempotency-Key, refused (422)
   before any database work, at the same client counts: what the server and FastAPI cost alone
   (the ceiling of any booking through this API on this machine).
4. contended slot: `--rounds` rounds at 1, 8 and 32 clients; in each round every client asks for the
   same start of a trim that has exactly one bookable car at its store (the others of that trim are
   drained below the store's charge threshold), all at once. Checked: exactly one 201 per round,
   every other answer a clean 409 with the next slots, no 5xx; p99 over every answer.

Targets (the issue, this 2-core machine): availability p95 < 30 ms; spread bookings >= 40 % of the
raw baseline; contended: exactly one winner per slot in every run and p99 < 100 ms at 32 clients.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import threading
import time
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg  # noqa: E402

from bench.orders import (  # noqa: E402
    Connection,
    create_database,
    drop_database,
    fmt,
    percent,
    percentile,
    pg_url,
    service_env,
    start_api,
    stop,
)
from models.settings import PROJECT_ROOT  # noqa: E402

CLIENTS = (1, 8, 32)
BENCH_CARS = 8
BENCH_SALESPEOPLE = 5
AVAILABILITY_DAYS = 14
AVAILABILITY_REQUESTS = 200
TARGETS = {"availability_p95_ms": 30.0, "spread_ratio": 0.40, "contended_p99_ms_at_32": 100.0}
VISITOR = {
    "visitor_name": "Bench Visitor",
    "phone": "+49 30 1234567",
    "email": "bench@example.com",
    "licence_number": "B072RRE2I55",
    "licence_expires_on": "2035-01-01",
}


@dataclass
class World:
    database: str
    store_id: int
    trim_code: str  # the bench trim (8 cars, 5 salespeople at the bench store)
    time_zone: str
    spread: list[tuple[str, int, str]] = field(default_factory=list)  # (trim code, store, starts_at)
    contended: tuple[str, int] = ("", 0)  # (trim code, store) with exactly one bookable car
    contended_starts: list[str] = field(default_factory=list)
    raw_pairs: list[tuple[int, int, int, int]] = field(default_factory=list)  # store, trim, car, person


# --------------------------------------------------------------------------------------------
# The world


def prepare(database: str, scale: str) -> World:
    from models.db import engine_for
    from models.migrate import upgrade
    from services.seed import seed

    url = pg_url(database)
    upgrade(url)
    started = time.perf_counter()
    seed(engine_for(url), scale, supply_history=False)
    print(f"  {scale} seed: {time.perf_counter() - started:.0f} s", flush=True)
    store_id, trim_code, zone = _bench_fleet(url)
    with psycopg.connect(pg_url(database, "postgresql"), autocommit=True) as conn:
        contended = _contended_pair(conn, exclude=(store_id, trim_code))
        conn.execute("ANALYZE")
    engine_for(url).dispose()
    world = World(database=database, store_id=store_id, trim_code=trim_code, time_zone=zone)
    world.contended = contended
    _plan_slots(world, url)
    return world


def _bench_fleet(url: str) -> tuple[int, str, str]:
    """Give the first store 8 cars of its most-carred trim and 5 salespeople (working its opening
    hours); returns (store, trim code, the store's zone)."""
    from sqlalchemy import func
    from sqlmodel import Session, select

    from models import Trim
    from models.db import engine_for
    from models.showroom import DemoCar, Salesperson, ShowroomStore
    from services.showroom.stores import store_rules

    with Session(engine_for(url)) as session:
        store_id = session.exec(select(ShowroomStore.location_id).order_by(ShowroomStore.location_id)).first()
        trim_id, cars = session.exec(
            select(DemoCar.trim_id, func.count(DemoCar.id))
            .where(DemoCar.location_id == store_id)
            .group_by(DemoCar.trim_id)
            .order_by(func.count(DemoCar.id).desc(), DemoCar.trim_id)
        ).first()
        template = session.exec(
            select(DemoCar).where(DemoCar.location_id == store_id, DemoCar.trim_id == trim_id)
        ).first()
        for number in range(cars, BENCH_CARS):
            session.add(
                DemoCar(
                    location_id=store_id,
                    trim_id=trim_id,
                    vin=f"WBENCH{store_id:03d}{number:08d}"[:17],
                    plate=f"B-BN {number:04d}",
                    plate_valid_until=template.plate_valid_until,
                    insurance_valid_until=template.insurance_valid_until,
                    odometer_km=template.odometer_km,
                    energy_percent=100,
                )
            )
        rules = store_rules(session, store_id)
        hours = {
            day: ([f"{span[0]:%H:%M}", f"{span[1]:%H:%M}"] if span else [])
            for day, span in rules.opening_hours.items()
        }
        people = session.exec(
            select(func.count(Salesperson.id)).where(Salesperson.location_id == store_id)
        ).one()
        for number in range(people, BENCH_SALESPEOPLE):
            session.add(
                Salesperson(
                    location_id=store_id, full_name=f"Bench Salesperson {number}", working_hours=hours
                )
            )
        code = session.get(Trim, trim_id).code
        session.commit()
        return store_id, code, rules.zone.key


def _contended_pair(conn: psycopg.Connection, exclude: tuple[int, str]) -> tuple[str, int]:
    """A (trim code, store) with one bookable car: the first other (store, trim) with cars, whose
    cars but one get a charge of 0 (below every store's threshold)."""
    store_id, trim_id, code = conn.execute(
        "SELECT c.location_id, c.trim_id, t.code FROM demo_car c JOIN trim t ON t.id = c.trim_id "
        "WHERE (c.location_id, t.code) <> (%s, %s) GROUP BY c.location_id, c.trim_id, t.code "
        "ORDER BY count(*) DESC, c.location_id LIMIT 1",
        exclude,
    ).fetchone()
    cars = [
        row[0]
        for row in conn.execute(
            "SELECT id FROM demo_car WHERE location_id = %s AND trim_id = %s ORDER BY id", (store_id, trim_id)
        )
    ]
    if len(cars) > 1:
        conn.execute("UPDATE demo_car SET energy_percent = 0 WHERE id = ANY(%s)", (cars[1:],))
    return code, store_id


def _plan_slots(world: World, url: str) -> None:
    """Spread slots (every store and trim, spaced per (store, trim)), the contended starts, and the
    raw baseline's (store, trim, car, salesperson) quadruples."""
    from sqlmodel import Session, select

    from models import Trim
    from models.db import engine_for
    from models.showroom import DemoCar, Salesperson
    from services.showroom import availability
    from services.showroom.stores import store_rules

    engine = engine_for(url)
    today = datetime.now(UTC).date()
    first, last = today + timedelta(days=1), today + timedelta(days=29)
    spread: list[tuple[str, int, str]] = []
    with Session(engine) as session:
        pairs = session.exec(select(DemoCar.location_id, DemoCar.trim_id).distinct()).all()
        trims = {trim.id: trim for trim in session.exec(select(Trim)).all()}
        for store_id, trim_id in sorted(pairs):
            trim = trims[trim_id]
            if (trim.code, store_id) == world.contended:
                continue
            rules = store_rules(session, store_id)
            free_until = None
            for slot in availability.free_slots(session, rules, trim, first, last):
                if free_until is None or slot.starts_at >= free_until:
                    spread.append((trim.code, store_id, slot.starts_at.isoformat()))
                    free_until = slot.ends_at
        code, store_id = world.contended
        rules = store_rules(session, store_id)
        contended_trim = next(trim for trim in trims.values() if trim.code == code)
        free_until = None
        for slot in availability.free_slots(session, rules, contended_trim, first, last):
            if free_until is None or slot.starts_at >= free_until:
                world.contended_starts.append(slot.starts_at.isoformat())
                free_until = slot.ends_at
        cars = session.exec(select(DemoCar).order_by(DemoCar.id)).all()
        people = session.exec(select(Salesperson).order_by(Salesperson.id)).all()
        world.raw_pairs = [
            (car.location_id, car.trim_id, car.id, person.id)
            for car, person in zip(cars, people, strict=False)
        ]
        session.rollback()
    engine.dispose()
    random.Random(7).shuffle(spread)
    world.spread = spread


# --------------------------------------------------------------------------------------------
# Measuring


@dataclass
class Load:
    kind: str  # "api", "raw" or "contended"
    clients: int
    seconds: float
    booked: int
    taken: int  # clean 409 "just taken"
    errors: int  # anything else
    per_second: float
    p50_ms: float | None
    p95_ms: float | None
    p99_ms: float | None
    rounds: int = 0
    rounds_with_one_winner: int = 0
    other_statuses: dict[int, int] = field(default_factory=dict)  # status -> answers, not 201/409


def _load(kind, clients, elapsed, latencies, booked, taken, errors, **extra) -> Load:
    latencies.sort()
    return Load(
        kind=kind,
        clients=clients,
        seconds=round(elapsed, 2),
        booked=booked,
        taken=taken,
        errors=errors,
        per_second=booked / elapsed if elapsed else 0.0,
        p50_ms=percentile(latencies, 50),
        p95_ms=percentile(latencies, 95),
        p99_ms=percentile(latencies, 99),
        **extra,
    )


def _booking_body(trim: str, store: int, starts_at: str) -> bytes:
    return json.dumps({"trim": trim, "dealer": store, "starts_at": starts_at, **VISITOR}).encode()


async def availability_load(world: World) -> dict:
    today = datetime.now(UTC).date()
    path = (
        f"/api/v1/test-drives/availability?trim={world.trim_code}&dealer={world.store_id}"
        f"&from={today + timedelta(days=1)}&to={today + timedelta(days=AVAILABILITY_DAYS)}"
    )
    connection = Connection()
    latencies, slots = [], 0
    try:
        for _ in range(10):  # warm up
            await connection.request("GET", path)
        for _ in range(AVAILABILITY_REQUESTS):
            started = time.perf_counter()
            status, body = await connection.request("GET", path)
            latencies.append((time.perf_counter() - started) * 1000)
            if status != 200:
                raise RuntimeError(f"availability answered {status}: {body[:200]!r}")
            slots = len(json.loads(body)["slots"])
    finally:
        connection.close()
    latencies.sort()
    return {
        "requests": len(latencies),
        "slots": slots,
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
        "in_process": _availability_in_process(world),
    }


def _availability_in_process(world: World) -> dict:
    from sqlmodel import Session

    from models.db import engine_for
    from services.showroom import availability
    from services.showroom.stores import store_rules

    engine = engine_for(pg_url(world.database))
    today = datetime.now(UTC).date()
    latencies = []
    with Session(engine) as session:
        for _ in range(AVAILABILITY_REQUESTS // 2):
            started = time.perf_counter()
            trim = availability.trim_by_code(session, world.trim_code)
            rules = store_rules(session, world.store_id)
            availability.free_slots(
                session, rules, trim, today + timedelta(days=1), today + timedelta(days=AVAILABILITY_DAYS)
            )
            session.rollback()
            latencies.append((time.perf_counter() - started) * 1000)
    latencies.sort()
    return {"p50_ms": percentile(latencies, 50), "p95_ms": percentile(latencies, 95)}


async def spread_load(world: World, clients: int, seconds: float) -> Load:
    latencies: list[float] = []
    counts = {"booked": 0, "taken": 0, "errors": 0}
    run = uuid.uuid4().hex[:6]
    deadline = time.perf_counter() + seconds

    async def client(number: int) -> None:
        connection = Connection()
        try:
            while time.perf_counter() < deadline and world.spread:
                trim, store, starts_at = world.spread.pop()
                started = time.perf_counter()
                status, _ = await connection.request(
                    "POST",
                    "/api/v1/test-drives",
                    {"Idempotency-Key": f"{run}-{number}-{len(world.spread)}"},
                    _booking_body(trim, store, starts_at),
                )
                latencies.append((time.perf_counter() - started) * 1000)
                counts["booked" if status == 201 else "taken" if status == 409 else "errors"] += 1
        finally:
            connection.close()

    began = time.perf_counter()
    await asyncio.gather(*(client(n) for n in range(clients)))
    return _load("api", clients, time.perf_counter() - began, latencies, **counts)


async def floor_load(clients: int, seconds: float) -> Load:
    """The HTTP floor: the same route and body with no Idempotency-Key, refused (422) before any
    database work; what the server, FastAPI and the error answer cost alone. `booked` counts the
    answers."""
    latencies: list[float] = []
    answered = [0]
    deadline = time.perf_counter() + seconds
    body = _booking_body("TR-FLOOR", 1, "2031-01-01T10:00:00+00:00")

    async def client() -> None:
        connection = Connection()
        try:
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                status, _ = await connection.request("POST", "/api/v1/test-drives", {}, body)
                latencies.append((time.perf_counter() - started) * 1000)
                if status != 422:
                    raise RuntimeError(f"the floor request answered {status}")
                answered[0] += 1
        finally:
            connection.close()

    began = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return _load("floor", clients, time.perf_counter() - began, latencies, answered[0], 0, 0)


async def contended_load(world: World, clients: int, rounds: int) -> Load:
    latencies: list[float] = []
    counts = {"booked": 0, "taken": 0, "errors": 0}
    one_winner = 0
    other: dict[int, int] = {}
    trim, store = world.contended
    connections = [Connection() for _ in range(clients)]
    began = time.perf_counter()
    done = 0
    try:
        for _ in range(rounds):
            if not world.contended_starts:
                break
            starts_at = world.contended_starts.pop(0)
            run = uuid.uuid4().hex[:8]

            async def ask(number: int, starts_at: str = starts_at, run: str = run) -> int:
                started = time.perf_counter()
                status, _ = await connections[number].request(
                    "POST",
                    "/api/v1/test-drives",
                    {"Idempotency-Key": f"{run}-{number}"},
                    _booking_body(trim, store, starts_at),
                )
                latencies.append((time.perf_counter() - started) * 1000)
                return status

            statuses = await asyncio.gather(*(ask(n) for n in range(clients)))
            winners = statuses.count(201)
            one_winner += winners == 1
            counts["booked"] += winners
            counts["taken"] += statuses.count(409)
            counts["errors"] += sum(1 for status in statuses if status not in (201, 409))
            for status in statuses:
                if status not in (201, 409):
                    other[status] = other.get(status, 0) + 1
            done += 1
    finally:
        for connection in connections:
            connection.close()
    return _load(
        "contended",
        clients,
        time.perf_counter() - began,
        latencies,
        **counts,
        rounds=done,
        rounds_with_one_winner=one_winner,
    )


RAW_DRIVE = (
    "INSERT INTO test_drive (location_id, trim_id, car_id, salesperson_id, starts_at, drive_ends_at, "
    "ends_at, status, version, walk_in, visitor_name, visitor_phone, visitor_email, licence_number, "
    "licence_expires_on, idempotency_key, request_fingerprint, licence_seen, notes, created_at, updated_at) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, 'booked', 1, false, %s, %s, %s, %s, %s, %s, %s, false, '', "
    "now(), now()) "
    "RETURNING id"
)
RAW_OUTBOX = "INSERT INTO outbox_message (topic, payload, created_at) VALUES ('test_drive.booked', %s, now())"


def raw_load(world: World, clients: int, seconds: float, epoch: list[int]) -> Load:
    """Each thread books its own (car, salesperson) back to back in 2031: a drive of 60 minutes
    and a 30-minute buffer every 90 minutes, so nothing overlaps (and nothing waits)."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds
    epoch[0] += 1
    base = datetime(2031, 1, 1, tzinfo=UTC) + timedelta(days=400 * epoch[0])

    def thread(number: int) -> None:
        nonlocal errors
        store, trim, car, person = world.raw_pairs[number % len(world.raw_pairs)]
        mine, failed = [], 0
        with psycopg.connect(pg_url(world.database, "postgresql")) as conn:
            sequence = 0
            while time.perf_counter() < deadline:
                starts = base + timedelta(minutes=90 * sequence)
                sequence += 1
                started = time.perf_counter()
                try:
                    with conn.transaction():
                        drive = conn.execute(
                            RAW_DRIVE,
                            (
                                store,
                                trim,
                                car,
                                person,
                                starts,
                                starts + timedelta(minutes=60),
                                starts + timedelta(minutes=90),
                                VISITOR["visitor_name"],
                                VISITOR["phone"],
                                VISITOR["email"],
                                VISITOR["licence_number"],
                                date(2035, 1, 1),
                                f"raw-{epoch[0]}-{number}-{sequence}",
                                "0" * 64,
                            ),
                        ).fetchone()[0]
                        conn.execute(RAW_OUTBOX, (json.dumps({"test_drive_id": drive, "version": 1}),))
                    mine.append((time.perf_counter() - started) * 1000)
                except psycopg.Error:
                    failed += 1
        with lock:
            latencies.extend(mine)
            errors += failed

    threads = [threading.Thread(target=thread, args=(n,)) for n in range(clients)]
    began = time.perf_counter()
    for each in threads:
        each.start()
    for each in threads:
        each.join()
    return _load("raw", clients, time.perf_counter() - began, latencies, len(latencies), 0, errors)


def double_bookings(world: World) -> int:
    """Pairs of active drives of one car or one salesperson that overlap (must be 0)."""
    with psycopg.connect(pg_url(world.database, "postgresql")) as conn:
        return conn.execute(
            "SELECT count(*) FROM test_drive a JOIN test_drive b ON a.id < b.id "
            "AND (a.car_id = b.car_id OR a.salesperson_id = b.salesperson_id) "
            "AND tstzrange(a.starts_at, a.ends_at) && tstzrange(b.starts_at, b.ends_at) "
            "WHERE a.status IN ('booked', 'checked_in') AND b.status IN ('booked', 'checked_in')"
        ).fetchone()[0]


# --------------------------------------------------------------------------------------------
# Report


def report(availability: dict, loads: list[Load], meta: dict) -> dict:
    print(f"\n1-minute load average before each part: {meta['load_average_1min']}")
    inner = availability["in_process"]
    print(
        f"\nAvailability, 14 days, {BENCH_CARS} cars and {BENCH_SALESPEOPLE} salespeople "
        f"({availability['slots']} free slots): HTTP p50 {fmt(availability['p50_ms'])} ms, "
        f"p95 {fmt(availability['p95_ms'])} ms (target < {TARGETS['availability_p95_ms']:.0f}); "
        f"in-process p50 {fmt(inner['p50_ms'])} ms, p95 {fmt(inner['p95_ms'])} ms"
    )
    raw = {load.clients: load for load in loads if load.kind == "raw"}
    floor = {load.clients: load for load in loads if load.kind == "floor"}
    print("\nBookings on spread slots through the API, beside the raw SQL baseline of the same rows")
    print(
        f"{'clients':>8}{'API/s':>9}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'409':>6}{'5xx/other':>10}"
        f"{'raw/s':>9}{'raw p99':>9}{'API/raw':>9}{'floor/s':>9}{'floor/raw':>10}"
    )
    rows = []
    for load in (each for each in loads if each.kind == "api"):
        base = raw.get(load.clients)
        ratio = load.per_second / base.per_second if base and base.per_second else None
        top = floor.get(load.clients)
        top_ratio = top.per_second / base.per_second if top and base and base.per_second else None
        rows.append(
            {
                "api": asdict(load),
                "raw": base and asdict(base),
                "ratio": ratio,
                "floor": top and asdict(top),
                "floor_ratio": top_ratio,
            }
        )
        print(
            f"{load.clients:>8}{load.per_second:>9.0f}{fmt(load.p50_ms):>8}{fmt(load.p95_ms):>8}"
            f"{fmt(load.p99_ms):>8}{load.taken:>6}{load.errors:>10}"
            f"{(base.per_second if base else 0):>9.0f}{fmt(base.p99_ms if base else None):>9}"
            f"{percent(ratio):>9}{(top.per_second if top else 0):>9.0f}{percent(top_ratio):>10}"
        )
    print("\nOne contended slot per round (every client asks for the same start of a one-car trim)")
    print(
        f"{'clients':>8}{'rounds':>8}{'one winner':>12}{'409':>7}{'5xx/other':>10}{'p50 ms':>8}{'p99 ms':>8}"
    )
    contended = []
    for load in (each for each in loads if each.kind == "contended"):
        contended.append(asdict(load))
        print(
            f"{load.clients:>8}{load.rounds:>8}{load.rounds_with_one_winner:>12}{load.taken:>7}"
            f"{load.errors:>10}{fmt(load.p50_ms):>8}{fmt(load.p99_ms):>8}"
            + (f"  other answers: {load.other_statuses}" if load.other_statuses else "")
        )
    print(f"\noverlapping active drives afterwards: {meta['double_bookings']} (must be 0)")
    return {
        "meta": meta,
        "targets": TARGETS,
        "availability": availability,
        "spread": rows,
        "contended": contended,
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", default="large", choices=("demo", "large"))
    parser.add_argument("--seconds", type=float, default=4.0, help="length of each spread run")
    parser.add_argument("--rounds", type=int, default=40, help="contended rounds per client count")
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()

    var_dir = PROJECT_ROOT / "var" / "bench" / f"test-drives-{datetime.now(UTC):%Y%m%d-%H%M%S}"
    var_dir.mkdir(parents=True, exist_ok=True)
    database = create_database()
    database_url = pg_url(database)
    env = service_env(database_url, var_dir)
    os.environ.update(DATABASE_URL=database_url, VAR_DIR=str(var_dir))
    from models.settings import get_settings

    get_settings.cache_clear()
    api = None
    loads_seen: dict[str, float] = {"start": round(os.getloadavg()[0], 2)}
    try:
        print(f"scratch database {database}; seeding ({args.scale}) ...", flush=True)
        world = prepare(database, args.scale)
        print(
            f"  {len(world.spread)} spread slots, {len(world.contended_starts)} contended starts "
            f"({world.contended[0]} at store {world.contended[1]})",
            flush=True,
        )
        api = start_api(env, var_dir)
        loads_seen["availability"] = round(os.getloadavg()[0], 2)
        print("part 1: availability ...", flush=True)
        availability = asyncio.run(availability_load(world))
        loads: list[Load] = []
        loads_seen["spread"] = round(os.getloadavg()[0], 2)
        print("part 2: spread bookings through the API ...", flush=True)
        asyncio.run(spread_load(world, 4, 1.0))  # warm up
        for clients in CLIENTS:
            loads.append(asyncio.run(spread_load(world, clients, args.seconds)))
            print(f"  api x{clients}: {loads[-1].per_second:.0f}/s", flush=True)
        print("part 2b: the HTTP floor (the same route refusing at once) ...", flush=True)
        for clients in CLIENTS:
            loads.append(asyncio.run(floor_load(clients, min(args.seconds, 2.0))))
            print(f"  floor x{clients}: {loads[-1].per_second:.0f}/s", flush=True)
        loads_seen["raw"] = round(os.getloadavg()[0], 2)
        print("part 3: the raw SQL baseline ...", flush=True)
        epoch = [0]
        raw_load(world, 4, 1.0, epoch)  # warm up
        for clients in CLIENTS:
            loads.append(raw_load(world, clients, args.seconds, epoch))
            print(f"  raw x{clients}: {loads[-1].per_second:.0f}/s", flush=True)
        loads_seen["contended"] = round(os.getloadavg()[0], 2)
        print("part 4: one contended slot per round ...", flush=True)
        for clients in CLIENTS:
            loads.append(asyncio.run(contended_load(world, clients, args.rounds)))
            print(
                f"  contended x{clients}: {loads[-1].rounds_with_one_winner}/{loads[-1].rounds}", flush=True
            )
        meta = {
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "cpus": os.cpu_count(),
            "scale": args.scale,
            "server": "granian --interface asgi --workers 2 portal.api:api",
            "load_average_1min": loads_seen,
            "double_bookings": double_bookings(world),
        }
        result = report(availability, loads, meta)
        out = PROJECT_ROOT / "var" / "bench" / "test_drives.json"
        out.write_text(json.dumps(result, indent=2, default=str))
        print(f"\nwritten: {out.relative_to(PROJECT_ROOT)}")
        return 0 if meta["double_bookings"] == 0 else 1
    finally:
        stop(api)
        if not args.keep_db:
            drop_database(database)


if __name__ == "__main__":
    sys.exit(main())
