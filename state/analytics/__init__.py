"""Analytics' Reflex states: thin, they validate input, call `services.analytics` and enqueue tasks. Empty
until the domain lands.

May import: `state.shared`, `state.identity`, `state.catalog`, `state.ordering`, `state.supply`,
`state.logistics`, `services`, `models`, `workers` (to enqueue)."""
