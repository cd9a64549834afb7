"""Decisions and certificates: design, issue, print, revoke."""
