"""Scope paths on registry records: initiatives, their year rows and exemplars carry
their unit's materialised path (unit_path), indexed for scoped lists

Revision ID: 7d4e2a9c1f60
Revises: c0d47ad6217c
Create Date: 2026-11-30 00:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "7d4e2a9c1f60"
down_revision = "c0d47ad6217c"
branch_labels = None
depends_on = None

_TABLES = ("initiatives", "initiative_years", "exemplars")


def _path_type():
    return sa.String(length=400).with_variant(sa.String(length=400, collation="C"), "postgresql")


def upgrade():
    for table in _TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("unit_path", _path_type(), server_default="", nullable=False)
            )
        op.execute(
            f"UPDATE {table} SET unit_path = "
            f"(SELECT units.path FROM units WHERE units.id = {table}.unit_id)"
        )
    with op.batch_alter_table("initiatives", schema=None) as batch_op:
        batch_op.drop_index("ix_initiatives_sort_key_search")
        batch_op.create_index(
            "ix_initiatives_sort_scope", ["sort_key", "search_text", "unit_path"], unique=False
        )
        batch_op.create_index(
            "ix_initiatives_unit_path_sort", ["unit_path", "sort_key"], unique=False
        )
    with op.batch_alter_table("initiative_years", schema=None) as batch_op:
        batch_op.create_index(
            "ix_initiative_years_year_path", ["year", "unit_path", "initiative_id"], unique=False
        )
    with op.batch_alter_table("exemplars", schema=None) as batch_op:
        batch_op.create_index("ix_exemplars_sort_scope", ["sort_key", "unit_path"], unique=False)
        batch_op.create_index(
            "ix_exemplars_unit_path_sort", ["unit_path", "sort_key"], unique=False
        )


def downgrade():
    with op.batch_alter_table("exemplars", schema=None) as batch_op:
        batch_op.drop_index("ix_exemplars_unit_path_sort")
        batch_op.drop_index("ix_exemplars_sort_scope")
    with op.batch_alter_table("initiative_years", schema=None) as batch_op:
        batch_op.drop_index("ix_initiative_years_year_path")
    with op.batch_alter_table("initiatives", schema=None) as batch_op:
        batch_op.drop_index("ix_initiatives_unit_path_sort")
        batch_op.drop_index("ix_initiatives_sort_scope")
        batch_op.create_index(
            "ix_initiatives_sort_key_search", ["sort_key", "search_text"], unique=False
        )
    for table in reversed(_TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("unit_path")
