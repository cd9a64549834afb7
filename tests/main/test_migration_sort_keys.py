"""Migration c0d47ad6217c recomputes every stored sort key: people by given name (users,
individual exemplars), numbers inside names by value (units, initiatives), and inserts
the directive's four priority areas; its downgrade puts the old keys back."""

import os

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from dankheo import create_app
from dankheo.extensions import db
from dankheo.vietnamese import person_sort_key, sort_key
from tests.conftest import make_test_config

pytestmark = pytest.mark.skipif(
    not os.environ.get("DANKHEO_TEST_DATABASE_URI", "sqlite").startswith("sqlite"),
    reason="the data migration is the same SQL on PostgreSQL",
)

BEFORE = "3e7a1c5b9d20"


def test_stored_keys_are_recomputed_and_restored(tmp_path):
    uri = f"sqlite:///{tmp_path}/migrated.sqlite3"
    app = create_app(make_test_config(tmp_path, SQLALCHEMY_DATABASE_URI=uri))
    with app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO units (id, code, name, kind, path, depth, search_text, sort_key)"
                    " VALUES (1, 'P10', 'Phường 10', 'ward', '/0000001/', 0, '', 'stale'),"
                    " (2, 'P2', 'Phường 2', 'ward', '/0000002/', 0, '', 'stale')"
                )
            )
            conn.execute(
                sa.text(
                    "INSERT INTO users (username, full_name, email, search_text, password_hash,"
                    " active, created_at) VALUES ('thuha', 'Nguyễn Thị Thu Hà', '', '', 'x', 1,"
                    " '2025-01-01 00:00:00')"
                )
            )
            conn.execute(
                sa.text(
                    "INSERT INTO exemplars (kind, name, position, unit_id, year, achievements,"
                    " search_text, sort_key, created_at, version) VALUES"
                    " ('individual', 'Trần Văn An', '', 1, 2024, '', '', 'stale',"
                    " '2025-01-01 00:00:00', 1),"
                    " ('collective', 'Chi hội Phụ nữ ấp 3', '', 1, 2024, '', '', 'stale',"
                    " '2025-01-01 00:00:00', 1)"
                )
            )
        upgrade()
        with db.engine.connect() as conn:
            units = dict(conn.execute(sa.text("SELECT name, sort_key FROM units")).all())
            user_key = conn.execute(sa.text("SELECT sort_key FROM users")).scalar_one()
            exemplars = dict(conn.execute(sa.text("SELECT name, sort_key FROM exemplars")).all())
            areas = (
                conn.execute(sa.text("SELECT name FROM priority_areas ORDER BY position"))
                .scalars()
                .all()
            )
        assert units == {"Phường 10": sort_key("Phường 10"), "Phường 2": sort_key("Phường 2")}
        assert units["Phường 2"] < units["Phường 10"]
        assert user_key == person_sort_key("Nguyễn Thị Thu Hà")
        assert exemplars["Trần Văn An"] == person_sort_key("Trần Văn An")
        assert exemplars["Chi hội Phụ nữ ấp 3"] == sort_key("Chi hội Phụ nữ ấp 3")
        assert areas == [
            "Dự án có thu hồi đất",
            "An sinh xã hội",
            "Xây dựng nông thôn mới",
            "Đô thị văn minh",
        ]
        downgrade(revision=BEFORE)
        with db.engine.connect() as conn:
            units = dict(conn.execute(sa.text("SELECT name, sort_key FROM units")).all())
            exemplar = conn.execute(
                sa.text("SELECT sort_key FROM exemplars WHERE kind = 'individual'")
            ).scalar_one()
        # One code per digit again: "Phường 10" before "Phường 2", people by surname.
        assert units["Phường 10"] < units["Phường 2"]
        # A name without digits has the same key in both: the surname comes first again.
        assert exemplar == sort_key("Trần Văn An")
        db.engine.dispose()
