"""Logistics: shipments, carrier events, tracking and ETA. Empty until the domain lands.

May import: `models`, `services.platform`, `services.i18n`, `services.identity`, `services.ordering`,
`services.supply`. No reflex, no celery."""
