"""trigram search indexes (PostgreSQL)

GIN pg_trgm indexes on initiatives.search_text and exemplars.search_text, so that
PostgreSQL answers the lists' "contains" searches (LIKE '%…%') from an index instead of
scanning the wide rows. PostgreSQL only: SQLite has no such index and walks the
(sort_key, search_text) B-tree instead, so this revision does nothing there. The models
build the same through DDL events (dankheo.models.registry.TRIGRAM_INDEXES).

Revision ID: 5c2d9e1b7a40
Revises: 0a58c1c1fd7f
Create Date: 2026-11-27 09:00:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = "5c2d9e1b7a40"
down_revision = "0a58c1c1fd7f"
branch_labels = None
depends_on = None

# Index name -> table (kept in step with dankheo.models.registry.TRIGRAM_INDEXES; a
# migration does not import the models, which change after it).
INDEXES = {
    "ix_initiatives_search_trgm": "initiatives",
    "ix_exemplars_search_trgm": "exemplars",
}


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table in INDEXES.items():
        op.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (search_text gin_trgm_ops)")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for name in INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
    # The extension stays: other objects of the database may use it.
