"""Planning: demand forecasts with backtests, multi-echelon replenishment, suggested purchase orders. Empty
until the domain lands.

May import: `models`, `services.platform`, `services.i18n`, `services.identity`, `services.catalog`,
`services.supply`, `services.analytics`. No reflex, no celery."""
