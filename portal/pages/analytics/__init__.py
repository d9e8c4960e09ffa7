"""Analytics' pages (KPIs and their drill-downs, read from the other domains). Empty until the domain
lands.

May import: `portal.components`, `state.shared`, `state.analytics`, and what those may."""
