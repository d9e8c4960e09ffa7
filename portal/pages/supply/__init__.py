"""Supply's pages (purchase orders, shipping notices, receipts, inventory sync, quality incidents and
supplier scorecards).

May import: `portal.components`, `state.shared`, `state.supply`, and what those may."""
