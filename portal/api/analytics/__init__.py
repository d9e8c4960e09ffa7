"""Analytics' JSON API endpoints (KPIs and their drill-downs, read from the other domains). Empty until the
domain lands.

May import: `portal.api` (deps, errors, schemas), `services.analytics` and the domains it may import,
`models`."""
