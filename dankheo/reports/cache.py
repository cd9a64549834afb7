"""The dashboard's figures, kept in the cache every process shares.

Entries are keyed by what they were computed for (unit, period, roll-up) and by the
data versions of everything the figures count (``models.versions``): a commit that
changes a record moves a version on, so from that moment every process on every host
looks up a new key and computes afresh — no process can show figures older than the
last commit, and no cache needs emptying. REPORTS_CACHE_SECONDS only bounds how long an
unused entry stays (0: no cache). The cache is the application's Flask-Caching one:
a folder of the instance on one host, Redis when the site spans hosts (config.py)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app

from dankheo import vietnamese
from dankheo.models.versions import DATASETS
from dankheo.web import kept


@dataclass
class CachedFigures:
    value: Any
    computed_at: datetime


def cached(key: tuple, compute: Callable[[], Any]) -> CachedFigures:
    """``compute()``'s result for ``key`` at the current data versions (web.kept),
    with the moment it was computed."""
    max_age = int(current_app.config.get("REPORTS_CACHE_SECONDS", 3600))
    return kept.kept(
        "figures", key, lambda: CachedFigures(compute(), vietnamese.now()), DATASETS, max_age
    )
