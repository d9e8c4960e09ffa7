"""Showroom's JSON API endpoints (the O2O showroom: online catalogue, configurator, dealer locator,
test-drive bookings, the funnel from lead to order). Empty until the domain lands.

May import: `portal.api` (deps, errors, schemas), `services.showroom` and the domains it may import,
`models`."""
