"""Integrations' pages (adapters to the world outside: payment messages (ISO 20022), ERP exchange,
carriers). Empty until the domain lands.

May import: `portal.components`, `state.shared`, `state.integrations`, and what those may."""
