"""Pricing's Reflex states: thin, they validate input, call `services.pricing` and enqueue tasks. Empty
until the domain lands.

May import: `state.shared`, `state.identity`, `state.catalog`, `state.supply`, `services`, `models`,
`workers` (to enqueue)."""
