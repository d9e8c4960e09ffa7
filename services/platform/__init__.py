"""Shared infrastructure of every domain: errors, the audit trail, the transactional outbox, the cache,
live push (pub/sub), formatting, row writes, reading form and API fields.

May import: `models` and `services.i18n`; no domain package (nothing imports upward)."""
