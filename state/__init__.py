"""Reflex states, one module per area, all built on state.auth.AuthState."""
