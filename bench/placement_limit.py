"""The honest measure of the transaction core (bench/orders.py's parts "limit", "best" and "wrk"):

- the limit: `pgbench` (PostgreSQL's own C client) running the statements the placement service sends
  for a one-line order, on the project's real schema (indexes, CHECKs, foreign keys, the outbox NOTIFY
  trigger), and the same transaction as one statement (data-modifying CTEs);
- the best hand-written form in Python: that one statement, prepared, one round trip per order;
- the load through `wrk` (Debian's, C, little CPU; a Lua script gives every request its own
  Idempotency-Key), so the API's figures are the server's and not the load generator's;
- the CPU seconds per placement of the app processes and of PostgreSQL, from /proc (utime + stime of
  every process of the tree, and of the children it has reaped), so one order's cost is visible apart
  from the rest of the machine;
- py-spy profiles (`--format raw`, collapsed stacks) reduced to the ten biggest costs.

Not a test; bench/orders.py prints the tables.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


# --------------------------------------------------------------------------------------------
# CPU seconds from /proc


def _stat(pid: int) -> tuple[int, str, float, float] | None:
    """(ppid, comm, own cpu seconds, reaped children's cpu seconds) of `pid`, or None if gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    comm = raw[raw.index("(") + 1 : raw.rindex(")")]
    fields = raw[raw.rindex(")") + 2 :].split()
    # fields[0] is state (field 3); utime is field 14, stime 15, cutime 16, cstime 17.
    ppid = int(fields[1])
    utime, stime, cutime, cstime = (int(value) for value in fields[11:15])
    return ppid, comm, (utime + stime) / CLOCK_TICKS, (cutime + cstime) / CLOCK_TICKS


def _processes() -> dict[int, tuple[int, str, float, float]]:
    table = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (stat := _stat(int(entry))) is not None:
            table[int(entry)] = stat
    return table


def tree_cpu_seconds(root: int) -> float:
    """CPU seconds used so far by `root`, its live descendants and the descendants they reaped."""
    table = _processes()
    if root not in table:
        return 0.0
    children: dict[int, list[int]] = {}
    for pid, (ppid, *_rest) in table.items():
        children.setdefault(ppid, []).append(pid)
    total, stack = 0.0, [root]
    while stack:
        pid = stack.pop()
        _ppid, _comm, own, reaped = table[pid]
        total += own + reaped
        stack.extend(children.get(pid, []))
    return total


def backend_cpu(database: str) -> dict[int, float]:
    """CPU seconds so far of each live PostgreSQL backend connected to `database` (its process title
    names it), so other databases' work on the same server (tests, other benches) does not count; and
    under -1 what the server's main process has reaped from backends that ended (any database)."""
    found: dict[int, float] = {}
    table = _processes()
    for pid, (ppid, comm, own, reaped) in table.items():
        if comm not in ("postgres", "postmaster"):
            continue
        if ppid not in table or table[ppid][1] != comm:  # the postmaster
            found[-1] = reaped
            continue
        try:
            title = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
        if f" {database} " in title:
            found[pid] = own
    return found


@dataclass
class CpuMeter:
    """CPU seconds of the app's process tree (`app_pid`) and of the database's backends between
    `start()` and `stop()`: each live backend's own growth, plus what backends that ended in between
    used (the postmaster's reaped time, which on a shared server also holds other databases' ended
    backends: on an otherwise idle server, none)."""

    app_pid: int
    database: str
    began_app: float = 0.0
    began_backends: dict[int, float] | None = None

    def start(self) -> None:
        self.began_app = tree_cpu_seconds(self.app_pid)
        self.began_backends = backend_cpu(self.database)

    def stop(self) -> dict[str, float]:
        app = tree_cpu_seconds(self.app_pid) - self.began_app
        before, after = self.began_backends or {}, backend_cpu(self.database)
        database = sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())
        return {"app": max(0.0, app), "postgres": max(0.0, database)}


# --------------------------------------------------------------------------------------------
# The placement transaction for pgbench and as one statement

