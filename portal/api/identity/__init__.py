"""Identity's JSON API endpoints (accounts, passwords, sessions and lock-out, roles, access and
organisation scoping).

May import: `portal.api` (deps, errors, schemas), `services.identity` and the domains it may import,
`models`."""
