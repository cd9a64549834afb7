"""Kept ranking scores: one row a nomination (assigned, done, mean, median, spread of
its submitted scorecards), maintained by the transaction that changes them and filled
here from the existing scorecards

The ranking sorted by median computed every nomination's median from its scorecards on
each request; now it reads these rows (dankheo.models.review_scores). Also the
nominations list's order index (updated_at, id) with the columns its scope tests, which
a province-wide list walks newest first on SQLite.

Revision ID: a4c6e8f0b2d1
Revises: f3b8c1d7e5a2
Create Date: 2026-11-30 05:30:00

"""
import statistics
from decimal import Decimal

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a4c6e8f0b2d1"
down_revision = "f3b8c1d7e5a2"
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        "nomination_scores",
        sa.Column("nomination_id", sa.Integer(), nullable=False),
        sa.Column("award_type_id", sa.Integer(), nullable=False),
        sa.Column("assigned", sa.Integer(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("mean", sa.Float(), nullable=True),
        sa.Column("median", sa.Float(), nullable=True),
        sa.Column("spread", sa.Float(), nullable=True),
        sa.CheckConstraint(
            "done >= 0 AND done <= assigned",
            name=op.f("ck_nomination_scores_done_within_assigned"),
        ),
        sa.CheckConstraint(
            "(done = 0) = (mean IS NULL)", name=op.f("ck_nomination_scores_mean_when_done")
        ),
        sa.ForeignKeyConstraint(
            ["award_type_id"],
            ["award_types.id"],
            name=op.f("fk_nomination_scores_award_type_id_award_types"),
        ),
        sa.ForeignKeyConstraint(
            ["nomination_id"],
            ["nominations.id"],
            name=op.f("fk_nomination_scores_nomination_id_nominations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("nomination_id", name=op.f("pk_nomination_scores")),
    )
    op.create_index(
        "ix_nomination_scores_award_type_mean", "nomination_scores", ["award_type_id", "mean"]
    )
    op.create_index(
        "ix_nomination_scores_award_type_median", "nomination_scores", ["award_type_id", "median"]
    )
    op.create_index(
        "ix_nominations_updated_at",
        "nominations",
        ["updated_at", "id", "unit_id", "campaign_id"],
    )
    # The existing scorecards (the same computation as review_scores.summarise; a
    # migration does not import the models, which change after it).
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT a.nomination_id, n.award_type_id, s.submitted_at, s.total "
            "FROM assignments a JOIN nominations n ON n.id = a.nomination_id "
            "LEFT JOIN scorecards s ON s.assignment_id = a.id"
        )
    )
    figures: dict[int, dict] = {}
    for nomination_id, award_type_id, submitted_at, total in rows:
        entry = figures.setdefault(
            nomination_id, {"award_type_id": award_type_id, "assigned": 0, "totals": []}
        )
        entry["assigned"] += 1
        if submitted_at is not None:
            entry["totals"].append(Decimal(str(total)) if total is not None else Decimal(0))
    out = []
    for nomination_id, entry in sorted(figures.items()):
        totals = entry["totals"]
        values = [float(t) for t in totals]
        out.append(
            {
                "nomination_id": nomination_id,
                "award_type_id": entry["award_type_id"],
                "assigned": entry["assigned"],
                "done": len(values),
                "mean": float(sum(totals) / len(totals)) if totals else None,
                "median": float(statistics.median(values)) if values else None,
                "spread": max(values) - min(values) if values else None,
            }
        )
    for start in range(0, len(out), 1000):
        op.bulk_insert(table, out[start : start + 1000])


def downgrade():
    op.drop_index("ix_nominations_updated_at", table_name="nominations")
    op.drop_index("ix_nomination_scores_award_type_median", table_name="nomination_scores")
    op.drop_index("ix_nomination_scores_award_type_mean", table_name="nomination_scores")
    op.drop_table("nomination_scores")
