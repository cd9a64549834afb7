"""Whole responses of anonymous GET requests, kept in the shared cache (the
application's Flask-Caching one, as the dashboard's figures: every process, every host).

An entry is keyed by the full URL (path and query string, on this host) and the data
versions of what the response shows (``models.versions``): a commit that changes a
record moves a version on, so from that moment every process looks up a new key and
renders afresh — never a response older than the last commit. PAGE_CACHE_SECONDS only
bounds how long an unused entry stays (0: no cache).

Only what anyone would be sent is kept: a GET or HEAD of someone not signed in, with no
flashed message waiting, answered 200 with a body in memory (no file, no stream). A
signed-in person's page (the navigation names them; forms carry their CSRF token) is
always rendered for them and never stored. Pages that show today's date (the printed
header) key it too. Used by the gallery (``cached_page``) and the open-data API (its
``conditional`` validators give their ETag as the key: ``anonymous_response``)."""

import hashlib
from collections.abc import Callable
from functools import wraps

from flask import current_app, make_response, request, session
from flask.typing import ResponseReturnValue
from flask_login import current_user

from dankheo import vietnamese
from dankheo.extensions import cache, db
from dankheo.models.versions import changed_here, current

PREFIX = "page:"


def _seconds() -> int:
    return int(current_app.config["PAGE_CACHE_SECONDS"])


def cacheable(datasets=()) -> bool:
    """May this request's response come from (and go to) the shared cache?"""
    return (
        request.method in ("GET", "HEAD")
        and _seconds() > 0
        and "_flashes" not in session
        and not current_user.is_authenticated
        and not changed_here(db.session, datasets)
    )


def page_key(datasets) -> str:
    """The cache key of this request's page: URL, host, data versions, today's date."""
    versions, _changed = current(db.session, datasets)
    text = repr(
        (request.host_url, request.full_path, tuple(datasets), versions, vietnamese.today())
    )
    return hashlib.sha256(text.encode()).hexdigest()[:40]


def anonymous_response(key: str, render: Callable[[], ResponseReturnValue], datasets=()):
    """``render()``'s response, or the one kept for ``key`` when this request may be
    answered from the cache (``cacheable``). ``key`` must hold the URL and the versions
    of ``datasets`` (what the response shows)."""
    if not cacheable(datasets):
        return make_response(render())
    full_key = PREFIX + key
    hit = cache.get(full_key)
    if isinstance(hit, tuple) and len(hit) == 2:
        content_type, body = hit
        response = current_app.response_class(body, content_type=content_type)
        response.headers["X-Page-Cache"] = "hit"
        return response
    response = make_response(render())
    if response.status_code == 200 and not response.is_streamed and not response.direct_passthrough:
        cache.set(full_key, (response.content_type, response.get_data()), timeout=_seconds())
        response.headers["X-Page-Cache"] = "miss"
    return response


def cached_page(*datasets: str):
    """Decorator of an HTML page anyone may read: answered from the shared cache for
    anonymous GETs, keyed by the URL and the versions of ``datasets``."""

    def wrap(view):
        @wraps(view)
        def inner(*args, **kwargs):
            if not cacheable(datasets):
                return view(*args, **kwargs)
            return anonymous_response(page_key(datasets), lambda: view(*args, **kwargs), datasets)

        return inner

    return wrap
