"""The one transaction boundary: commit on success, roll back and report a DomainError."""

import pytest
import sqlalchemy as sa
from werkzeug.exceptions import NotFound
from wtforms import StringField

from dankheo.errors import DomainError, PermissionDenied, StaleVersion
from dankheo.extensions import db
from dankheo.forms import BaseForm, EmptyForm
from dankheo.models import Unit
from dankheo.web.access import found
from dankheo.web.transaction import FLASH, transaction
from tests.factories import make_unit


def _names() -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Unit.name).order_by(Unit.name)))


def test_block_that_ends_normally_is_committed(app):
    with transaction() as done:
        make_unit("Xã Lưu")
    db.session.rollback()  # nothing left to roll back: it was committed
    assert done.ok and done.error is None
    assert _names() == ["Xã Lưu"]


def test_domain_error_rolls_back_and_is_shown_on_the_form(app):
    with app.test_request_context(method="POST"):
        form = EmptyForm(meta={"csrf": False})
        with transaction(form) as done:
            make_unit("Xã Bỏ")
            raise DomainError("decision.already_signed")
        assert not done.ok
        assert done.error.code == "decision.already_signed"
        assert form.form_errors == ["Quyết định đã ký, không thể thay đổi."]
    assert _names() == []


class _NoteForm(BaseForm):
    note = StringField("Ghi chú")


def test_domain_error_can_go_to_one_field(app):
    with app.test_request_context(method="POST"):
        form = _NoteForm(meta={"csrf": False})
        with transaction(form.note) as done:
            raise StaleVersion()
        assert done.status_code == 409
        assert form.note.errors == [done.error.message]
        assert form.form_errors == []


def test_flashed_error_uses_a_category_by_status(app):
    from flask import get_flashed_messages

    with app.test_request_context(method="POST"):
        with transaction(FLASH):
            raise StaleVersion()
        assert get_flashed_messages(with_categories=True) == [("warning", StaleVersion().message)]


def test_without_a_place_to_report_the_error_goes_to_the_error_page(app):
    with pytest.raises(DomainError), transaction():
        make_unit("Xã Lỗi")
        raise DomainError("decision.already_signed")
    assert _names() == []


def test_other_exceptions_roll_back_and_propagate(app):
    with pytest.raises(ZeroDivisionError), transaction(FLASH):
        make_unit("Xã Chia")
        _ = 1 / 0
    assert _names() == []


def test_found_refuses_a_missing_object(app):
    assert found(1) == 1
    with pytest.raises(NotFound):
        found(None)


def test_a_refused_permission_is_never_a_form_message(app):
    with app.test_request_context(method="POST"):
        form = EmptyForm(meta={"csrf": False})
        with pytest.raises(PermissionDenied), transaction(form):
            make_unit("Xã Cấm")
            raise PermissionDenied("permission_denied")
        assert form.form_errors == []
    assert _names() == []
