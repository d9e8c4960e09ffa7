"""Reflex states, one module per area, all built on state.shared.auth.AuthState."""
