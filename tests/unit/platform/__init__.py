"""Unit tests of `services.platform`: shared infrastructure."""
