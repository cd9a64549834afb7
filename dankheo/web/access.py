"""Access checks of views: an object that exists (404) and that the signed-in user may
act on (403). The rule itself is always ``permissions.can``."""

from typing import TypeVar

from flask import abort
from flask_login import current_user

from dankheo.permissions import can

T = TypeVar("T")


def require(action: str, obj=None) -> None:
    """403 unless the signed-in user may do ``action`` (to ``obj``)."""
    if not can(current_user, action, obj):
        abort(403)


def found(obj: T | None) -> T:
    """404 for a missing object."""
    if obj is None:
        abort(404)
    return obj
