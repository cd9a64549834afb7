"""The lists' search condition: records whose ``search_text`` (accent-folded name and
unit) contains the folded query.

On PostgreSQL it is ``search_text LIKE '%…%'``, which the pg_trgm GIN index serves. On
SQLite the same LIKE reads every row, so a query of three characters or more asks the
FTS5 trigram table instead (``models.search_index``): ``id IN (SELECT rowid FROM
<fts> WHERE <fts> MATCH '"…"')``. The phrase of a trigram table matches the rows whose
text holds the query as a substring, exactly what the LIKE finds (same rows, so the
same order and counts): its characters are taken literally (``%``, ``_`` and
backslashes need no escape; a double quote is doubled), and both sides are folded to
lowercase. A shorter query has no trigram to look up and keeps the LIKE."""

import sqlalchemy as sa

from dankheo.extensions import db
from dankheo.models import Exemplar, Initiative
from dankheo.models.registry import SEARCH_FTS_TABLES
from dankheo.vietnamese import fold, search_pattern

FTS_TABLES = {Initiative: SEARCH_FTS_TABLES[0], Exemplar: SEARCH_FTS_TABLES[1]}
# A trigram index finds substrings of at least this many characters.
MIN_INDEXED = 3


def on_sqlite() -> bool:
    return db.session.get_bind().dialect.name == "sqlite"


def uses_index(query: str) -> bool:
    """Whether ``query`` is looked up in SQLite's trigram table."""
    folded = fold(query)
    return on_sqlite() and len(folded) >= MIN_INDEXED and "\x00" not in folded


def fts_phrase(query: str) -> str:
    """An FTS5 query matching the folded ``query`` as one literal string."""
    return '"' + fold(query).replace('"', '""') + '"'


def matching_ids(model, query: str) -> sa.Select:
    """SELECT of the rowids (ids) of ``model`` whose search text holds ``query``, from
    its FTS5 table (SQLite)."""
    fts = sa.table(FTS_TABLES[model])
    return (
        sa.select(sa.literal_column(f"{fts.name}.rowid"))
        .select_from(fts)
        .where(sa.literal_column(fts.name).match(fts_phrase(query)))
    )


def search_condition(
    model, query: str, *, indexed: bool = True, probe: bool = False
) -> sa.ColumnElement[bool]:
    """``model``'s records whose search text contains the folded ``query``.
    ``indexed=False``: the LIKE, for a plan that walks the name index in order and tests
    each entry, which stops after a page when matches are dense (the FTS list would be
    built in full first). ``probe``: the matches' ids are a list the rows read by another
    index (a scope's path range) are tested against, not the rows to fetch (``id + 0``
    keeps SQLite from looking each match up by id: a common word matches thousands)."""
    if indexed and uses_index(query):
        column = model.id + 0 if probe else model.id
        return column.in_(matching_ids(model, query))
    return model.search_text.like(search_pattern(query), escape="\\")


def fts_driven(model, query: str) -> sa.Select:
    """SELECT of ``model``'s ids read from its FTS table, each match joined to its row:
    a capped count stops after its cap (``id IN (…)`` would build the whole list of
    matches first). The caller adds its other conditions."""
    fts = sa.table(FTS_TABLES[model])
    rowid = sa.literal_column(f"{fts.name}.rowid")
    return (
        sa.select(model.id)
        .select_from(fts)
        .join(model, model.id == rowid)
        .where(sa.literal_column(fts.name).match(fts_phrase(query)))
    )
