"""`make run`'s supervisor (portal/stack.py) on small stand-in processes: a crashed process is
restarted with backoff, the others keep running, and it gives up only on a crash loop."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from portal.stack import Supervisor, restart_delay

EXITS_AT_ONCE = [sys.executable, "-c", "raise SystemExit(3)"]
RUNS_FOR_A_MINUTE = [sys.executable, "-c", "import time; time.sleep(60)"]
RUNS_HALF_A_SECOND = [sys.executable, "-c", "import time; time.sleep(0.5); raise SystemExit(1)"]


def test_restart_delays_double_from_one_second_up_to_thirty():
    assert [restart_delay(n) for n in range(1, 9)] == [1, 2, 4, 8, 16, 30, 30, 30]


def test_a_crashing_process_is_restarted_with_backoff_while_the_others_keep_running(tmp_path: Path):
    said: list[str] = []
    supervisor = Supervisor(
        {"app": RUNS_FOR_A_MINUTE, "worker": EXITS_AT_ONCE},
        tmp_path,
        first_delay=0.05,
        max_delay=0.2,
        say=said.append,
    )
    supervisor.start()
    app = supervisor.processes()["app"]
    try:
        assert supervisor.run_until(lambda: False, poll_seconds=0.02) is False  # gave up
        assert supervisor.gave_up == "worker"
        assert app.poll() is None and supervisor.processes()["app"] is app  # never touched
    finally:
        supervisor.stop()
    assert app.poll() is not None

    waits = [line.split("restarting it in ")[1].split("s ")[0] for line in said if "restarting it in" in line]
    assert waits == ["0.05", "0.1", "0.2", "0.2"]  # doubling, capped
    assert [line for line in said if line.startswith("restarting worker")] == [
        f"restarting worker (restart {n})" for n in range(1, 5)
    ]
    assert "the 5th time in a row within 10s of its start; giving up" in said[-1]


def test_a_process_that_ran_a_while_before_dying_is_always_restarted(tmp_path: Path):
    said: list[str] = []
    supervisor = Supervisor(
        {"beat": RUNS_HALF_A_SECOND},
        tmp_path,
        first_delay=0.05,
        stable_seconds=0.3,
        give_up_after=2,
        say=said.append,
    )
    supervisor.start()
    # Until the third restart (a loaded machine starts Python slowly: wait for the event, not a time).
    deadline = time.monotonic() + 60

    def restarts() -> list[str]:
        return [line for line in said if line.startswith("restarting beat")]

    try:
        done = supervisor.run_until(
            lambda: len(restarts()) >= 3 or time.monotonic() > deadline, poll_seconds=0.02
        )
        assert done is True
    finally:
        supervisor.stop()
    assert len(restarts()) >= 3 and supervisor.gave_up is None
    # Each death came after a stable run, so each wait starts over at the first delay.
    assert all("restarting it in 0.05s" in line for line in said if "exited with code 1" in line)
