"""Pricing's pages: /manager/prices (the suggestion queue), /manager/prices/indices (index import),
/manager/prices/agreements/<id> (one agreement's price history), /manager/prices/savings (the
backtest), /supplier/price-changes (the supplier's inbox); `explanation` draws a suggestion's
explanation. Market price lists come later.

May import: `portal.components`, `state.shared`, `state.pricing`, and what those may."""
