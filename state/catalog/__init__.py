"""Catalog's Reflex states: thin, they validate input, call `services.catalog` and enqueue tasks.

May import: `state.shared`, `state.identity`, `services`, `models`, `workers` (to enqueue)."""
