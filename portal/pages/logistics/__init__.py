"""Logistics' pages (shipments, carrier events, tracking and ETA). Empty until the domain lands.

May import: `portal.components`, `state.shared`, `state.logistics`, and what those may."""
