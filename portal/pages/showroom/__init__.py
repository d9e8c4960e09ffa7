"""Showroom's pages (the O2O showroom: online catalogue, configurator, dealer locator, test-drive bookings,
the funnel from lead to order). Today /showroom and a customer's /my-orders (`browse`).

May import: `portal.components`, `state.shared`, `state.showroom`, and what those may."""