# How each parameter of the service's statements becomes a pgbench expression: the part is picked per
# transaction (`:pid`); what statement 1 returns is stored with the prefix b_ (buyer location, new
# order id, part), what statement 2 returns with s_ (source warehouse and its stock row; the last row
# \aset keeps is the one with the most free, as the service chooses); strings the service formats in
# Python (the number, the payment key, the payloads) are formatted by the server; timestamps are now().
# Any other parameter keeps the value the service sent, as a literal.
_PGBENCH_PARAMETERS = {
    "codes_1": "(SELECT sku FROM part WHERE id = :pid)",
    "part_ids_1": ":b_id_1",
    "g0r0_id": ":b_nextval_1",
    "g1r0_order_id": ":b_nextval_1",
    "g2r0_order_id": ":b_nextval_1",
    "g3r0_order_id": ":b_nextval_1",
    "g0r0_number": "('SO-' || lpad(:b_nextval_1::text, 6, '0'))",
    "g3r0_idempotency_key": "('PAY-SO-' || lpad(:b_nextval_1::text, 6, '0'))",
    "g0r0_idempotency_key": "('pgb-' || :client_id || '-' || txid_current())",
    "g0r0_seller_organisation_id": ":s_organisation_id",
    "g0r0_source_location_id": ":s_id",
    "g0r0_currency": ":b_currency",
    "g1r0_currency": ":b_currency",
    "g3r0_currency": ":b_currency",
    "g0r0_total": ":b_list_price",
    "g1r0_unit_price": ":b_list_price",
    "g1r0_line_total": ":b_list_price",
    "g3r0_amount": ":b_list_price",
    "g1r0_part_id": ":b_id_1",
    "g1r0_stock_level_id": ":s_id_1",
    "row_id": ":s_id_1",
    "g1r0_item_code": ":b_sku",
    "g1r0_item_name": ":b_name_1",
    "g0r0_hold_expires_at": "(now() + interval '15 minutes')",
    "g4r0_payload": "json_build_object('location_ids', json_build_array(:s_id::int))",
    "g4r1_payload": "json_build_object('order_id', :b_nextval_1::int, 'number', 'SO-' || lpad(:b_nextval_1::text, 6, '0'))",
}


def _literal(value) -> str:
    value = getattr(value, "value", value)  # enums
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)) or type(value).__name__ == "Decimal":
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def service_pgbench_script(captured: list[tuple[str, dict]]) -> str:
    """The pgbench script of the statements the service sent for one one-line order (`captured`:
    each statement and its parameters, from the engine), with `{part_choice}` for the part."""
    if len(captured) != 3 or not captured[0][0].lstrip().startswith("WITH buyer_location"):
        raise RuntimeError(
            "place_order no longer sends the three statements this script is made of: update "
            "bench/placement_limit.py's _PGBENCH_PARAMETERS"
        )
    endings = [" \\gset b_", " ORDER BY 7 \\aset s_", ";"]
    lines = ["\\set pid {part_choice}", "BEGIN;"]
    for (statement, parameters), ending in zip(captured, endings, strict=True):

        def substitute(match: re.Match, parameters=parameters) -> str:
            name = match.group(1)
            if name in _PGBENCH_PARAMETERS:
                return _PGBENCH_PARAMETERS[name]
            if name.endswith(("_created_at", "_updated_at", "_at")):
                return "now()"
            return _literal(parameters[name])

        lines.append(re.sub(r"%\((\w+)\)s", substitute, " ".join(statement.split())) + ending)
    lines.append("END;")
    return "\n".join(lines) + "\n"


