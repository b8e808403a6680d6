"""Signing in, operators and the audit log."""
