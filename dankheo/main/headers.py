"""Security headers on every response, and the refusal of NUL bytes in requests.

What each header defends against is listed in docs/security.md; tests/security/test_headers.py
checks every one of them.
"""

from flask import abort, current_app, request
from flask_login import current_user

# No inline scripts or styles (no 'unsafe-inline', no 'unsafe-eval'): scripts and
# stylesheets come only from our own files (Bootstrap's and ours). Nothing may frame
# us, forms post only to us, plugins are off.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)

# Browser features the application never uses.
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
    "interest-cohort=(), browsing-topics=()"
)

HSTS = "max-age=31536000; includeSubDomains"


def add_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
    # HSTS only over HTTPS (behind a proxy: ProxyFix makes request.is_secure true), and
    # only when the operator says the site is HTTPS-only for good.
    if current_app.config.get("HSTS_ENABLED") and request.is_secure:
        headers.setdefault("Strict-Transport-Security", HSTS)
    # Everything a signed-in user receives (pages, PDFs, exports, evidence files) may hold
    # non-public data: never stored by a shared cache, a proxy or the browser's disk and
    # back-forward cache on a shared office computer. "no-store" replaces whatever the
    # view or send_file set ("no-cache" still lets a copy be stored). Our own static
    # files are the same for everyone and keep their caching.
    if request.endpoint not in ("static", "bootstrap.static") and _signed_in():
        headers["Cache-Control"] = "no-store"
        headers.pop("Expires", None)
    return response


def _signed_in() -> bool:
    try:
        return bool(current_user and current_user.is_authenticated)
    except Exception:
        return False


def refuse_nul_bytes():
    """No person types a NUL byte; PostgreSQL refuses it in text (a server error deep in
    a query). Refuse it at the door with 400: in the path, the query string and form
    fields (uploaded files are bytes and are not concerned)."""
    if "\x00" in request.path or _has_nul(request.args):
        abort(400)
    form_body = request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data")
    if request.method in ("POST", "PUT", "PATCH") and form_body and _has_nul(request.form):
        abort(400)


def _has_nul(multidict) -> bool:
    return any("\x00" in value for _, values in multidict.lists() for value in values)
