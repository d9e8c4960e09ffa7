"""Pricing: raw-material indices, supplier agreements with guardrails and approval (market price lists
come later).

Modules: `formula` (the index formula, Decimal only), `indices` (index values: import and read),
`agreements` (create and read agreements, supplier quotes), `suggestions` (re-pricing with
explanations), `approvals` (four eyes, supplier answers, applying on the effective date), `prices`
(the price in force, purchase orders issued at it).

May import: `models`, `services.platform`, `services.i18n`, `services.identity`, `services.catalog`,
`services.supply`. No reflex, no celery."""
