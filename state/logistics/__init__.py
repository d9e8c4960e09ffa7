"""Logistics' Reflex states: thin, they validate input, call `services.logistics` and enqueue tasks. Empty
until the domain lands.

May import: `state.shared`, `state.identity`, `state.ordering`, `state.supply`, `services`, `models`,
`workers` (to enqueue)."""