# The same transaction as one statement: one round trip, the reservation conditional (no stock, no
# order). Parameters: part id, store, buyer organisation, buyer user, idempotency key, fingerprint.
ONE_STATEMENT = """
WITH p AS (SELECT id, name, sku, list_price, currency FROM part WHERE id = ({pid})::bigint),
buyer AS (SELECT l.id FROM location l WHERE l.id = ({store})::bigint AND l.organisation_id = ({org})::bigint),
src AS (
  SELECT l.id AS location_id, l.organisation_id AS seller_id, s.id AS stock_id
  FROM p JOIN stock_level s ON s.part_id = p.id JOIN location l ON l.id = s.location_id
  JOIN organisation o ON o.id = l.organisation_id
  WHERE l.kind = 'warehouse' AND o.kind = 'oem'
  ORDER BY s.on_hand - s.reserved DESC, l.id LIMIT 1
),
res AS (
  UPDATE stock_level s SET reserved = s.reserved + 1 FROM src, buyer
  WHERE s.id = src.stock_id AND s.on_hand - s.reserved >= 1 RETURNING s.id
),
ids AS (SELECT nextval(pg_get_serial_sequence('sales_order', 'id')) AS id FROM res),
o AS (
  INSERT INTO sales_order (id, number, kind, buyer_organisation_id, buyer_user_id, buyer_location_id,
    seller_organisation_id, source_location_id, status, currency, total, idempotency_key,
    request_fingerprint, hold_expires_at, created_at, updated_at)
  SELECT ids.id, 'SO-' || lpad(ids.id::text, 6, '0'), 'dealer_purchase', ({org})::bigint, ({user})::bigint, ({store})::bigint,
    src.seller_id, src.location_id, 'pending_payment', p.currency, p.list_price, ({key})::text, ({fingerprint})::text,
    now() + interval '15 minutes', now(), now()
  FROM ids, p, src RETURNING id, number, total, currency
),
line AS (
  INSERT INTO sales_order_line (order_id, line_no, part_id, stock_level_id, item_code, item_name, quantity,
    unit_price, currency, line_total)
  SELECT o.id, 1, p.id, src.stock_id, p.sku, p.name, 1, p.list_price, p.currency, p.list_price FROM o, p, src
),
tr AS (
  INSERT INTO order_transition (order_id, from_status, to_status, at, cause, detail, actor_user_id)
  SELECT o.id, NULL, 'pending_payment', now(), 'order.event.placed', '', ({user})::bigint FROM o
),
pay AS (
  INSERT INTO payment (order_id, idempotency_key, amount, currency, status, created_at, updated_at)
  SELECT o.id, 'PAY-' || o.number, o.total, o.currency, 'pending', now(), now() FROM o
),
box AS (
  INSERT INTO outbox_message (topic, payload, created_at)
  SELECT 'order.placed', json_build_object('order_id', o.id, 'number', o.number), now() FROM o
  UNION ALL
  SELECT 'stock.changed', json_build_object('location_ids', json_build_array(src.location_id)), now()
  FROM o, src
)
SELECT id FROM o
"""

PGBENCH_ONE_STATEMENT_FORM = (
    "\\set pid {part_choice}\n"
    + " ".join(
        ONE_STATEMENT.format(
            pid=":pid",
            store=":store",
            org=":org",
            user=":user",
            key="'pgb1-' || txid_current()",
            fingerprint="md5(txid_current()::text) || md5(:pid::text)",
        ).split()
    )
    + ";\n"
)


def part_choice(part_ids: list[int]) -> str:
    """pgbench's expression for one of `part_ids` (contiguous here: the bench's parts are the first
    ids of the catalogue); a single id for the hot SKU."""
    if len(part_ids) == 1:
        return str(part_ids[0])
    low, high = min(part_ids), max(part_ids)
    if high - low + 1 != len(part_ids):
        raise ValueError("the bench's spread parts are not contiguous ids: pgbench cannot pick them")
    return f"random({low}, {high})"


@dataclass
class LimitResult:
    form: str  # "service statements" or "one statement"
    skus: str
    clients: int
    per_second: float
    latency_ms: float  # pgbench's average
    failed: int


