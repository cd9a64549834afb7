"""trust: session tokens, sign-in log by address, "only one" constraints, score visibility

- users.session_token: every session names it; replacing it revokes them all. Existing
  users get a random token each (everyone signs in again once after the upgrade: the
  old cookies carried no token).
- ix_login_attempts_remote_addr_at: sign-in throttling by client address.
- uq_nominations_open_initiative / _exemplar: one open nomination per subject and
  campaign (partial unique indexes: withdrawn and rejected ones leave room).
- uq_certificates_live_nomination: one standing (pending or valid) certificate per
  nomination.
- uq_conflicts_of_interest_pending: one declaration awaiting the secretary per reviewer
  and nomination.
- campaigns.show_scores_after_submission (false: reviewers see the others' scores only
  once the ranking closes).

Rows that break a new rule (made before it existed) stop the upgrade with the list of
them: which to keep is a person's decision (docs/operations.md, Migrations).

Revision ID: e14a7c3d9b21
Revises: 7e781c9fb8c9
Create Date: 2026-11-30 09:00:00

"""

import secrets

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e14a7c3d9b21"
down_revision = "7e781c9fb8c9"
branch_labels = None
depends_on = None

OPEN_NOMINATION = sa.text("state NOT IN ('withdrawn', 'rejected')")
LIVE_CERTIFICATE = sa.text("status <> 'revoked'")
PENDING_DECLARATION = sa.text("status = 'pending' AND nomination_id IS NOT NULL")

# (index, table, columns, condition): what each new unique index will refuse.
UNIQUE_RULES = [
    ("uq_nominations_open_initiative", "nominations", ("campaign_id", "initiative_id"), OPEN_NOMINATION),
    ("uq_nominations_open_exemplar", "nominations", ("campaign_id", "exemplar_id"), OPEN_NOMINATION),
    ("uq_certificates_live_nomination", "certificates", ("nomination_id",), LIVE_CERTIFICATE),
    ("uq_conflicts_of_interest_pending", "conflicts_of_interest", ("reviewer_id", "nomination_id"), PENDING_DECLARATION),
]


def _violations(conn) -> list[str]:
    found = []
    for name, table, columns, condition in UNIQUE_RULES:
        cols = ", ".join(columns)
        not_null = " AND ".join(f"{c} IS NOT NULL" for c in columns)
        rows = conn.execute(
            sa.text(
                f"SELECT {cols}, count(*) FROM {table} "  # noqa: S608 (constant names)
                f"WHERE {condition.text} AND {not_null} GROUP BY {cols} HAVING count(*) > 1"
            )
        ).fetchall()
        for row in rows:
            key = ", ".join(f"{c}={v}" for c, v in zip(columns, row[:-1], strict=True))
            found.append(f"{table}: {row[-1]} rows with {key} ({name})")
    return found


def upgrade():
    conn = op.get_bind()
    problems = _violations(conn)
    if problems:
        raise RuntimeError(
            "These rows break a rule the upgrade makes a database constraint; withdraw, "
            "revoke or decide the extra ones, then run the upgrade again:\n  "
            + "\n  ".join(problems)
        )

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_token", sa.String(length=64), nullable=True))
    users = sa.table("users", sa.column("id", sa.Integer), sa.column("session_token", sa.String))
    for (user_id,) in conn.execute(sa.select(users.c.id)).fetchall():
        conn.execute(
            users.update()
            .where(users.c.id == user_id)
            .values(session_token=secrets.token_urlsafe(32))
        )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.alter_column("session_token", existing_type=sa.String(length=64), nullable=False)

    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "show_scores_after_submission",
                sa.Boolean(),
                server_default=sa.false(),
                nullable=False,
            )
        )

    with op.batch_alter_table("login_attempts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_login_attempts_remote_addr_at", ["remote_addr", "at"], unique=False
        )

    for name, table, columns, condition in UNIQUE_RULES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(
                name,
                list(columns),
                unique=True,
                sqlite_where=condition,
                postgresql_where=condition,
            )


def downgrade():
    for name, table, _columns, _condition in reversed(UNIQUE_RULES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(name)
    with op.batch_alter_table("login_attempts", schema=None) as batch_op:
        batch_op.drop_index("ix_login_attempts_remote_addr_at")
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_column("show_scores_after_submission")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("session_token")
