"""Analytics: KPIs and their drill-downs, read from the other domains. Empty until the domain lands.

May import: `models`, `services.platform`, `services.i18n`, `services.identity`, `services.catalog`,
`services.ordering`, `services.supply`, `services.logistics`. No reflex, no celery."""
