"""Routes of the admin blueprint, one module per area: units (tree, successions, import),
users and their memberships, and the audit trail (read-only). Importing the package
registers them all on ``bp``."""

from dankheo.admin.views import audit, units, users  # noqa: F401  (registers the routes)
from dankheo.admin.views.blueprint import bp

__all__ = ["bp"]
