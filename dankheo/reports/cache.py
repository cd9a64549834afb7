"""A short per-process cache of the dashboard's figures.

The province dashboard aggregates every year row of the province (~300,000 at volume:
several hundred milliseconds). Leaders open it again and again; figures a minute old
are fine there (the page says when they were computed), so each process keeps the
result for REPORTS_CACHE_SECONDS. Any commit in the process empties the cache, so a
user sees their own change at once; changes made through other processes show within
the cache's lifetime. Exports (XLSX, PDF, SVG) always compute afresh."""

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy.orm import Session

from dankheo import vietnamese

_CACHE_KEY = "dankheo.reports_cache"
_cache_lock = threading.Lock()


@dataclass
class CachedFigures:
    value: Any
    computed_at: datetime
    expires: float


def _cache() -> dict:
    return current_app.extensions.setdefault(_CACHE_KEY, {})


def cached(key: tuple, compute: Callable[[], Any]) -> CachedFigures:
    """``compute()``'s result for ``key``, reused for REPORTS_CACHE_SECONDS."""
    max_age = float(current_app.config.get("REPORTS_CACHE_SECONDS", 60))
    now = time.monotonic()
    store = _cache()
    with _cache_lock:
        hit = store.get(key)
    if hit is not None and hit.expires > now:
        return hit
    entry = CachedFigures(compute(), vietnamese.now(), now + max_age)
    if max_age > 0:
        with _cache_lock:
            if len(store) > 500:  # many scopes: drop the lot rather than grow
                store.clear()
            store[key] = entry
    return entry


def clear_cache(app=None) -> None:
    """Forget every cached figure (after a commit in this process)."""
    store = (app or current_app).extensions.get(_CACHE_KEY)
    if store:
        with _cache_lock:
            store.clear()


def _forget_after_commit(session) -> None:
    if has_app_context():
        clear_cache()


sa.event.listen(Session, "after_commit", _forget_after_commit)
