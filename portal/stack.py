"""`make run`: migrate, seed once, then run the Celery worker, beat and the Reflex app together.

A process that exits is started again (`Supervisor`), after 1 s, then 2 s, 4 s ... at most 30 s
while it keeps dying; each restart is logged. The wait starts over at 1 s once a process has run
for `STABLE_SECONDS`. Everything stops on Ctrl-C (or SIGTERM), or when one process died
`GIVE_UP_AFTER` times in a row, each time within `STABLE_SECONDS` of its start (it cannot run:
a wrong setting, a port in use); every process is stopped with its whole process group.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from models.connection_budget import ConnectionBudgetExceeded, verify_connection_budget
from models.migrate import upgrade
from models.settings import PROJECT_ROOT, Settings, get_settings

DEMO_LOGINS = ("admin", "manager", "supplier", "dealer", "customer")
DEMO_PASSWORD = "demo-pass-2026"
STOP_GRACE_SECONDS = 10
RESTART_FIRST_SECONDS = 1.0
RESTART_MAX_SECONDS = 30.0
STABLE_SECONDS = 10.0  # a process that ran this long before dying was not crash-looping
GIVE_UP_AFTER = 5  # deaths in a row, each within STABLE_SECONDS of its start


def restart_delay(
    deaths_in_a_row: int, first: float = RESTART_FIRST_SECONDS, most: float = RESTART_MAX_SECONDS
) -> float:
    """How long to wait before the restart that follows the `deaths_in_a_row`-th death in a row:
    1 s, 2 s, 4 s ... capped at 30 s."""
    return min(first * 2 ** (deaths_in_a_row - 1), most)


def _start(
    name: str, args: list[str], log_dir: Path, env: Mapping[str, str] | None = None
) -> subprocess.Popen:
    log = open(log_dir / f"{name}.log", "ab")  # noqa: SIM115 (lives as long as the process)
    print(f"  starting {name}: {' '.join(args)}  (log: {log.name})", flush=True)
    try:
        return subprocess.Popen(
            args,
            cwd=PROJECT_ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env=None if env is None else dict(env),
        )
    finally:
        log.close()  # the child has its own copy


@dataclass
class _Supervised:
    name: str
    args: list[str]
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    pgid: int = 0  # its process group (start_new_session: the first process's pid)
    deaths_in_a_row: int = 0  # each within STABLE_SECONDS of its start
    restarts: int = 0
    restart_at: float | None = None


@dataclass
class Supervisor:
    """Keeps `programs` ({name: command}) running, each in its own process group, logging to
    `log_dir/<name>.log`; see the module docstring for the restart rule.

    Call `start()`, then `check()` every fraction of a second (it never blocks: a process waiting
    for its restart does not hold up the others); `check()` returns False once a process kept
    dying and the supervisor gave up. `stop()` ends every process.
    """

    programs: Mapping[str, list[str]]
    log_dir: Path
    env: Mapping[str, str] | None = None
    first_delay: float = RESTART_FIRST_SECONDS
    max_delay: float = RESTART_MAX_SECONDS
    stable_seconds: float = STABLE_SECONDS
    give_up_after: int = GIVE_UP_AFTER
    clock: Callable[[], float] = time.monotonic
    say: Callable[[str], None] = field(default=lambda line: print(line, flush=True))
    gave_up: str | None = None  # the process that kept dying
    _supervised: dict[str, _Supervised] = field(default_factory=dict)

    def start(self) -> None:
        for name, args in self.programs.items():
            self._supervised[name] = supervised = _Supervised(name, list(args))
            self._launch(supervised)

    def processes(self) -> dict[str, subprocess.Popen]:
        """The current process of each program (one waiting for its restart has none)."""
        return {name: s.process for name, s in self._supervised.items() if s.process is not None}

    def check(self) -> bool:
        """Notice deaths and make the restarts that are due. False once the supervisor gave up."""
        if self.gave_up is not None:
            return False
        now = self.clock()
        for supervised in self._supervised.values():
            process = supervised.process
            if process is not None and process.poll() is not None:
                self._died(supervised, process.returncode, now)
                if self.gave_up is not None:
                    return False
            if (
                supervised.process is None
                and supervised.restart_at is not None
                and now >= supervised.restart_at
            ):
                supervised.restarts += 1
                self.say(f"restarting {supervised.name} (restart {supervised.restarts})")
                self._launch(supervised)
        return True

    def run_until(self, stopped: Callable[[], bool], poll_seconds: float = 0.5) -> bool:
        """`check()` every `poll_seconds` until `stopped()` (True) or the supervisor gave up (False)."""
        while not stopped():
            if not self.check():
                return False
            time.sleep(poll_seconds)
        return True

    def stop(self) -> None:
        for supervised in self._supervised.values():
            supervised.restart_at = None
        _stop(self.processes())

    def _launch(self, supervised: _Supervised) -> None:
        supervised.process = _start(supervised.name, supervised.args, self.log_dir, self.env)
        supervised.pgid = supervised.process.pid
        supervised.started_at = self.clock()
        supervised.restart_at = None

    def _died(self, supervised: _Supervised, code: int, now: float) -> None:
        lived = now - supervised.started_at
        supervised.process = None
        # What the dead process left behind in its group (a killed worker's pool children, the
        # app's frontend server holding the port) goes too, before the restart.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(supervised.pgid, signal.SIGKILL)
        if lived >= self.stable_seconds:
            supervised.deaths_in_a_row = 0
        supervised.deaths_in_a_row += 1
        if lived < self.stable_seconds and supervised.deaths_in_a_row >= self.give_up_after:
            self.gave_up = supervised.name
            self.say(
                f"{supervised.name} exited with code {code} after {lived:.1f}s, the "
                f"{supervised.deaths_in_a_row}th time in a row within {self.stable_seconds:.0f}s "
                f"of its start; giving up (see {self.log_dir / supervised.name}.log)"
            )
            return
        delay = restart_delay(supervised.deaths_in_a_row, self.first_delay, self.max_delay)
        supervised.restart_at = now + delay
        self.say(
            f"{supervised.name} exited with code {code} after {lived:.1f}s; restarting it in "
            f"{delay:g}s (see {self.log_dir / supervised.name}.log)"
        )


def check_connection_budget_or_explain(settings: Settings) -> bool:
    """Before anything starts: do app, worker and beat fit in the server's connections? Prints the
    budget, or the refusal with its numbers and what to change (models/connection_budget.py)."""
    try:
        budget = verify_connection_budget(settings)
    except ConnectionBudgetExceeded as exc:
        print(str(exc), flush=True)
        return False
    if budget is not None:
        print(
            f"Connections: at most {budget.needed} of {budget.available} (app {budget.app}, "
            f"worker {budget.worker}, beat {budget.beat})",
            flush=True,
        )
    return True


def _stop(processes: dict[str, subprocess.Popen]) -> None:
    for process in processes.values():
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for name, process in processes.items():
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            print(f"  {name} did not stop in {STOP_GRACE_SECONDS}s: killing it", flush=True)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # whatever is left of its group


def _wait_for_health(url: str, supervisor: Supervisor, stopped: Callable[[], bool], timeout: float) -> bool:
    """Poll `url` until it answers 200 (True); False on a timeout, a stop or a supervisor that
    gave up. Crashed processes are restarted meanwhile."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not stopped():
        if not supervisor.check():
            return False
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(1)
    return False


