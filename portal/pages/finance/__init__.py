"""Finance's pages (receivables confirmed by both parties, the ledger, financing requests, supplier
credit). Empty until the domain lands.

May import: `portal.components`, `state.shared`, `state.finance`, and what those may."""
