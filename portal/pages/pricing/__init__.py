"""Pricing's pages (raw-material indices, supplier agreements, market price lists, with guardrails and
approval). Empty until the domain lands.

May import: `portal.components`, `state.shared`, `state.pricing`, and what those may."""