def commands_for(settings: Settings) -> dict[str, list[str]]:
    """The processes `make run` supervises: worker, beat and the app; in demo mode also the local
    peers the demo talks to (the DHL-shaped carrier server, the SMTP server catching its e-mails)."""
    celery = [sys.executable, "-m", "celery", "-A", "workers.celery_app"]
    reflex = [
        str(Path(sys.executable).with_name("reflex")),
        "run",
        "--env",
        "prod",
        "--single-port",
        "--loglevel",
        "warning",
    ]
    commands = {
        "worker": [
            *celery,
            "worker",
            "--concurrency",
            str(settings.worker_concurrency),
            "--loglevel",
            "INFO",
        ],
        "beat": [*celery, "beat", "--loglevel", "INFO"],
        "app": reflex,
    }
    if settings.is_demo and any(not carrier.base_url for carrier in settings.carriers.values()):
        # The local DHL-shaped carrier server, so the demo's shipments really move.
        commands["carriers"] = [
            sys.executable,
            "-m",
            "services.logistics.carrier_server",
            "--port",
            str(settings.carrier_server_port),
            "--pace",
            str(settings.carrier_server_pace_seconds),
        ]
    if settings.is_demo and settings.smtp_host in ("127.0.0.1", "localhost"):
        # The local SMTP server: it catches the demo's e-mails and keeps each as an .eml under var/mail.
        commands["mail"] = [
            sys.executable,
            "-m",
            "services.platform.mail_server",
            "--port",
            str(settings.smtp_port),
            "--dir",
            str(settings.mail_dir),
        ]
    return commands


def main() -> int:
    settings = get_settings()
    log_dir = settings.var_dir / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    where = settings.database_url.split("@")[-1]
    print(f"Database: {where}\nBroker:   {settings.broker_url.split('@')[-1]}", flush=True)
    if not check_connection_budget_or_explain(settings):
        return 2
    upgrade()
    subprocess.run([sys.executable, "-m", "services.seed", "--scale", "demo"], cwd=PROJECT_ROOT, check=True)
    commands = commands_for(settings)
    # The app starts exactly the web processes the connection budget counted: rxconfig.py sets
    # GRANIAN_WORKERS from the same Settings (Reflex would start 2 x CPUs + 1).
    supervisor = Supervisor(commands, log_dir)
    stopping = False

    def request_stop(signum, _frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    try:
        supervisor.start()
        base = f"http://localhost:{settings.app_port}"
        print("  building and starting the app (the first build takes a minute or two) ...", flush=True)
        if not _wait_for_health(f"{base}/api/v1/health", supervisor, lambda: stopping, timeout=600):
            if stopping:
                return 0
            print("The app did not become healthy; stopping.", flush=True)
            return 1
        print(f"\nThe portal is running at {base}\n")
        if settings.is_demo:
            print(f"Demo logins (password {DEMO_PASSWORD}):")
            for role in DEMO_LOGINS:
                print(f"  {role:<9} {role}@demo.test")
        print("\nCtrl-C stops everything.", flush=True)
        return 0 if supervisor.run_until(lambda: stopping) else 1
    finally:
        print("\nStopping ...", flush=True)
        supervisor.stop()
        print("Stopped.", flush=True)


if __name__ == "__main__":
    sys.exit(main())
