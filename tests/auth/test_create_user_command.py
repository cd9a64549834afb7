"""The create-user command: one transaction, a clear message, nothing half saved."""

import sqlalchemy as sa

from dankheo.extensions import db
from dankheo.models import Membership, Role, User
from tests.factories import make_province, make_user


def _invoke(runner, *args):
    return runner.invoke(args=["create-user", *args, "--password", "mat-khau-dai-du"])


def test_creates_a_user_with_a_role_at_a_unit(app, runner):
    units = make_province()
    result = _invoke(
        runner,
        "thuky2",
        "--full-name",
        "Thư Ký Hai",
        "--role",
        "secretary",
        "--unit",
        units["d1"].code,
    )
    assert result.exit_code == 0, result.output
    assert "created user thuky2" in result.output
    db.session.expire_all()
    user = db.session.scalar(sa.select(User).where(User.username == "thuky2"))
    assert [(m.role, m.unit.code) for m in user.memberships] == [(Role.SECRETARY, "D1")]


def test_unknown_unit_saves_nothing(app, runner):
    make_province()
    result = _invoke(runner, "ai-do", "--full-name", "Ai Đó", "--role", "officer", "--unit", "NOPE")
    assert result.exit_code != 0
    assert "unknown unit code 'NOPE'" in result.output
    db.session.expire_all()
    assert db.session.scalar(sa.select(User).where(User.username == "ai-do")) is None
    assert db.session.scalar(sa.select(sa.func.count(Membership.id))) == 0


def test_taken_username_is_refused_with_its_message(app, runner):
    make_user("canbo")
    result = _invoke(runner, "canbo", "--full-name", "Cán Bộ Khác")
    assert result.exit_code != 0
    assert "Tên đăng nhập “canbo” đã có người dùng." in result.output
