"""Pricing's JSON API endpoints (raw-material indices, supplier agreements, market price lists, with
guardrails and approval). Empty until the domain lands.

May import: `portal.api` (deps, errors, schemas), `services.pricing` and the domains it may import,
`models`."""
