"""Unit tests of identity: accounts, passwords, sessions and lock-out, roles, access and organisation
scoping."""
