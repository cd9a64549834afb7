"""Report counts: the dashboard's initiative counts kept per (roll-up, root unit, year,
bucket, field, status), and whether they are fresh

Revision ID: b5e8d3a1c7f2
Revises: 9a3f6b2c8e14
Create Date: 2026-11-30 01:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b5e8d3a1c7f2"
down_revision = "9a3f6b2c8e14"
branch_labels = None
depends_on = None

_YEAR_STATUSES = ("registered", "recognised", "outstanding", "dropped")


def upgrade():
    op.create_table(
        "report_counts",
        sa.Column("mode", sa.String(length=10), nullable=False),
        sa.Column("root_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("bucket_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("field_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                *_YEAR_STATUSES,
                name="year_status",
                native_enum=False,
                create_constraint=True,
                length=11,
            ),
            nullable=False,
        ),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "mode", "root_id", "year", "bucket_id", "field_id", "status",
            name=op.f("pk_report_counts"),
        ),
    )
    op.create_table(
        "report_counts_state",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("valid", sa.Boolean(), nullable=False),
        sa.Column("units_version", sa.BigInteger(), nullable=False),
        sa.Column("built_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_counts_state")),
    )
    # Empty and not valid: the dashboard counts the year rows until the first rebuild
    # (queued by the first dashboard, or flask --app dankheo reports rebuild-counts).


def downgrade():
    op.drop_table("report_counts_state")
    op.drop_table("report_counts")
