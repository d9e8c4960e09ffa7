"""Pricing's Reflex states: thin, they validate input, call `services.pricing` and enqueue tasks.
`queue` (the managers' suggestion queue), `indices` (the index CSV import), `agreement` (one
agreement's price page), `inbox` (the supplier's price changes), `savings` (the backtest), `view`
(the explanation line by line, percentages and labels shared by them).

May import: `state.shared`, `state.identity`, `state.catalog`, `state.supply`, `services`, `models`,
`workers` (to enqueue)."""
