"""PostgreSQL: the scope-range indexes of initiatives and exemplars (unit_path, sort_key)
carry the id (INCLUDE), so a list reads a scope's ranges from the index alone; SQLite's
entries hold the id (the rowid) already: nothing to do there

Revision ID: e7b2c9d4f1a6
Revises: e6b2d8f4a0c7
Create Date: 2026-11-30 08:40:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = "e7b2c9d4f1a6"
down_revision = "e6b2d8f4a0c7"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_initiatives_unit_path_sort", "initiatives"),
    ("ix_exemplars_unit_path_sort", "exemplars"),
)


def _recreate(include: list[str]) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, table in INDEXES:
        # A plain CREATE INDEX (no batch copy of the table: SQLite's FTS triggers stay).
        op.drop_index(name, table_name=table)
        op.create_index(name, table, ["unit_path", "sort_key"], postgresql_include=include)


def upgrade():
    _recreate(["id"])


def downgrade():
    _recreate([])
