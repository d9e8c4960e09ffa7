"""Supply: purchase orders, shipping notices, receipts, inventory sync, quality incidents and supplier
scorecards.

May import: `models`, `services.platform`, `services.i18n`, `services.identity`, `services.catalog`. No
reflex, no celery."""
