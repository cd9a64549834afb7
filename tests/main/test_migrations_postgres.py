"""On PostgreSQL, the migrations build exactly the models' schema (types, collations,
constraints and indexes as PostgreSQL reflects them)."""

import os
import uuid

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from dankheo import create_app
from dankheo.extensions import db
from dankheo.models.registry import TRIGRAM_INDEXES, include_schema_object
from tests.conftest import make_test_config

TEST_DB_URI = os.environ.get("DANKHEO_TEST_DATABASE_URI", "sqlite://")

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not TEST_DB_URI.startswith("postgresql"),
        reason="needs PostgreSQL: set DANKHEO_TEST_DATABASE_URI (scripts/with-postgres.sh)",
    ),
]


@pytest.fixture
def fresh_database_uri():
    """A new, empty database on the test server, dropped afterwards."""
    url = sa.make_url(TEST_DB_URI)
    name = f"dankheo_migrations_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        yield url.set(database=name).render_as_string(hide_password=False)
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def test_migrations_match_models_on_postgresql(tmp_path, fresh_database_uri):
    app = create_app(make_test_config(tmp_path, SQLALCHEMY_DATABASE_URI=fresh_database_uri))
    with app.app_context():
        try:
            upgrade()
            with db.engine.connect() as conn:
                context = MigrationContext.configure(
                    conn, opts={"compare_type": True, "include_object": include_schema_object}
                )
                diff = compare_metadata(context, db.metadata)
                trigram = conn.execute(
                    sa.text("SELECT indexname FROM pg_indexes WHERE indexdef LIKE '%gin_trgm_ops%'")
                ).scalars()
                trigram = set(trigram)
        finally:
            db.session.remove()
            db.engine.dispose()
    assert diff == []
    # The trigram indexes, outside the comparison, are built by the migrations too.
    assert trigram == set(TRIGRAM_INDEXES)
