"""Supply's Reflex states: thin, they validate input, call `services.supply` and enqueue tasks.

May import: `state.shared`, `state.identity`, `state.catalog`, `services`, `models`, `workers` (to
enqueue)."""
