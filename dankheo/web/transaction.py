"""The one transaction boundary of a request: a view runs its services inside
``transaction()``, which commits once when the block ends, or rolls back and reports
the DomainError where the user will read it. Views never call ``commit()`` themselves.

    with transaction(form) as done:
        decision = services.create_decision(current_user, ...)
    if done.ok:
        flash("Đã tạo dự thảo quyết định.", "success")
        return redirect(...)
    return render_template(...)  # the form shows the error; nothing was saved
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask import flash

from dankheo.errors import DomainError, PermissionDenied
from dankheo.extensions import db

# How a refused operation is reported: on the form ("form"), on one field (a WTForms
# field), as a flash message ("flash"), or by the error page (None: the error goes on to
# the app's DomainError handler, which renders it with its status code).
FLASH = "flash"


@dataclass
class Outcome:
    """What happened inside a ``transaction()`` block."""

    ok: bool = False
    error: DomainError | None = None

    @property
    def status_code(self) -> int:
        return self.error.status_code if self.error is not None else 200


def flash_category(err: DomainError) -> str:
    """An action already done (200) is news, a stale version (409) a warning."""
    if err.status_code == 200:
        return "info"
    return "warning" if err.status_code == 409 else "danger"


def report(err: DomainError, where) -> None:
    """Show ``err``'s message at ``where``: a form, a field, or FLASH."""
    if where == FLASH:
        flash(err.message, flash_category(err))
    elif hasattr(where, "form_errors"):
        where.form_errors.append(err.message)
    else:
        # A field's errors are a tuple until the field has been validated.
        where.errors = [*where.errors, err.message]


@contextmanager
def transaction(where=None) -> Iterator[Outcome]:
    """Commit the block's writes, or roll back and report a DomainError at ``where``.

    PermissionDenied and any other exception roll back and propagate (the error
    handlers give 403, 409 for unique and version conflicts, 500 for the rest). With
    ``where=None`` a DomainError propagates too, to be shown on the error page."""
    outcome = Outcome()
    try:
        yield outcome
        db.session.commit()
    except DomainError as err:
        db.session.rollback()
        if where is None or isinstance(err, PermissionDenied):
            raise  # a refused permission is always the 403 page, never a form message
        outcome.error = err
        report(err, where)
    except BaseException:
        db.session.rollback()
        raise
    else:
        outcome.ok = True
