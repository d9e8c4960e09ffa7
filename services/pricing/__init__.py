"""Pricing: raw-material indices, supplier agreements, market price lists, with guardrails and approval.
Empty until the domain lands.

May import: `models`, `services.platform`, `services.i18n`, `services.identity`, `services.catalog`,
`services.supply`. No reflex, no celery."""
