"""Unit tests of `services.i18n`: every message in English and Chinese."""
