"""Catalog: parts, trims and stock, the catalogue and stock summary, the homes' figures.

May import: `models`, `services.platform`, `services.i18n`, `services.identity`. No reflex, no celery."""
