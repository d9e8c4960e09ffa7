"""Planning's Reflex states: thin, they validate input, call `services.planning` and enqueue tasks. Empty
until the domain lands.

May import: `state.shared`, `state.identity`, `state.catalog`, `state.supply`, `state.analytics`,
`services`, `models`, `workers` (to enqueue)."""
