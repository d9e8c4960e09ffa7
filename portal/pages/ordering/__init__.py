"""Ordering's pages (the dealer's cart and its prices, placement, the order and payment states, stock
reservations, payments and the gateway, the order views, recovery of lost orders).

May import: `portal.components`, `state.shared`, `state.ordering`, and what those may."""
