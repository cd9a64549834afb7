"""Initiatives: a narrow partial index of the public ones in name order (sort_key, id),
so a deep page of the gallery or the open-data API reads its ids from it alone

Revision ID: a4c9e2f7b1d3
Revises: a4c6e8f0b2d1
Create Date: 2026-11-30 05:20:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a4c9e2f7b1d3"
down_revision = "a4c6e8f0b2d1"
branch_labels = None
depends_on = None


def upgrade():
    # A plain CREATE INDEX (no batch copy of the table: its FTS triggers stay).
    op.create_index(
        "ix_initiatives_public_name",
        "initiatives",
        ["sort_key", "id"],
        unique=False,
        sqlite_where=sa.text("is_public IS 1"),
        postgresql_where=sa.text("is_public IS true"),
    )


def downgrade():
    op.drop_index("ix_initiatives_public_name", table_name="initiatives")
