"""Organisations, staff users, roles, two-factor sign-in and the audit log."""
