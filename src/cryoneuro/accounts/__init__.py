"""Accounts: users, roles, the permission table, MFA enforcement and session timeouts."""
