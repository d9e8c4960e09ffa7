"""Integrations' Reflex states: thin, they validate input, call `services.integrations` and enqueue tasks.
Empty until the domain lands.

May import: `state.shared`, `state.identity`, `services`, `models`, `workers` (to enqueue)."""
