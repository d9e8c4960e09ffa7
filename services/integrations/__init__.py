"""Integrations: adapters to the world outside: payment messages (ISO 20022), ERP exchange, carriers. Empty
until the domain lands.

May import: `models`, `services.platform`, `services.i18n`, `services.identity`. No reflex, no celery."""
