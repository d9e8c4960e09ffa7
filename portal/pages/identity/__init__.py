"""Identity's pages (accounts, passwords, sessions and lock-out, roles, access and organisation scoping).

May import: `portal.components`, `state.shared`, `state.identity`, and what those may."""
