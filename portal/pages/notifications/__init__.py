"""The notification centre's pages (the inbox; the bell is in portal/components/bell.py).

May import: `portal.components`, `state.shared`, `state.notifications`, and what those may."""
