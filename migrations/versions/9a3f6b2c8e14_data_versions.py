"""Data versions: one counter per public dataset, moved on by each commit that changes it

Revision ID: 9a3f6b2c8e14
Revises: 7d4e2a9c1f60
Create Date: 2026-11-30 01:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "9a3f6b2c8e14"
down_revision = "7d4e2a9c1f60"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "data_versions",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_data_versions")),
    )


def downgrade():
    op.drop_table("data_versions")
