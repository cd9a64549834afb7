"""SQLite search index: FTS5 trigram tables over initiatives' and exemplars'
search_text, kept in step by triggers, filled from the existing rows

On SQLite the lists' "contains" search (LIKE '%…%') read every row; an external-content
FTS5 table with the trigram tokenizer answers it from an index (the counterpart of
PostgreSQL's pg_trgm indexes, revision 5c2d9e1b7a40). SQLite only: PostgreSQL is
unchanged. The models build the same through DDL events (dankheo.models.search_index).

Revision ID: f3b8c1d7e5a2
Revises: d7a1b3c5e9f2
Create Date: 2026-11-30 03:30:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = "f3b8c1d7e5a2"
down_revision = "d7a1b3c5e9f2"
branch_labels = None
depends_on = None

# FTS table -> content table (kept in step with dankheo.models.search_index; a
# migration does not import the models, which change after it).
TABLES = {
    "initiatives_fts": "initiatives",
    "exemplars_fts": "exemplars",
}


def _statements(fts: str, table: str) -> list[str]:
    remove = (
        f"INSERT INTO {fts}({fts}, rowid, search_text) "
        "VALUES ('delete', old.id, old.search_text);"
    )
    add = f"INSERT INTO {fts}(rowid, search_text) VALUES (new.id, new.search_text);"
    return [
        f"CREATE VIRTUAL TABLE {fts} USING fts5(search_text, content='{table}', "
        "content_rowid='id', tokenize='trigram')",
        f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN {add} END",
        f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN {remove} END",
        f"CREATE TRIGGER {fts}_au AFTER UPDATE OF search_text ON {table} BEGIN {remove} {add} END",
        # Index the rows already there.
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
    ]


def upgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    for fts, table in TABLES.items():
        for statement in _statements(fts, table):
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    for fts in TABLES:
        for suffix in ("_ai", "_ad", "_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {fts}{suffix}")
        op.execute(f"DROP TABLE IF EXISTS {fts}")
