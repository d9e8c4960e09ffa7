"""Reflex configuration: built from the portal's Settings."""

import os

import reflex as rx

from models.settings import get_settings

settings = get_settings()
# `reflex run --env prod` serves through granian with GRANIAN_WORKERS processes (Reflex's own default,
# 2 x CPUs + 1, ignores the connection budget): APP_PROCESSES is the number the budget counts, and
# embedded mode (Reflex state in memory) serves from exactly one (Settings.web_processes).
os.environ.setdefault("GRANIAN_WORKERS", str(settings.web_processes))

config = rx.Config(
    app_name="portal",
    telemetry_enabled=False,
    frontend_port=settings.app_port,
    backend_port=settings.app_port,
    db_url=settings.database_url,
    # Redis as Reflex's state manager in services mode, so several app processes can serve.
    redis_url=settings.redis_url or None,
    state_manager_mode="redis" if settings.uses_redis else "memory",
    show_built_with_reflex=False,
    # Cross-origin callers: only those listed in Settings (none by default; Reflex's default is "*").
    cors_allowed_origins=settings.cors_allowed_origins,
    plugins=[
        # The portal's one theme (rx.App(theme=...) is deprecated in Reflex 0.10).
        rx.plugins.RadixThemesPlugin(
            theme=rx.theme(accent_color="indigo", gray_color="slate", radius="medium", scaling="100%")
        ),
        rx.plugins.SitemapPlugin(),
    ],
)
