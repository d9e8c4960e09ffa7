"""Showroom's Reflex states: thin, they validate input, call services and enqueue tasks. Today the
trims on offer (`browse`); the configurator, dealer locator and test drives land here.

May import: `state.shared`, `state.identity`, `state.catalog`, `state.ordering`, `services`, `models`,
`workers` (to enqueue)."""
