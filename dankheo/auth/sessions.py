"""Server-side control of sessions: every session and remember-me cookie names the user's
current session token (``User.get_id``), checked on every request by ``load_user``;
``revoke_sessions`` replaces the token, which ends all of that user's sessions and
remember-me cookies at once.

Revoked on: signing out, changing or resetting the password, disabling the account, and
"sign out everywhere". A cookie also stops working SESSION_MAX_AGE after its sign-in,
whatever expiry it carries, so a copied cookie is not good for a year.
"""

import hmac
import time

from flask import current_app

from dankheo import audit
from dankheo.extensions import db
from dankheo.models.accounts import User, new_session_token
from dankheo.web.params import parse_id, parse_int

# A sign-in time this far in the future (clock skew between app servers) is still taken.
_SKEW_SECONDS = 300


def _max_age_seconds() -> int:
    return int(current_app.config["SESSION_MAX_AGE"].total_seconds())


def load_user(session_id: str) -> User | None:
    """Flask-Login's user loader (session and remember-me cookie alike): the user whose
    id, current session token and recent enough sign-in ``session_id`` names, or None
    (signed out)."""
    parts = (session_id or "").split(":")
    if len(parts) != 3:
        return None  # includes the bare ids of cookies made before tokens existed
    user_id, token, stamp = parse_id(parts[0]), parts[1], parse_int(parts[2], lo=0)
    if user_id is None or stamp is None:
        return None
    now = int(time.time())
    if not now - _max_age_seconds() <= stamp <= now + _SKEW_SECONDS:
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.active:
        return None
    if not hmac.compare_digest(user.session_token.encode(), token.encode()):
        return None
    user.signed_in_at = stamp
    return user


def start_session(user: User) -> None:
    """Mark ``user`` as signing in now (before flask_login.login_user stores its id)."""
    user.signed_in_at = int(time.time())


def revoke_sessions(user: User, *, actor=None, reason: str = "") -> None:
    """End every session and remember-me cookie of ``user`` (a new session token).
    ``reason`` other than "" is recorded in the audit (the plain sign-out is not)."""
    user.session_token = new_session_token()
    if reason:
        audit.record(actor, "user.revoke_sessions", user, note=reason)
