"""The trust migration (e14a7c3d9b21): tokens for existing users, and a clear stop when
old rows break a rule it turns into a constraint."""

import os

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from dankheo import create_app
from dankheo.extensions import db
from tests.conftest import make_test_config

pytestmark = pytest.mark.skipif(
    not os.environ.get("DANKHEO_TEST_DATABASE_URI", "sqlite").startswith("sqlite"),
    reason="the same migration code runs on PostgreSQL (drift: test_migrations_postgres.py)",
)
BEFORE = "8b1f3c2d4e5a"


@pytest.fixture
def app(tmp_path):
    uri = f"sqlite:///{tmp_path}/migrated.sqlite3"
    app = create_app(make_test_config(tmp_path, SQLALCHEMY_DATABASE_URI=uri))
    with app.app_context():
        upgrade(revision=BEFORE)
        yield app
        db.engine.dispose()


def _insert_users(conn, *names):
    for name in names:
        conn.execute(
            sa.text(
                "INSERT INTO users (username, full_name, email, search_text, password_hash, "
                "active, created_at) VALUES (:u, :u, '', '', 'x', 1, '2025-01-01 00:00:00')"
            ),
            {"u": name},
        )


def test_existing_users_get_a_random_token_each(app):
    with db.engine.begin() as conn:
        _insert_users(conn, "mot", "hai")
    upgrade()
    with db.engine.connect() as conn:
        tokens = conn.execute(sa.text("SELECT session_token FROM users")).scalars().all()
    assert len(tokens) == 2 and len(set(tokens)) == 2 and all(len(t) >= 40 for t in tokens)


def test_duplicate_open_nominations_stop_the_upgrade_with_their_list(app, capfd):
    with db.engine.begin() as conn:
        conn.execute(sa.text("PRAGMA foreign_keys=OFF"))  # only the nominations matter here
        for _ in range(2):
            conn.execute(
                sa.text(
                    "INSERT INTO nominations (campaign_id, award_type_id, unit_id, "
                    "initiative_id, recipient_name, recipient_line, achievement_text, "
                    "report_text, state, created_at, updated_at, version) VALUES (7, 1, 1, "
                    "42, 'x', '', 'x', '', 'submitted', '2025-01-01', '2025-01-01', 1)"
                )
            )
    with pytest.raises(SystemExit) as stopped:  # flask db upgrade: the message, status 1
        upgrade()
    assert stopped.value.code == 1
    message = capfd.readouterr().err
    assert "campaign_id=7, initiative_id=42" in message
    assert "uq_nominations_open_initiative" in message
    with db.engine.connect() as conn:  # nothing half done
        columns = [c["name"] for c in sa.inspect(conn).get_columns("users")]
    assert "session_token" not in columns
