"""Administration: units, users and memberships, settings."""
