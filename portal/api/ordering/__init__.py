"""Ordering's JSON API endpoints (the dealer's cart and its prices, placement, the order and payment
states, stock reservations, payments and the gateway, the order views, recovery of lost orders).

May import: `portal.api` (deps, errors, schemas), `services.ordering` and the domains it may import,
`models`."""
