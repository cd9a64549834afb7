"""Report tallies: the dashboard's other kept figures (exemplars, nominations, awards,
the year reports' sums, indicators, priority areas) per (mode, root unit, year, bucket,
measure, key); the kept figures go stale until the next rebuild fills them

Revision ID: c4d9e2f7a1b3
Revises: a4c9e2f7b1d3
Create Date: 2026-11-30 05:10:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c4d9e2f7a1b3"
down_revision = "a4c9e2f7b1d3"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "report_tallies",
        sa.Column("mode", sa.String(length=10), nullable=False),
        sa.Column("root_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("bucket_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("measure", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.Column("total", sa.Numeric(precision=28, scale=6), nullable=False),
        sa.PrimaryKeyConstraint(
            "mode", "root_id", "year", "bucket_id", "measure", "key",
            name=op.f("pk_report_tallies"),
        ),
    )
    # Empty: the kept figures are stale (the dashboard counts the records) until the
    # rebuild the first dashboard queues (or flask --app dankheo rebuild-report-counts).
    op.execute(sa.text("UPDATE report_counts_state SET valid = false"))


def downgrade():
    op.drop_table("report_tallies")
