"""Pricing: raw-material indices, supplier agreements with guardrails and approval, and the market price
lists dealers and customers buy from.

Modules: `formula` (the index formula, Decimal only), `indices` (index values: import and read),
`agreements` (create and read agreements, supplier quotes), `suggestions` (re-pricing with
explanations), `approvals` (four eyes, supplier answers, applying on the effective date), `prices`
(the price in force, purchase orders issued at it), `queue` (the managers' queue and the supplier's
inbox as the pages list them), `history` (one agreement's prices, indices and decisions), `savings`
(the 12-month backtest; `savings_for_period` for the KPI tile), `market_prices` (the pure list-price
rules), `market_lists` (markets, the buyer's price, the repricing run, decisions on list changes).

May import: `models`, `services.platform`, `services.i18n`, `services.identity`, `services.catalog`,
`services.supply`, and `services.analytics.fx` (exchange rates only: it imports nothing of ours but
`models` and `services.platform`). No reflex, no celery."""
