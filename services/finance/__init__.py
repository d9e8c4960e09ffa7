"""Finance: receivables confirmed by both parties, the ledger, financing requests, supplier credit. Empty
until the domain lands.

May import: `models`, `services.platform`, `services.i18n`, `services.identity`, `services.ordering`,
`services.supply`. No reflex, no celery."""
