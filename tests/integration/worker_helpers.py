"""Real Celery processes for integration tests (a worker, beat), started with the test's own settings.

They are subprocesses (`python -m celery -A workers.celery_app ...`), never eager mode: each reads its
Settings from the environment given here, so it sees the same database, broker and result backend
as the test's in-process code.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from celery import Celery
from celery.app.task import Task

from models.settings import PROJECT_ROOT, Settings

READY_TIMEOUT_SECONDS = 60
STOP_GRACE_SECONDS = 10
CELERY = [sys.executable, "-m", "celery", "-A", "workers.celery_app"]
T = TypeVar("T")


@dataclass
class CeleryProcess:
    """A running Celery process (worker or beat) and the file its log goes to."""

    name: str
    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def log_tail(self, lines: int = 150) -> str:
        return "\n".join(self.log().splitlines()[-lines:])


def celery_env(settings: Settings) -> dict[str, str]:
    """This process's environment with every Settings field set to `settings`' value."""
    env = dict(os.environ)
    for name, value in settings.model_dump(mode="json").items():
        # Lists and mappings (CORS origins, carriers) are read back from the environment as JSON.
        env[name.upper()] = json.dumps(value) if isinstance(value, dict | list) else str(value)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def start_celery(
    name: str,
    arguments: list[str],
    settings: Settings,
    log_path: Path,
    ready_marker: str,
    timeout: float = READY_TIMEOUT_SECONDS,
) -> CeleryProcess:
    """Start `celery -A workers.celery_app <arguments>`; returns once its log shows `ready_marker`.

    Raises RuntimeError (with the log) when it exits or is not ready within `timeout` seconds.
    """
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [*CELERY, *arguments],
            cwd=PROJECT_ROOT,
            env=celery_env(settings),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    started = CeleryProcess(name=name, process=process, log_path=log_path)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"celery {name} exited with {process.returncode}:\n{started.log_tail()}")
        if ready_marker in started.log():
            return started
        time.sleep(0.1)
    stop_celery(started)
    raise RuntimeError(f"celery {name} was not ready within {timeout}s:\n{started.log_tail()}")


def start_worker(
    settings: Settings, log_path: Path, *, concurrency: int = 1, extra: tuple[str, ...] = ()
) -> CeleryProcess:
    """A worker consuming the portal queue, with the production pool (prefork) of `concurrency`
    processes (one by default) and any `extra` worker options."""
    hostname = f"test-{uuid.uuid4().hex[:8]}@%h"
    arguments = [
        "worker",
        "--loglevel=INFO",
        "--pool=prefork",
        f"--concurrency={concurrency}",
        "-n",
        hostname,
        # Nothing to gossip with or synchronise from in a test; skipping them saves a second.
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        *extra,
    ]
    return start_celery("worker", arguments, settings, log_path, ready_marker=" ready.")


def start_beat(settings: Settings, log_path: Path) -> CeleryProcess:
    """Beat sending the portal's schedule (its state file lives under `settings.var_dir`)."""
    return start_celery(
        "beat", ["beat", "--loglevel=INFO"], settings, log_path, ready_marker="beat: Starting..."
    )


def pool_children(started: CeleryProcess) -> list[int]:
    """The pids of the processes whose parent is `started`'s main process (a worker's pool), from /proc."""
    pids: list[int] = []
    # A child is listed under the thread that forked it: look at every thread of the main process.
    for children in Path(f"/proc/{started.process.pid}/task").glob("*/children"):
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):
            pids.extend(int(pid) for pid in children.read_text().split())
    return sorted(pids)


def stop_celery(*processes: CeleryProcess) -> None:
    """Warm shutdown (SIGTERM to each main process, which stops its pool), all at once, then SIGKILL
    whatever is left of their process groups."""
    for started in processes:
        with contextlib.suppress(ProcessLookupError):
            started.process.terminate()
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for started in processes:
        with contextlib.suppress(subprocess.TimeoutExpired):
            started.process.wait(timeout=max(0.1, deadline - time.monotonic()))
        with contextlib.suppress(ProcessLookupError):
            os.killpg(started.process.pid, signal.SIGKILL)
        started.process.wait(timeout=STOP_GRACE_SECONDS)


@contextlib.contextmanager
def running(
    settings: Settings, log_dir: Path, *starts: Callable[[Settings, Path], CeleryProcess]
) -> Iterator[tuple[CeleryProcess, ...]]:
    """Each of `starts` (start_worker, start_beat) with `settings`, logging to `log_dir`, for the
    duration of the block; all stopped afterwards, also when one fails to start."""
    started: list[CeleryProcess] = []
    try:
        for start in starts:
            started.append(start(settings, log_dir / f"{start.__name__.removeprefix('start_')}.log"))
        yield tuple(started)
    finally:
        stop_celery(*started)


def run_task(client: Celery, task: Task, *args, timeout: float = 60, **kwargs):
    """Send `task` through `client`'s broker to the worker and return its result."""
    return client.signature(task.name, args=args, kwargs=kwargs).delay().get(timeout=timeout)


def wait_for(predicate: Callable[[], T], timeout: float = 30, interval: float = 0.2) -> T:
    """Poll `predicate` until it returns something truthy (returned); AssertionError after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"condition not met within {timeout}s (last value: {value!r})")
        time.sleep(interval)
