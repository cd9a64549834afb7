"""users.search_text: accent-folded username, name and e-mail for the users search

Revision ID: 8b1f3c2d4e5a
Revises: 5c2d9e1b7a40
Create Date: 2026-11-27 09:40:00

"""
import unicodedata

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "8b1f3c2d4e5a"
down_revision = "5c2d9e1b7a40"
branch_labels = None
depends_on = None


def _fold(text: str) -> str:
    # A copy of dankheo.vietnamese.fold as it is today: a migration must not change
    # meaning when the application's code does.
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d").replace("Đ", "d"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.split())


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("search_text", sa.String(length=600), server_default="", nullable=False)
        )
    users = sa.table(
        "users",
        sa.column("id", sa.Integer),
        sa.column("username", sa.String),
        sa.column("full_name", sa.String),
        sa.column("email", sa.String),
        sa.column("search_text", sa.String),
    )
    conn = op.get_bind()
    rows = conn.execute(sa.select(users.c.id, users.c.username, users.c.full_name, users.c.email))
    for user_id, username, full_name, email in rows.fetchall():
        conn.execute(
            users.update()
            .where(users.c.id == user_id)
            .values(search_text=_fold(f"{username} {full_name} {email or ''}"))
        )


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("search_text")
