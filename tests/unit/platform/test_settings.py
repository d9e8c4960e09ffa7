"""Settings: the embedded defaults, the services mode, and refusing a placeholder secret."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from models.settings import DEMO_SECRET, Settings, get_settings
from tests.conftest import configure


def test_embedded_defaults_put_the_database_and_broker_in_sqlite_files_under_var_dir(tmp_path):
    settings = get_settings()
    var_dir = tmp_path / "var"
    assert settings.mode == "demo"
    assert settings.var_dir == var_dir
    assert var_dir.is_dir()
    assert settings.database_url == f"sqlite:///{var_dir / 'portal.db'}"
    assert settings.broker_url == f"sqla+sqlite:///{var_dir / 'broker.db'}"
    assert settings.result_backend.startswith("db+sqlite:///")
    assert str(var_dir) in settings.result_backend
    assert settings.uses_sqlite and not settings.uses_redis


def test_redis_url_makes_redis_the_broker_and_the_result_backend(monkeypatch):
    configure(monkeypatch, redis_url="redis://cache.internal:6379/2")
    settings = get_settings()
    assert settings.uses_redis
    assert settings.broker_url == "redis://cache.internal:6379/2"
    assert settings.result_backend == "redis://cache.internal:6379/2"


def test_explicit_broker_url_wins_over_redis_url(monkeypatch):
    configure(monkeypatch, redis_url="redis://cache:6379/0", broker_url="amqp://guest@rabbit//")
    settings = get_settings()
    assert settings.broker_url == "amqp://guest@rabbit//"
    assert settings.result_backend == "redis://cache:6379/0"


def test_explicit_database_url_wins_over_the_sqlite_default(monkeypatch):
    url = "postgresql+psycopg://portal@db.internal:5432/portal"
    configure(monkeypatch, database_url=url)
    settings = get_settings()
    assert settings.database_url == url
    assert not settings.uses_sqlite


def test_production_with_the_default_secret_refuses_to_start(monkeypatch):
    configure(monkeypatch, mode="production")
    with pytest.raises(ValidationError) as caught:
        get_settings()
    assert "SECRET_KEY must be set to a real secret" in str(caught.value)


@pytest.mark.parametrize("secret", ["", "   "])
def test_production_with_an_empty_secret_refuses_to_start(monkeypatch, secret):
    configure(monkeypatch, mode="production", secret_key=secret)
    with pytest.raises(ValidationError, match="SECRET_KEY"):
        get_settings()


def test_production_with_a_real_secret_starts(monkeypatch):
    # Every secret production asks for is set (other features add their own beside SECRET_KEY).
    configure(
        monkeypatch,
        mode="production",
        secret_key="9f2c1d7e-a real, long production secret",
        payment_notify_secret="5be0a4c2-the payment gateway's real notify secret",
    )
    settings = get_settings()
    assert settings.mode == "production"
    assert not settings.is_demo
    assert settings.secret_key != DEMO_SECRET


def test_demo_mode_accepts_the_default_secret():
    assert Settings().secret_key == DEMO_SECRET


def test_an_unknown_mode_is_refused(monkeypatch):
    configure(monkeypatch, mode="staging")
    with pytest.raises(ValidationError, match="mode"):
        get_settings()


def test_numbers_are_read_from_the_environment_and_checked(monkeypatch):
    configure(monkeypatch, login_failures_per_address="3", low_stock_threshold="25")
    settings = get_settings()
    assert settings.login_failures_per_address == 3
    assert settings.low_stock_threshold == 25
    configure(monkeypatch, app_port="0")
    with pytest.raises(ValidationError, match="app_port"):
        get_settings()
