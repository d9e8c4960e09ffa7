"""The Reflex app: every page with its on_load guard, and the JSON API under /api/v1."""

from __future__ import annotations

import reflex as rx

from portal.api import api
from portal.components.frame import PAGES
from portal.pages import admin, dealer, lists, login, manager, showroom, supplier  # noqa: F401  (importing a page module declares its pages)

app = rx.App(
    api_transformer=api,
    head_components=[rx.el.link(rel="icon", href="/favicon.svg", type="image/svg+xml")],
)
for spec in PAGES:
    app.add_page(spec.render, route=spec.route, title=spec.title, on_load=list(spec.on_load))
