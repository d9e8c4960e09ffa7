"""The local SMTP server for the demo and the tests (`aiosmtpd`): accepts every message and writes
it, exactly as received, to `<mail dir>/<UTC timestamp>-<id>.eml`, so a person can open it in a
mail client and a test can read what arrived.

    python -m services.platform.mail_server [--host 127.0.0.1] [--port SMTP_PORT] [--dir MAIL_DIR]

The defaults come from Settings (`smtp_port`, `mail_dir`). It prints "mail server listening on
host:port" once it accepts connections. It relays nothing anywhere.
"""

from __future__ import annotations

import argparse
import os
import signal
import threading
import uuid
from datetime import UTC, datetime
from pathlib import Path

from aiosmtpd.controller import Controller

READY = "mail server listening on"


class EmlWriter:
    """aiosmtpd handler: each message's bytes to a new .eml file (written whole, then renamed)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        name = f"{stamp}-{uuid.uuid4().hex[:12]}.eml"
        temporary = self.directory / f".{name}.tmp"
        content = envelope.original_content or envelope.content
        temporary.write_bytes(content if isinstance(content, bytes) else content.encode())
        os.replace(temporary, self.directory / name)
        return "250 Message accepted for delivery"


def serve(host: str, port: int, directory: Path) -> None:
    """Run until SIGTERM or SIGINT."""
    controller = Controller(EmlWriter(directory), hostname=host, port=port)
    controller.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    print(f"{READY} {host}:{port}, writing to {directory}", flush=True)
    try:
        stop.wait()
    finally:
        controller.stop()


def main(argv: list[str] | None = None) -> None:
    from models.settings import get_settings

    settings = get_settings()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=settings.smtp_port)
    parser.add_argument("--dir", type=Path, default=settings.mail_dir)
    args = parser.parse_args(argv)
    serve(args.host, args.port, args.dir)


if __name__ == "__main__":
    main()
