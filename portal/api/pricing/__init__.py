"""Pricing's JSON API endpoints (`prices.py`: market indices and their values, price agreements,
suggestions and the decisions on them; `markets.py`: the market price lists, their pending changes
and managers' decisions).

May import: `portal.api` (deps, errors, schemas), `services.pricing` and the domains it may import,
`models`."""
