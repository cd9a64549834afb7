"""Routes of the review blueprint, one module per area: the reviewer's queue and
scorecards, the secretary's committee (members, conflicts, assignment), and the ranking
with its decisions. Importing the package registers them all on ``bp``."""

from dankheo.review.views import committee, ranking, scorecards  # noqa: F401  (registers routes)
from dankheo.review.views.blueprint import bp

__all__ = ["bp"]
