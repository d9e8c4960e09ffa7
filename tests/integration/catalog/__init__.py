"""Integration tests of catalog: parts, trims and stock, the catalogue and stock summary, the homes'
figures."""
