"""Pricing's JSON API endpoints (`prices.py`: market indices and their values, price agreements,
suggestions and the decisions on them; market price lists come later).

May import: `portal.api` (deps, errors, schemas), `services.pricing` and the domains it may import,
`models`."""
