"""Finance's JSON API endpoints (receivables confirmed by both parties, the ledger, financing requests,
supplier credit). Empty until the domain lands.

May import: `portal.api` (deps, errors, schemas), `services.finance` and the domains it may import,
`models`."""
