"""SQLite's search index: FTS5 tables with the trigram tokenizer over the
``search_text`` of initiatives and exemplars.

The lists search ``search_text`` for a substring (``LIKE '%…%'``), which no B-tree
serves: on PostgreSQL a pg_trgm GIN index answers it (``models.registry.TRIGRAM_INDEXES``);
on SQLite each of these tables does (``registry.search.search_condition``). Each is an
*external-content* table: it stores only the index, reads the text from its table by
rowid (the record's id), and is kept in step by three triggers on that table (insert,
delete, a change of ``search_text``), so every writer — the services, bulk inserts
(executemany fires them), a restore — leaves it right. ``create_all`` builds them through
the DDL events below; the migration ``f3b8c1d7e5a2`` does the same on SQLite and fills
them. They are not model tables: the migration-drift comparison skips them and their
shadow tables (``models.registry.include_schema_object``).

A batch migration that rebuilds ``initiatives`` or ``exemplars`` on SQLite drops the
table's triggers with it: it must create them again (``trigger_ddl``); a test compares
the migrated schema's triggers with these (tests/registry/test_search_fts.py).
"""

import sqlalchemy as sa

from dankheo.models.registry import SEARCH_FTS_TABLES, Exemplar, Initiative

TABLES = {
    SEARCH_FTS_TABLES[0]: Initiative.__table__,
    SEARCH_FTS_TABLES[1]: Exemplar.__table__,
}


def table_ddl(fts: str, table: str) -> str:
    return (
        f"CREATE VIRTUAL TABLE {fts} USING fts5(search_text, content='{table}', "
        "content_rowid='id', tokenize='trigram')"
    )


def trigger_ddl(fts: str, table: str) -> list[str]:
    """The triggers keeping ``fts`` in step with ``table`` (external content: a row is
    removed from the index with the text it was indexed with)."""
    # Names from TABLES, never from input.
    remove = (
        f"INSERT INTO {fts}({fts}, rowid, search_text) "  # noqa: S608
        "VALUES ('delete', old.id, old.search_text);"
    )
    add = f"INSERT INTO {fts}(rowid, search_text) VALUES (new.id, new.search_text);"  # noqa: S608
    return [
        f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN {add} END",
        f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN {remove} END",
        f"CREATE TRIGGER {fts}_au AFTER UPDATE OF search_text ON {table} BEGIN {remove} {add} END",
    ]


def rebuild_ddl(fts: str) -> str:
    """Index every row of the content table again (after a load that bypassed the
    triggers, or to repair)."""
    return f"INSERT INTO {fts}({fts}) VALUES ('rebuild')"  # noqa: S608 (names from TABLES)


for _fts, _table in TABLES.items():
    for _statement in [table_ddl(_fts, _table.name), *trigger_ddl(_fts, _table.name)]:
        sa.event.listen(_table, "after_create", sa.DDL(_statement).execute_if(dialect="sqlite"))
    sa.event.listen(
        _table, "before_drop", sa.DDL(f"DROP TABLE IF EXISTS {_fts}").execute_if(dialect="sqlite")
    )
