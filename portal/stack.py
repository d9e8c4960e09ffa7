"""`make run`: migrate, seed once, then run the Celery worker, beat and the Reflex app together.

Ctrl-C (or SIGTERM) stops every process this started, each with its whole process group.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from models.connection_budget import ConnectionBudgetExceeded, verify_connection_budget
from models.migrate import upgrade
from models.settings import PROJECT_ROOT, Settings, get_settings

DEMO_LOGINS = ("admin", "manager", "supplier", "dealer", "customer")
DEMO_PASSWORD = "demo-pass-2026"
STOP_GRACE_SECONDS = 10


def _start(name: str, args: list[str], log_dir: Path, env: dict[str, str] | None = None
           ) -> subprocess.Popen:
    log = open(log_dir / f"{name}.log", "ab")  # noqa: SIM115 (lives as long as the process)
    print(f"  starting {name}: {' '.join(args)}  (log: {log.name})", flush=True)
    return subprocess.Popen(args, cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True, env={**os.environ, **(env or {})})


def check_connection_budget_or_explain(settings: Settings) -> bool:
    """Before anything starts: do app, worker and beat fit in the server's connections? Prints the
    budget, or the refusal with its numbers and what to change (models/connection_budget.py)."""
    try:
        budget = verify_connection_budget(settings)
    except ConnectionBudgetExceeded as exc:
        print(str(exc), flush=True)
        return False
    if budget is not None:
        print(f"Connections: at most {budget.needed} of {budget.available} (app {budget.app}, "
              f"worker {budget.worker}, beat {budget.beat})", flush=True)
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


def _wait_for_health(url: str, processes: dict[str, subprocess.Popen], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for name, process in processes.items():
            if process.poll() is not None:
                print(f"  {name} exited with code {process.returncode}; see var/logs/{name}.log")
                return False
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(1)
    return False


def main() -> int:
    settings = get_settings()
    log_dir = settings.var_dir / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    where = settings.database_url.split("@")[-1]
    print(f"Database: {where}\nBroker:   {settings.broker_url.split('@')[-1]}", flush=True)
    if not check_connection_budget_or_explain(settings):
        return 2
    upgrade()
    subprocess.run([sys.executable, "-m", "services.seed", "--scale", "demo"], cwd=PROJECT_ROOT,
                   check=True)
    celery = [sys.executable, "-m", "celery", "-A", "workers.celery_app"]
    reflex = [str(Path(sys.executable).with_name("reflex")), "run", "--env", "prod", "--single-port",
              "--loglevel", "warning"]
    processes: dict[str, subprocess.Popen] = {}
    stopping = False

    def request_stop(signum, _frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    try:
        processes["worker"] = _start("worker", [*celery, "worker", "--concurrency",
                                                str(settings.worker_concurrency), "--loglevel", "INFO"],
                                     log_dir)
        processes["beat"] = _start("beat", [*celery, "beat", "--loglevel", "INFO"], log_dir)
        # Exactly the web processes the budget counted (Reflex would start 2 x CPUs + 1).
        processes["app"] = _start("app", reflex, log_dir,
                                  env={"GRANIAN_WORKERS": str(settings.app_processes)})
        base = f"http://localhost:{settings.app_port}"
        print("  building and starting the app (the first build takes a minute or two) ...", flush=True)
        if not _wait_for_health(f"{base}/api/v1/health", processes, timeout=600):
            print("The app did not become healthy; stopping.", flush=True)
            return 1
        print(f"\nThe portal is running at {base}\n")
        if settings.is_demo:
            print(f"Demo logins (password {DEMO_PASSWORD}):")
            for role in DEMO_LOGINS:
                print(f"  {role:<9} {role}@demo.test")
        print("\nCtrl-C stops everything.", flush=True)
        while not stopping:
            for name, process in processes.items():
                if process.poll() is not None:
                    print(f"{name} exited with code {process.returncode}; stopping the rest "
                          f"(see var/logs/{name}.log)", flush=True)
                    return 1
            time.sleep(0.5)
        return 0
    finally:
        print("\nStopping ...", flush=True)
        _stop(processes)
        print("Stopped.", flush=True)


if __name__ == "__main__":
    sys.exit(main())
