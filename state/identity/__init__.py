"""Identity's Reflex states: thin, they validate input, call `services.identity` and enqueue tasks.

May import: `state.shared`, `services`, `models`, `workers` (to enqueue)."""
