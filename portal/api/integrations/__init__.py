"""Integrations' JSON API endpoints (adapters to the world outside: payment messages (ISO 20022), ERP
exchange, carriers). Empty until the domain lands.

May import: `portal.api` (deps, errors, schemas), `services.integrations` and the domains it may import,
`models`."""
