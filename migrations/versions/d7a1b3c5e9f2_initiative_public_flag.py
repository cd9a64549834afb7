"""Initiatives.is_public: recognised or outstanding in some year, kept from the year
rows; in the name index so public lists test it on the index entry

Revision ID: d7a1b3c5e9f2
Revises: c2f9a4e6b8d1
Create Date: 2026-11-30 02:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d7a1b3c5e9f2"
down_revision = "c2f9a4e6b8d1"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("initiatives", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("is_public", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    # One pass over the year rows (the column defaults to false).
    op.execute(
        sa.text(
            "UPDATE initiatives SET is_public = :yes WHERE id IN (SELECT initiative_id "
            "FROM initiative_years WHERE status IN ('recognised', 'outstanding'))"
        ).bindparams(yes=True)
    )
    with op.batch_alter_table("initiatives", schema=None) as batch_op:
        batch_op.drop_index("ix_initiatives_sort_scope")
        batch_op.create_index(
            "ix_initiatives_sort_scope",
            ["sort_key", "search_text", "unit_path", "is_public"],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table("initiatives", schema=None) as batch_op:
        batch_op.drop_index("ix_initiatives_sort_scope")
        batch_op.create_index(
            "ix_initiatives_sort_scope", ["sort_key", "search_text", "unit_path"], unique=False
        )
        batch_op.drop_column("is_public")
