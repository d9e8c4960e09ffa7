"""Integration tests of `services.platform`: shared infrastructure."""
