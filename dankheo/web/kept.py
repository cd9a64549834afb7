"""Values computed for a request, kept in the cache every process shares (the
application's Flask-Caching one) and keyed by what they were computed for and by the
data versions of everything they read (``models.versions``): a commit that changes any
of them moves a counter on, so from that moment every process on every host looks up a
new key — nothing older than the last commit is used, and nothing needs emptying. The
versions are read before the data, so an entry is never older than its key. A
transaction that has itself changed one of those datasets computes afresh (its own
changes are not committed yet)."""

import hashlib
from collections.abc import Callable
from typing import Any

from dankheo.extensions import cache, db
from dankheo.models.versions import changed_here, current


def key_for(namespace: str, key: tuple, datasets) -> str:
    versions, _changed = current(db.session, datasets)
    text = repr((key, tuple(datasets), versions))
    return f"{namespace}:" + hashlib.sha256(text.encode()).hexdigest()[:40]


def kept(namespace: str, key: tuple, compute: Callable[[], Any], datasets, max_age: int) -> Any:
    """``compute()``'s result for ``key`` at the current versions of ``datasets`` (all
    that ``compute`` reads), kept ``max_age`` seconds when unused (0: not kept)."""
    if max_age <= 0 or changed_here(db.session, datasets):
        return compute()
    full_key = key_for(namespace, key, datasets)
    hit = cache.get(full_key)
    if hit is not None:
        return hit
    value = compute()
    cache.set(full_key, value, timeout=max_age)
    return value
