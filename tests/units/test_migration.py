"""Migration 3e7a1c5b9d20 widens the kind constraints (the drift test compares column
types, not CHECK constraints) and its downgrade maps the new kinds back."""

import os
import uuid

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from dankheo import create_app
from dankheo.extensions import db
from tests.conftest import make_test_config

TEST_DB_URI = os.environ.get("DANKHEO_TEST_DATABASE_URI", "sqlite://")
REVISION, BEFORE = "3e7a1c5b9d20", "8b1f3c2d4e5a"


@pytest.fixture
def migrated_app(tmp_path):
    """An app on an empty database of its own (a file on SQLite, a new database on the
    PostgreSQL test server), upgraded to the head."""
    admin = None
    if TEST_DB_URI.startswith("postgresql"):
        url = sa.make_url(TEST_DB_URI)
        name = f"dankheo_units_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        uri = url.set(database=name).render_as_string(hide_password=False)
    else:
        uri = f"sqlite:///{tmp_path}/migrated.sqlite3"
    app = create_app(make_test_config(tmp_path, SQLALCHEMY_DATABASE_URI=uri))
    try:
        with app.app_context():
            upgrade()
            yield app
            db.session.remove()
            db.engine.dispose()
    finally:
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


def _insert_unit(conn, code: str, kind: str) -> int:
    return conn.execute(
        sa.text(
            "INSERT INTO units (code, name, kind, path, depth, search_text, sort_key) "
            "VALUES (:code, :code, :kind, '', 0, '', '') RETURNING id"
        ),
        {"code": code, "kind": kind},
    ).scalar_one()


def test_new_kinds_are_accepted_and_unknown_ones_refused(migrated_app):
    with db.engine.begin() as conn:
        old = _insert_unit(conn, "CU-705", "rural_district")
        new = _insert_unit(conn, "92", "municipality")
        conn.execute(
            sa.text(
                "INSERT INTO unit_successions (predecessor_id, successor_id, kind, "
                "effective_on, note, is_default) VALUES (:old, :new, 'keep', '2025-07-01', "
                "'', :yes)"
            ),
            {"old": old, "new": new, "yes": True},
        )
    with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
        _insert_unit(conn, "X", "galaxy")


def test_downgrade_maps_new_kinds_back(migrated_app):
    with db.engine.begin() as conn:
        old = _insert_unit(conn, "CU-705", "rural_district")
        new = _insert_unit(conn, "92", "municipality")
        conn.execute(
            sa.text(
                "INSERT INTO unit_successions (predecessor_id, successor_id, kind, "
                "effective_on, note) VALUES (:old, :new, 'keep', '2025-07-01', '')"
            ),
            {"old": old, "new": new},
        )
    downgrade(revision=BEFORE)
    with db.engine.connect() as conn:
        kinds = dict(conn.execute(sa.text("SELECT code, kind FROM units")).all())
        successions = conn.execute(sa.text("SELECT count(*) FROM unit_successions")).scalar()
    assert kinds == {"CU-705": "district", "92": "province"}
    assert successions == 0
    upgrade(revision=REVISION)
