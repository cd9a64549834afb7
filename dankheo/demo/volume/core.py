"""The volume generator's fixed figures and bulk-insert plumbing: ids handed out in
Python, rows inserted in chunks, PostgreSQL sequences moved past them."""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from dankheo.extensions import db
from dankheo.models.base import bulk_insert

PROVINCE_CODE = "VOL"
PROVINCE_NAME = "Tỉnh Bình An"
PHASE_START = date(2021, 1, 1)
OLD_END = date(2025, 6, 30)
NEW_START = date(2025, 7, 1)
YEARS = (2021, 2022, 2023, 2024, 2025)
CAMPAIGN_YEAR = 2025
CHUNK = 5_000


@dataclass(frozen=True)
class VolumeCounts:
    units: int = 5_000
    initiatives: int = 100_000
    exemplars: int = 20_000
    nominations: int = 2_000
    reviewers: int = 30
    certificates: int = 5_000


def lower_first(name: str) -> str:
    return name[0].lower() + name[1:]


class Ids:
    """The next free id of each table, read once, then handed out in Python."""

    def __init__(self) -> None:
        self._next: dict[str, int] = {}

    def take(self, model) -> int:
        table = model.__table__
        if table.name not in self._next:
            current = db.session.scalar(sa.select(sa.func.max(table.c.id))) or 0
            self._next[table.name] = current + 1
        value = self._next[table.name]
        self._next[table.name] = value + 1
        return value

    def tables(self) -> list[str]:
        return list(self._next)


def insert(model, rows: list[dict]) -> None:
    """Bulk rows of ``model`` (or a plain table): COPY on PostgreSQL, executemany else."""
    table = getattr(model, "__table__", model)
    bulk_insert(db.session, table, rows, CHUNK)


def fix_sequences(ids: Ids) -> None:
    """PostgreSQL: explicit ids do not advance the id sequences; move them on."""
    if db.engine.dialect.name != "postgresql":
        return
    tables = {t.name: t for t in db.metadata.sorted_tables}
    for name in ids.tables():
        top = db.session.scalar(sa.select(sa.func.max(tables[name].c.id)))
        db.session.execute(
            sa.text("SELECT setval(pg_get_serial_sequence(:table, 'id'), :top)"),
            {"table": name, "top": top},
        )
