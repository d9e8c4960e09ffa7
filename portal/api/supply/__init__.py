"""Supply's JSON API endpoints (purchase orders, shipping notices, receipts, inventory sync, quality
incidents and supplier scorecards).

May import: `portal.api` (deps, errors, schemas), `services.supply` and the domains it may import,
`models`."""
