"""The dashboard's figures, kept in the cache every process shares.

Entries are keyed by what they were computed for (unit, period, roll-up) and by the
data versions of everything the figures count (``models.versions``): a commit that
changes a record moves a version on, so from that moment every process on every host
looks up a new key and computes afresh — no process can show figures older than the
last commit, and no cache needs emptying. REPORTS_CACHE_SECONDS only bounds how long an
unused entry stays (0: no cache). The cache is the application's Flask-Caching one:
a folder of the instance on one host, Redis when the site spans hosts (config.py)."""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app

from dankheo import vietnamese
from dankheo.extensions import cache, db
from dankheo.models.versions import DATASETS, current


@dataclass
class CachedFigures:
    value: Any
    computed_at: datetime


def cache_key(key: tuple) -> str:
    versions, _changed = current(db.session, DATASETS)
    text = repr((key, versions))
    return "figures:" + hashlib.sha256(text.encode()).hexdigest()[:40]


def cached(key: tuple, compute: Callable[[], Any]) -> CachedFigures:
    """``compute()``'s result for ``key`` at the current data versions."""
    max_age = int(current_app.config.get("REPORTS_CACHE_SECONDS", 3600))
    if max_age <= 0:
        return CachedFigures(compute(), vietnamese.now())
    full_key = cache_key(key)
    hit = cache.get(full_key)
    if isinstance(hit, CachedFigures):
        return hit
    entry = CachedFigures(compute(), vietnamese.now())
    cache.set(full_key, entry, timeout=max_age)
    return entry
