"""The Reflex app: the pages (each registered with its on_load guard) and the JSON API under /api/v1."""

from __future__ import annotations

import reflex as rx

from portal.api import api
from portal.pages import login, manager  # noqa: F401  (importing a page module registers its pages)

app = rx.App(
    api_transformer=api,
    head_components=[rx.el.link(rel="icon", href="/favicon.svg", type="image/svg+xml")],
)