def pgbench(
    dsn: str,
    form: str,
    part_ids: list[int],
    skus: str,
    clients: int,
    seconds: float,
    fixed: dict[str, int],
    service_script: str = "",
) -> LimitResult:
    """Run pgbench for `seconds` with `clients` connections (two threads: the cores) and prepared
    statements; returns its tps without the connection time."""
    binary = shutil.which("pgbench") or "/usr/lib/postgresql/15/bin/pgbench"
    template = service_script if form == "service statements" else PGBENCH_ONE_STATEMENT_FORM
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as script:
        script.write(template.replace("{part_choice}", part_choice(part_ids)))
    try:
        defines = [arg for name, value in fixed.items() for arg in ("-D", f"{name}={value}")]
        completed = subprocess.run(
            [
                binary,
                "-n",  # no vacuum of pgbench's own tables
                "-M",
                "prepared",
                "-c",
                str(clients),
                "-j",
                str(min(clients, 2)),
                "-T",
                str(max(1, round(seconds))),
                *defines,
                "-f",
                script.name,
                dsn,
            ],
            capture_output=True,
            text=True,
            timeout=seconds + 120,
        )
    finally:
        os.unlink(script.name)
    out = completed.stdout + completed.stderr
    tps = re.search(r"tps = ([0-9.]+) \(without initial connection time\)", out)
    latency = re.search(r"latency average = ([0-9.]+) ms", out)
    failed = re.search(r"number of failed transactions: (\d+)", out)
    if completed.returncode != 0 or tps is None:
        raise RuntimeError(f"pgbench failed ({completed.returncode}):\n{out[-2000:]}")
    return LimitResult(
        form=form,
        skus=skus,
        clients=clients,
        per_second=float(tps.group(1)),
        latency_ms=float(latency.group(1)) if latency else float("nan"),
        failed=int(failed.group(1)) if failed else 0,
    )


class OneStatementPlacement:
    """The best hand-written form in Python: the one statement, prepared, one round trip per order."""

    def __init__(self, dsn: str, fixed: dict[str, int]) -> None:
        import psycopg

        self.conn = psycopg.connect(dsn, autocommit=True, prepare_threshold=0)
        self.sql = ONE_STATEMENT.format(
            pid="%(pid)s",
            store=str(fixed["store"]),
            org=str(fixed["org"]),
            user=str(fixed["user"]),
            key="%(key)s",
            fingerprint="%(fingerprint)s",
        )

    def place(self, part_id: int, key: str) -> bool:
        row = self.conn.execute(
            self.sql, {"pid": part_id, "key": key, "fingerprint": key.encode().hex()[:64]}
        ).fetchone()
        if row is None:
            raise RuntimeError("out of stock in the one-statement baseline")
        return True

    def close(self) -> None:
        self.conn.close()


def service_statements(place) -> list[tuple[str, dict]]:
    """The statements one call of `place()` sends through the application's engine, with their
    parameters: what the pgbench script is made of."""
    from sqlalchemy import event

    from models.db import get_engine

    sent: list[tuple[str, dict]] = []

    def record(_conn, _cursor, statement, parameters, _context, _executemany) -> None:
        sent.append((statement, dict(parameters or {})))

    engine = get_engine()
    event.listen(engine, "before_cursor_execute", record)
    try:
        place()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return sent


# --------------------------------------------------------------------------------------------
# wrk

WRK_SCRIPT = """
-- One-line orders with a unique Idempotency-Key per request (thread number, counter, run).
local threads, counter, number = 0, 0, 0
local skus = {SKUS}
function setup(thread)
  thread:set("number", threads)
  threads = threads + 1
end
function request()
  counter = counter + 1
  local sku = skus[math.random(#skus)]
  local body = '{"lines":[{"item_kind":"part","sku":"' .. sku .. '","quantity":1}],"buyer_location_id":@@STORE@@}'
  return wrk.format("POST", "/api/v1/orders", {
    ["Authorization"] = "Bearer @@TOKEN@@",
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = "@@RUN@@-" .. number .. "-" .. counter,
  }, body)
end
function done(summary, latency, requests)
  io.write(string.format(
    "WRK_JSON {\\"requests\\": %d, \\"seconds\\": %f, \\"non2xx\\": %d, \\"socket_errors\\": %d, "
    .. "\\"p50_ms\\": %f, \\"p95_ms\\": %f, \\"p99_ms\\": %f}\\n",
    summary.requests, summary.duration / 1e6, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"""


def wrk_available() -> str | None:
    return shutil.which("wrk")


@dataclass
class WrkResult:
    skus: str
    clients: int
    orders: int
    errors: int
    per_second: float
    p50_ms: float
    p95_ms: float
    p99_ms: float


