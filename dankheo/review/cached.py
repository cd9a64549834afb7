"""Review pages' computed parts in the cache every process shares, keyed by what they
show and by the data versions of everything they read (``models.versions``): the
review's own counter (assignments, scorecards, kept scores, committees), nominations
(names, states), campaigns (quotas, thresholds) and units (names). A commit that
changes any of them moves a counter on, so from that moment every process on every host
looks up a new key — nothing older than the last commit is shown, and nothing needs
emptying. The versions are read before the data, so an entry is never older than its
key. ``REVIEW_CACHE_SECONDS`` bounds how long an unused entry stays (0: no cache)."""

import functools
import hashlib
from collections.abc import Callable
from typing import Any

from flask import current_app

from dankheo.web import kept

DATASETS = ("review", "nominations", "campaigns", "units")


def cached(key: tuple, compute: Callable[[], Any], datasets=DATASETS) -> Any:
    """``compute()``'s result for ``key`` at the current versions of ``datasets`` (all
    that ``compute`` reads)."""
    max_age = int(current_app.config.get("REVIEW_CACHE_SECONDS", 3600))
    return kept.kept("review", key, compute, datasets, max_age)


@functools.cache
def template_digest(name: str) -> str:
    """A digest of template ``name``'s source (read once per process), for the key of a
    kept rendering: a deployment that changes the template never serves the old one."""
    source, _filename, _uptodate = current_app.jinja_loader.get_source(current_app.jinja_env, name)
    return hashlib.sha256(source.encode()).hexdigest()[:16]
