"""Review pages' computed parts in the cache every process shares, keyed by what they
show and by the data versions of everything they read (``models.versions``): the
review's own counter (assignments, scorecards, kept scores, committees), nominations
(names, states), campaigns (quotas, thresholds) and units (names). A commit that
changes any of them moves a counter on, so from that moment every process on every host
looks up a new key — nothing older than the last commit is shown, and nothing needs
emptying. The versions are read before the data, so an entry is never older than its
key. ``REVIEW_CACHE_SECONDS`` bounds how long an unused entry stays (0: no cache)."""

import hashlib
from collections.abc import Callable
from typing import Any

from flask import current_app

from dankheo.extensions import cache, db
from dankheo.models.versions import current

DATASETS = ("review", "nominations", "campaigns", "units")


def key_for(key: tuple, datasets=DATASETS) -> str:
    versions, _changed = current(db.session, datasets)
    text = repr((key, versions))
    return "review:" + hashlib.sha256(text.encode()).hexdigest()[:40]


def cached(key: tuple, compute: Callable[[], Any], datasets=DATASETS) -> Any:
    """``compute()``'s result for ``key`` at the current versions of ``datasets`` (all
    that ``compute`` reads)."""
    max_age = int(current_app.config.get("REVIEW_CACHE_SECONDS", 3600))
    if max_age <= 0:
        return compute()
    full_key = key_for(key, datasets)
    hit = cache.get(full_key)
    if hit is not None:
        return hit
    value = compute()
    cache.set(full_key, value, timeout=max_age)
    return value
