"""End-to-end fixtures: a demo-seeded SQLite database, the production build of the portal served by
`reflex run --env prod --single-port` on a free port, a real Celery worker and beat beside it (the
same database and var/, the embedded SQLite broker), and headless Chromium driven by Playwright.

`REFLEX_WEB_WORKDIR` / `REFLEX_STATES_WORKDIR`, when set, pass through to the app, so two builds of
the same tree can run side by side; the default is the project's .web/."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from sqlalchemy.engine import Engine

from models.db import engine_for
from models.migrate import upgrade
from models.settings import PROJECT_ROOT
from tests.ports import free_port

CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEMO_PASSWORD = "demo-pass-2026"
# The production build compiles the frontend on first start; a warm .web/ takes seconds.
STARTUP_TIMEOUT_SECONDS = 240
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
CELERY = [sys.executable, "-m", "celery", "-A", "workers.celery_app"]
# Settings that would point the app at servers the test did not start.
_FOREIGN_ENV = (
    "DATABASE_URL",
    "REDIS_URL",
    "BROKER_URL",
    "RESULT_BACKEND",
    "SECRET_KEY",
    "MODE",
    "APP_PORT",
    "VAR_DIR",
)


@dataclass(frozen=True)
class RunningPortal:
    base_url: str
    database_url: str
    var_dir: Path
    log_path: Path

    @property
    def engine(self) -> Engine:
        return engine_for(self.database_url)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=3) as response:
            return response.status == 200
    except OSError:
        return False


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=15)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # whatever is left of its group (bun, workers)
    process.wait(timeout=15)


def _start_process(args: list[str], env: dict[str, str], log_path: Path) -> subprocess.Popen:
    """Start `args` in its own process group (so `_stop` ends it with its children), logging to
    `log_path`."""
    with open(log_path, "wb") as log:
        return subprocess.Popen(
            args, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )


def _tail(path: Path, lines: int = 80) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""


@pytest.fixture(scope="session")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningPortal]:
    """The portal in embedded mode on a migrated, demo-seeded SQLite file, on a free port."""
    var_dir = tmp_path_factory.mktemp("e2e-var")
    database_url = f"sqlite:///{var_dir / 'portal.db'}"
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key not in _FOREIGN_ENV}
    env.update(
        {
            "VAR_DIR": str(var_dir),
            "DATABASE_URL": database_url,
            "APP_PORT": str(port),
            "MODE": "demo",
            "PATH": f"{PROJECT_ROOT / '.tools' / 'node_modules' / '.bin'}{os.pathsep}{env.get('PATH', '')}",
            "REFLEX_USE_SYSTEM_BUN": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    upgrade(database_url)
    subprocess.run(
        [sys.executable, "-m", "services.seed", "--scale", "demo"],
        cwd=PROJECT_ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )

    log_path = var_dir / "app.log"
    reflex = Path(sys.executable).with_name("reflex")
    # The worker processes placed orders (payment, allocation); beat relays the outbox and
    # refreshes the summary, as under `make run`.
    workers = [
        _start_process(
            [*CELERY, "worker", "--concurrency", "1", "--pool", "solo", "--loglevel", "INFO"],
            env,
            var_dir / "worker.log",
        ),
        _start_process([*CELERY, "beat", "--loglevel", "INFO"], env, var_dir / "beat.log"),
    ]
    process = _start_process(
        [str(reflex), "run", "--env", "prod", "--single-port", "--loglevel", "info"], env, log_path
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        while not (_answers(f"{base_url}/api/v1/health") and _answers(f"{base_url}/")):
            if process.poll() is not None:
                pytest.fail(f"the portal exited with code {process.returncode}:\n{_tail(log_path)}")
            for worker in workers:
                if worker.poll() is not None:
                    pytest.fail(
                        f"a Celery process exited with code {worker.returncode}:\n"
                        f"{_tail(var_dir / 'worker.log')}\n{_tail(var_dir / 'beat.log')}"
                    )
            if time.monotonic() > deadline:
                pytest.fail(
                    f"the portal did not answer within {STARTUP_TIMEOUT_SECONDS}s:\n{_tail(log_path)}"
                )
            time.sleep(1)
        yield RunningPortal(base_url, database_url, var_dir, log_path)
    finally:
        for running in (process, *workers):
            _stop(running)
        engine_for(database_url).dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium is not installed at {CHROMIUM}: run `make browser` "
            "(Debian's chromium package; Playwright never downloads a browser here)"
        )
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context (no stored session) at desktop size."""
    context = browser.new_context(viewport=DESKTOP, locale="en-US")
    context.set_default_timeout(20_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def phone_page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context the size of a 390 px wide phone."""
    context = browser.new_context(viewport=PHONE, locale="en-US", is_mobile=True, has_touch=True)
    context.set_default_timeout(20_000)
    yield context.new_page()
    context.close()


_SCREENSHOT_FOLDERS: list[Path] = []


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """The folder this run's screenshots go to (under var/, kept after the run); the path is
    printed in the terminal summary."""
    folder = PROJECT_ROOT / "var" / f"e2e-screenshots-{datetime.now():%Y%m%d-%H%M%S}"
    folder.mkdir(parents=True, exist_ok=True)
    _SCREENSHOT_FOLDERS.append(folder)
    return folder


def pytest_terminal_summary(terminalreporter) -> None:
    for folder in _SCREENSHOT_FOLDERS:
        terminalreporter.write_line(f"e2e screenshots: {folder} ({len(list(folder.glob('*.png')))} files)")
