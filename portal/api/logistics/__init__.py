"""Logistics' JSON API endpoints (shipments, carrier events, tracking and ETA). Empty until the domain
lands.

May import: `portal.api` (deps, errors, schemas), `services.logistics` and the domains it may import,
`models`."""
