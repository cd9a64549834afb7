"""What every /api/v1 resource shares: JSON errors, the allowed parameters, page and
cursor (keyset) pagination, capped counts, public URLs, and conditional GET.

Conditional GET: each route names the datasets it reads (``models.versions``); the
answer carries an ``ETag`` made of the request and those datasets' versions, and
``Last-Modified`` = their latest change. A client that sends the ETag back
(``If-None-Match``) or a date not older than the last change (``If-Modified-Since``)
gets 304 before any list is read: one small query."""

import base64
import binascii
import hashlib
import json
from datetime import UTC
from functools import wraps

from flask import current_app, jsonify, make_response, request, url_for

from dankheo.extensions import db
from dankheo.models.versions import current
from dankheo.web import page_cache

# Bump when the JSON of a resource changes shape: clients' cached copies then expire.
FORMAT_VERSION = 2
# Counting stops here ("total_capped": true): counting every match of a broad filter
# reads the whole table, and a client that needs everything takes the bulk download.
COUNT_CAP = 1000
# Highest page number accepted (the API refuses deeper OFFSETs: use the cursor).
MAX_PAGE = 1_000_000


class BadRequest(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def error(message: str, code: int = 400):
    return jsonify(error={"code": code, "message": message}), code


def check_params(allowed: set[str]) -> None:
    unknown = sorted(set(request.args) - allowed)
    if unknown:
        raise BadRequest(f"Tham số không được hỗ trợ: {', '.join(unknown)}.")


def per_page() -> int:
    return int(current_app.config.get("PER_PAGE", 50))


def public_url(endpoint: str, **values) -> str:
    """An absolute URL of a public page or file (the one place the API builds them), on
    PUBLIC_BASE_URL, never on the request's Host header (which the client chooses:
    "Host: evil.example" must not come back in the API's links)."""
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + url_for(endpoint, **values)


def handles_bad_requests(view):
    @wraps(view)
    def inner(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except BadRequest as err:
            return error(err.message)

    return inner


# --- cursors ----------------------------------------------------------------------------


def encode_cursor(*values) -> str:
    raw = json.dumps(list(values), ensure_ascii=False, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(text: str, types: tuple[type, ...]) -> list:
    """The values of a cursor made by ``encode_cursor`` (of these types), or BadRequest."""
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        values = json.loads(raw.decode())
    except (binascii.Error, ValueError, UnicodeDecodeError):
        values = None
    if (
        not isinstance(values, list)
        or len(values) != len(types)
        or not all(type(v) is t for v, t in zip(values, types, strict=True))
    ):
        raise BadRequest("Tham số “cursor” không hợp lệ.")
    return values


def paging_mode(page_given: bool) -> str | None:
    """The cursor given (keyset pagination), or None for page numbers."""
    cursor = request.args.get("cursor")
    if cursor is not None and page_given:
        raise BadRequest("Dùng “page” hoặc “cursor”, không dùng cả hai.")
    return cursor


def page_body(items, *, total, capped, page, next_cursor) -> dict:
    return {
        "items": items,
        "total": total,
        "total_capped": capped,
        "page": page,
        "per_page": per_page(),
        "next_cursor": next_cursor,
    }


# --- conditional GET --------------------------------------------------------------------


def conditional(*datasets: str, cache_response: bool = False):
    """ETag / Last-Modified from the versions of ``datasets``; 304 when unchanged.
    ``cache_response``: an anonymous request's 200 is kept in the shared cache under its
    ETag (web.page_cache), so the same URL at the same versions costs no query but the
    versions' one."""

    def wrap(view):
        @wraps(view)
        def inner(*args, **kwargs):
            versions, changed = current(db.session, datasets)
            key = f"{FORMAT_VERSION}|{request.full_path}|{versions}"
            etag = hashlib.sha256(key.encode()).hexdigest()[:32]
            last_modified = changed.replace(tzinfo=UTC, microsecond=0) if changed else None
            if request.if_none_match:
                fresh = request.if_none_match.contains(etag)
            else:
                since = request.if_modified_since
                fresh = bool(since and last_modified and last_modified <= since)
            if fresh:
                response = make_response("", 304)
            elif cache_response:
                response = page_cache.anonymous_response(
                    f"api:{etag}", lambda: view(*args, **kwargs), datasets
                )
            else:
                response = make_response(view(*args, **kwargs))
            # A view that answers with validators of its own (an older bulk file sent
            # while the new one is built) keeps them.
            if response.status_code in (200, 304) and "ETag" not in response.headers:
                response.set_etag(etag)
                if last_modified:
                    response.last_modified = last_modified
                response.headers["Cache-Control"] = "public, no-cache"
            return response

        return inner

    return wrap