def wrk(
    base_url: str, token: str, store_id: int, skus_list: list[str], skus: str, clients: int, seconds: float
) -> WrkResult:
    """Closed loop: `clients` connections on two threads (one for one client), each sending its next
    order when the answer arrives, for `seconds`."""
    binary = wrk_available()
    if binary is None:
        raise RuntimeError("wrk is not installed: run `make bench-tools` (Debian's wrk)")
    lua = (
        WRK_SCRIPT.replace("@@RUN@@", f"wrk{time.time_ns()}")
        .replace("@@STORE@@", str(store_id))
        .replace("{SKUS}", "{" + ",".join(json.dumps(sku) for sku in skus_list) + "}")
        .replace("@@TOKEN@@", token)
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua)
    try:
        completed = subprocess.run(
            [
                binary,
                "-t",
                str(min(clients, 2)),
                "-c",
                str(clients),
                "-d",
                f"{max(1, round(seconds))}s",
                "--timeout",
                "10s",
                "-s",
                script.name,
                base_url,
            ],
            capture_output=True,
            text=True,
            timeout=seconds + 60,
        )
    finally:
        os.unlink(script.name)
    found = re.search(r"WRK_JSON (\{.*\})", completed.stdout)
    if completed.returncode != 0 or found is None:
        raise RuntimeError(f"wrk failed ({completed.returncode}):\n{completed.stdout}\n{completed.stderr}")
    data = json.loads(found.group(1))
    errors = data["non2xx"] + data["socket_errors"]
    orders = data["requests"] - data["non2xx"]
    return WrkResult(
        skus=skus,
        clients=clients,
        orders=orders,
        errors=errors,
        per_second=orders / data["seconds"],
        p50_ms=data["p50_ms"],
        p95_ms=data["p95_ms"],
        p99_ms=data["p99_ms"],
    )


# --------------------------------------------------------------------------------------------
# py-spy


def py_spy_available() -> str | None:
    candidate = Path(sys.executable).with_name("py-spy")
    return str(candidate) if candidate.exists() else shutil.which("py-spy")


class Profile:
    """`py-spy record` of a process tree for `seconds`, in the background; `top()` reads it."""

    def __init__(self, pid: int, seconds: float, out: Path) -> None:
        self.out = out
        binary = py_spy_available()
        if binary is None:
            raise RuntimeError("py-spy is not installed (pinned in pyproject's bench extra)")
        self.process = subprocess.Popen(
            [
                binary,
                "record",
                "--pid",
                str(pid),
                "--subprocesses",
                "--format",
                "raw",
                "--rate",
                "200",
                "--duration",
                str(max(1, round(seconds))),
                "--nonblocking",
                "--output",
                str(out),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.log = ""
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        self.log = self.process.stdout.read() if self.process.stdout else ""

    def wait(self) -> None:
        self.process.wait(timeout=120)
        self._reader.join(timeout=5)

    def top(self, count: int = 10) -> list[dict]:
        return top_costs(self.out.read_text() if self.out.exists() else "", count)


_NOISE = ("<module>", "_bootstrap", "run_forever", "_run_once", "select (selectors.py", "poll (selectors")


def top_costs(collapsed: str, count: int = 10) -> list[dict]:
    """The `count` functions with the most samples in which they were running or being waited for
    inside (inclusive), from collapsed stacks ("frame;frame;frame samples"), each counted once per
    stack; the process and thread frames and the event loop's own frames are left out, and so are
    idle samples (py-spy --nonblocking keeps only stacks that were on the CPU or in a system call)."""
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for line in collapsed.splitlines():
        stack, _, samples = line.rpartition(" ")
        if not stack or not samples.isdigit():
            continue
        n = int(samples)
        total += n
        frames = [frame for frame in stack.split(";") if not frame.startswith(("process ", "thread "))]
        for frame in set(frames):
            if not any(noise in frame for noise in _NOISE):
                inclusive[_short(frame)] += n
        if frames:
            own[_short(frames[-1])] += n
    return [
        {
            "function": name,
            "share": samples / total if total else 0.0,
            "own": own[name] / total if total else 0,
        }
        for name, samples in inclusive.most_common(count)
    ]


def _short(frame: str) -> str:
    """'f (services/ordering/placement.py:120)' -> 'f (services/ordering/placement.py)'."""
    frame = re.sub(r":\d+\)$", ")", frame)
    return re.sub(r"\(/.*?/site-packages/", "(", frame)
