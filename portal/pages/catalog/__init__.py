"""Catalog's pages (parts, trims and stock, the catalogue and stock summary, the homes' figures).

May import: `portal.components`, `state.shared`, `state.catalog`, and what those may."""
