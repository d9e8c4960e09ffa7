"""A message sent through services/platform/mail.py arrives at the real local SMTP server process
(services/platform/mail_server.py), which writes it as an .eml that a mail client can open."""

from __future__ import annotations

import email
import subprocess
import sys
from email import policy

from models.settings import PROJECT_ROOT, get_settings
from portal.stack import commands_for
from services.platform import mail
from tests.conftest import configure
from tests.integration.worker_helpers import wait_for
from tests.ports import free_port


def test_a_message_with_an_attachment_arrives_as_an_eml(tmp_path, monkeypatch):
    port, directory = free_port(), tmp_path / "mail"
    configure(monkeypatch, smtp_port=str(port), mail_dir=str(directory))
    server = subprocess.Popen(
        [sys.executable, "-m", "services.platform.mail_server", "--port", str(port), "--dir", str(directory)],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert "mail server listening on" in server.stdout.readline()
        message = mail.build_message(
            mail.Mail(
                to="anna@example.com",
                subject="Ihre Probefahrt",
                text="Hallo Anna",
                html="<p>Hallo Anna</p>",
                attachments=(
                    mail.Attachment("invite.ics", "text/calendar; method=REQUEST", b"BEGIN:VCALENDAR"),
                ),
            ),
            get_settings(),
        )
        mail.send(message, get_settings())
        (eml,) = wait_for(lambda: list(directory.glob("*.eml")), timeout=10)
        received = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
        assert received["To"] == "anna@example.com" and received["Subject"] == "Ihre Probefahrt"
        assert received.get_body(("plain",)).get_content().strip() == "Hallo Anna"
        assert received.get_body(("html",)).get_content().strip() == "<p>Hallo Anna</p>"
        (invite,) = list(received.iter_attachments())
        assert invite.get_content_type() == "text/calendar" and invite.get_param("method") == "REQUEST"
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_make_run_in_demo_mode_starts_the_mail_server_that_writes_under_var_mail(tmp_path, monkeypatch):
    port = free_port()
    configure(monkeypatch, smtp_port=str(port))
    settings = get_settings()
    assert settings.is_demo and settings.mail_dir == tmp_path / "var" / "mail"
    command = commands_for(settings)["mail"]
    server = subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert f"mail server listening on 127.0.0.1:{port}" in server.stdout.readline()
        mail.send(mail.build_message(mail.Mail(to="demo@example.com", subject="Hi", text="Hello")))
        (eml,) = wait_for(lambda: list(settings.mail_dir.glob("*.eml")), timeout=10)
        assert email.message_from_bytes(eml.read_bytes(), policy=policy.default)["Subject"] == "Hi"
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_outside_demo_mode_or_with_a_real_smtp_server_make_run_starts_no_mail_server():
    demo = get_settings()
    assert "mail" in commands_for(demo)
    assert "mail" not in commands_for(demo.model_copy(update={"smtp_host": "smtp.example.com"}))
    assert "mail" not in commands_for(demo.model_copy(update={"mode": "production"}))
