"""Showroom: the O2O showroom: online catalogue, configurator, dealer locator, test-drive bookings, the
funnel from lead to order. Empty until the domain lands.

May import: `models`, `services.platform`, `services.i18n`, `services.identity`, `services.catalog`,
`services.ordering`. No reflex, no celery."""
