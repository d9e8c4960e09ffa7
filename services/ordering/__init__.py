"""Ordering: the dealer's cart and its prices, placement, the order and payment states, stock reservations,
payments and the gateway, the order views, recovery of lost orders.

May import: `models`, `services.platform`, `services.i18n`, `services.identity`, `services.catalog`, and
`services.pricing.market_prices` / `services.pricing.market_lists` (the buyer's market prices). No
reflex, no celery."""
