"""Unit tests of `services.seed`: the demo data generator."""
