"""The migrations build exactly the models' schema."""

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from dankheo import create_app
from dankheo.extensions import db
from dankheo.models.registry import include_schema_object
from tests.conftest import make_test_config


@pytest.mark.skipif(
    not os.environ.get("DANKHEO_TEST_DATABASE_URI", "sqlite").startswith("sqlite"),
    reason="the PostgreSQL run checks drift in tests/main/test_migrations_postgres.py",
)
def test_migrations_match_models(tmp_path):
    uri = f"sqlite:///{tmp_path}/migrated.sqlite3"
    app = create_app(make_test_config(tmp_path, SQLALCHEMY_DATABASE_URI=uri))
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "include_object": include_schema_object}
            )
            diff = compare_metadata(context, db.metadata)
        db.engine.dispose()
    assert diff == []


@pytest.mark.skipif(
    not os.environ.get("DANKHEO_TEST_DATABASE_URI", "sqlite").startswith("sqlite"),
    reason="the data migration is the same SQL on PostgreSQL",
)
def test_user_search_migration_folds_existing_users(tmp_path):
    import sqlalchemy as sa

    uri = f"sqlite:///{tmp_path}/migrated.sqlite3"
    app = create_app(make_test_config(tmp_path, SQLALCHEMY_DATABASE_URI=uri))
    with app.app_context():
        upgrade(revision="5c2d9e1b7a40")
        with db.engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO users (username, full_name, email, password_hash, active, "
                    "created_at) VALUES ('thuha', 'Nguyễn Thị Thu Hà', '', 'x', 1, "
                    "'2025-01-01 00:00:00')"
                )
            )
        upgrade()
        with db.engine.connect() as conn:
            folded = conn.execute(sa.text("SELECT search_text FROM users")).scalar_one()
        db.engine.dispose()
    assert folded == "thuha nguyen thi thu ha"
