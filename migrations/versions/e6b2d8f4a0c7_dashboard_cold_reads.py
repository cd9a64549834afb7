"""Cold dashboard at national volume: a partial index of the replicating initiatives by
scope (unit_path, first_year, replicated_from_id, unit_id); on PostgreSQL the kept
figures (report_counts, report_tallies) rewritten in key order, so that a root's rows
lie together on disk as the rebuild now writes them

Revision ID: e6b2d8f4a0c7
Revises: c4d9e2f7a1b3
Create Date: 2026-11-30 08:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e6b2d8f4a0c7"
down_revision = "c4d9e2f7a1b3"
branch_labels = None
depends_on = None


def upgrade():
    # A plain CREATE INDEX (no batch copy of the table: its FTS triggers stay).
    op.create_index(
        "ix_initiatives_replicated_scope",
        "initiatives",
        ["unit_path", "first_year", "replicated_from_id", "unit_id"],
        unique=False,
        sqlite_where=sa.text("replicated_from_id IS NOT NULL"),
        postgresql_where=sa.text("replicated_from_id IS NOT NULL"),
    )
    if op.get_bind().dialect.name == "postgresql":
        # Once: tables filled before the rebuild wrote in key order had a province's
        # rows on one page each (~11 s for 4 million rows nationally).
        op.execute("CLUSTER report_counts USING pk_report_counts")
        op.execute("CLUSTER report_tallies USING pk_report_tallies")
        op.execute("ANALYZE report_counts")
        op.execute("ANALYZE report_tallies")


def downgrade():
    op.drop_index("ix_initiatives_replicated_scope", table_name="initiatives")
