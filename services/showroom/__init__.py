"""Showroom: the O2O showroom: online catalogue, configurator, dealer locator, test-drive bookings, the
funnel from lead to order. Empty until the domain lands.

May import: `models`, `services.platform`, `services.i18n`, `services.identity`, `services.catalog`,
`services.ordering`, `services.pricing.market_lists` / `market_prices` (a store's market prices) and
`services.analytics.fx` (exchange rates). No reflex, no celery."""
