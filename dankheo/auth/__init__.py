"""Accounts: sign-in, sign-out, password change, throttling."""
