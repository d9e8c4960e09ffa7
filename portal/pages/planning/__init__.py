"""Planning's pages (demand forecasts with backtests, multi-echelon replenishment, suggested purchase
orders). Empty until the domain lands.

May import: `portal.components`, `state.shared`, `state.planning`, and what those may."""
