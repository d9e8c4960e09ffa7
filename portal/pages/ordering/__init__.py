"""Ordering's pages: the dealer's cart and its checkout (`cart`), the order lists and one order,
live (`orders`).

May import: `portal.components`, `state.shared`, `state.ordering`, and what those may."""
