"""Dashboard indexes: initiatives (replicated_from_id, first_year, unit_path, unit_id)
replaces the single-column index on replicated_from_id; exemplars (year, unit_path,
kind, unit_id)

Revision ID: c2f9a4e6b8d1
Revises: b5e8d3a1c7f2
Create Date: 2026-11-30 02:00:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = "c2f9a4e6b8d1"
down_revision = "b5e8d3a1c7f2"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("initiatives", schema=None) as batch_op:
        batch_op.drop_index("ix_initiatives_replicated_from_id")
        batch_op.create_index(
            "ix_initiatives_replication",
            ["replicated_from_id", "first_year", "unit_path", "unit_id"],
            unique=False,
        )
    with op.batch_alter_table("exemplars", schema=None) as batch_op:
        batch_op.create_index(
            "ix_exemplars_report", ["year", "unit_path", "kind", "unit_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("exemplars", schema=None) as batch_op:
        batch_op.drop_index("ix_exemplars_report")
    with op.batch_alter_table("initiatives", schema=None) as batch_op:
        batch_op.drop_index("ix_initiatives_replication")
        batch_op.create_index(
            "ix_initiatives_replicated_from_id", ["replicated_from_id"], unique=False
        )
