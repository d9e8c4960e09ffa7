"""Planning's JSON API endpoints (demand forecasts with backtests, multi-echelon replenishment, suggested
purchase orders). Empty until the domain lands.

May import: `portal.api` (deps, errors, schemas), `services.planning` and the domains it may import,
`models`."""
