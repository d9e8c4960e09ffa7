"""Showroom's Reflex states: thin, they validate input, call `services.showroom` and enqueue tasks. Empty
until the domain lands.

May import: `state.shared`, `state.identity`, `state.catalog`, `state.ordering`, `services`, `models`,
`workers` (to enqueue)."""
