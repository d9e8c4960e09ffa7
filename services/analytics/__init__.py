"""Analytics: the managers' KPIs (and a dealer's, for its own stores) from daily fact tables, their
drill-down rows and exports, FX rates into the reporting currency, targets.

Modules: `fx` (rates, CSV import, demo seed), `facts` (full rebuild and incremental refresh), `filters`
(the dashboard's filter and its URL form), `scope` (who sees what), `tiles` (the figures, cached per
filter under the facts version), `drilldown` (the rows behind each figure, CSV and XLSX), `explain`.

May import: `models`, `services.platform`, `services.i18n`, `services.identity`, `services.catalog`,
`services.ordering`, `services.supply`, `services.logistics`, `services.showroom`. No reflex, no celery."""
