"""Catalog's JSON API endpoints (parts, trims and stock, the catalogue and stock summary, the homes'
figures).

May import: `portal.api` (deps, errors, schemas), `services.catalog` and the domains it may import,
`models`."""
