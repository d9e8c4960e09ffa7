"""Identity: accounts, passwords, sessions and lock-out, roles, access and organisation scoping.

May import: `models`, `services.platform`, `services.i18n`. No reflex, no celery."""
