"""Fixtures for the official-units loader: one app per module (loading is the slow
part, so a module loads once and its tests only read), and helpers that read units."""

import hashlib
from datetime import date

import pytest
import sqlalchemy as sa

from dankheo import create_app
from dankheo.extensions import db
from dankheo.models.units import COMMUNE_LEVEL_KINDS, DISTRICT_LEVEL_KINDS, Unit, UnitSuccession
from dankheo.tree import within_prefix
from tests.conftest import _empty_tables, _prepare_schema, make_test_config

LAST_OLD_DAY = date(2025, 6, 30)
FIRST_NEW_DAY = date(2025, 7, 1)


@pytest.fixture(scope="module")
def module_app(tmp_path_factory):
    """An app with an empty database, kept for the whole module."""
    app = create_app(make_test_config(tmp_path_factory.mktemp("units")))
    with app.app_context():
        _prepare_schema()
        yield app
        _empty_tables()


def load(app, *args: str):
    """Run ``flask units load-official`` with ``args``; the result (output, exit code)."""
    result = app.test_cli_runner().invoke(args=["units", "load-official", *args])
    db.session.remove()  # the next reads see what the command committed
    return result


def unit(code: str) -> Unit:
    return db.session.scalar(sa.select(Unit).where(Unit.code == code))


def subtree_ids(code: str) -> set[int]:
    """Ids of unit ``code`` and every unit below it."""
    root = unit(code)
    return set(db.session.scalars(sa.select(Unit.id).where(within_prefix(Unit.path, root.path))))


def units_under(code: str, kinds, day: date) -> list[Unit]:
    """Units of ``kinds`` in the subtree of unit ``code`` that are open on ``day``."""
    root = unit(code)
    found = db.session.scalars(
        sa.select(Unit).where(within_prefix(Unit.path, root.path), Unit.kind.in_(kinds))
    )
    return [u for u in found if u.is_open_on(day)]


def communes_under(code: str, day: date) -> list[Unit]:
    return units_under(code, COMMUNE_LEVEL_KINDS, day)


def districts_under(code: str, day: date) -> list[Unit]:
    return units_under(code, DISTRICT_LEVEL_KINDS, day)


def successions_from(unit_ids) -> list[UnitSuccession]:
    return list(
        db.session.scalars(
            sa.select(UnitSuccession).where(UnitSuccession.predecessor_id.in_(list(unit_ids)))
        )
    )


def row_counts() -> dict[str, int]:
    return {
        table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
        for table in (Unit.__table__, UnitSuccession.__table__)
    }


def checksum(where=None) -> str:
    """SHA-256 of every column of every unit and succession row (in id order), or of
    the units whose id satisfies ``where`` and the successions from them."""
    digest = hashlib.sha256()
    units, successions = Unit.__table__, UnitSuccession.__table__
    unit_query = sa.select(units).order_by(units.c.id)
    succession_query = sa.select(successions).order_by(successions.c.id)
    if where is not None:
        unit_query = unit_query.where(where(units.c.id))
        succession_query = succession_query.where(where(successions.c.predecessor_id))
    for query in (unit_query, succession_query):
        for row in db.session.execute(query):
            digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()
