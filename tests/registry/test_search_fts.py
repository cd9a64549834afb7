"""On SQLite, searches of three characters or more ask the FTS5 trigram tables
(models.search_index) instead of reading every row with LIKE: the same rows, in the
same order, with the same counts as the LIKE filter, whatever the text (diacritics,
case, %, _, backslashes, quotes); the triggers keep the tables in step with every
write, and the migrated schema holds the same tables and triggers as create_all's."""

import os
import random

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask import current_app
from flask_migrate import downgrade, upgrade
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dankheo import create_app
from dankheo.extensions import db
from dankheo.models import Exemplar, ExemplarKind, Initiative, YearStatus
from dankheo.models.base import bulk_insert
from dankheo.models.search_index import TABLES
from dankheo.registry import exemplar_queries, queries, search
from dankheo.vietnamese import fold, search_pattern, sort_key
from tests.conftest import make_test_config
from tests.factories import make_exemplar, make_initiative, make_province

FTS_REVISION = "f3b8c1d7e5a2"

pytestmark = pytest.mark.skipif(
    not os.environ.get("DANKHEO_TEST_DATABASE_URI", "sqlite").startswith("sqlite"),
    reason="SQLite's FTS5 index; PostgreSQL has its trigram indexes "
    "(tests/registry/test_search_index_postgres.py)",
)

# Text that folding and escaping must get right: Vietnamese letters with and without
# their marks, upper case, LIKE's wildcards and escape, quotes, FTS5 syntax, spaces.
LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹìỉĩíịòỏõóọờởỡớợùủũúụừửữứựỳỷỹýỵ"
TRICKY = "%_\\\"'*()[]^:-+ ?"
ALPHABET = LETTERS + LETTERS.upper() + TRICKY + "0123456789" + "  "
WORDS = ["Đường", "hoa", "Dân", "vận", "khéo", "Nguyễn", "Văn", "50%", "a_b", "x\\y", 'nói "có"']

settings_ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _name(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(0, 3))]
    words.append("".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 12))))
    rng.shuffle(words)
    return " ".join(words)


@pytest.fixture
def corpus(units):
    """180 initiatives (some public) and 120 exemplars with tricky names, in the
    province's communes."""
    rng = random.Random(16)
    communes = [units[k] for k in ("c11", "c12", "c21", "c22")]
    for i in range(180):
        status = YearStatus.RECOGNISED if i % 3 else YearStatus.REGISTERED
        make_initiative(rng.choice(communes), _name(rng), status=status)
    for _ in range(120):
        make_exemplar(rng.choice(communes), _name(rng))
    db.session.commit()
    return units


def _ids(model, condition) -> list[int]:
    order = (model.sort_key, model.id)
    return list(db.session.scalars(sa.select(model.id).where(condition).order_by(*order)))


def _like(model, query: str):
    return model.search_text.like(search_pattern(query), escape="\\")


def _queries(corpus_names: list[str]):
    """Queries: pieces of stored names (maybe re-cased, stripped of marks), words, or
    any text of the alphabet."""
    piece = st.tuples(
        st.sampled_from(corpus_names), st.integers(0, 30), st.integers(1, 8), st.booleans()
    ).map(lambda t: t[0][t[1] : t[1] + t[2]].upper() if t[3] else t[0][t[1] : t[1] + t[2]])
    return st.one_of(
        piece,
        piece.map(fold),
        st.sampled_from(WORDS),
        st.text(alphabet=ALPHABET, min_size=0, max_size=6),
    )


def test_fts_condition_is_used_for_three_characters_or_more(app):
    assert search.uses_index("đường")
    assert search.uses_index("a_%")
    assert not search.uses_index("đư")
    assert not search.uses_index("  ab  ")  # folded: "ab"
    sql = str(search.search_condition(Initiative, "duong").compile(db.engine))
    assert "initiatives_fts MATCH" in sql
    assert "LIKE" in str(search.search_condition(Initiative, "du").compile(db.engine))


@settings_
@given(data=st.data())
def test_fts_finds_exactly_what_like_finds(corpus, data):
    names = [i.name for i in db.session.scalars(sa.select(Initiative))]
    names += [e.name for e in db.session.scalars(sa.select(Exemplar))]
    query = data.draw(_queries(names), label="query")
    for model in (Initiative, Exemplar):
        expected = _ids(model, _like(model, query))
        assert _ids(model, search.search_condition(model, query)) == expected, (model, query)
        if search.uses_index(query):
            fts = _ids(model, model.id.in_(search.matching_ids(model, query)))
            assert fts == expected


def _pages(query: str, *, sort: str, direction: str, page: int):
    """Every list reading ``q``: the secretary's initiatives (capped count as the
    gallery), a district's, the gallery, the exemplars; ids and totals."""
    params = queries.ListParams(q=query, sort=sort, dir=direction, page=page)
    out = []
    for scope, public, cap in ((None, False, None), (["/1/2/"], False, 1000), (None, True, 5)):
        pagination = queries.initiative_page(
            params, scope, per_page=7, public=public, count_cap=cap
        )
        out.append(([i.id for i in pagination.items], pagination.total, pagination.capped))
    exemplars = exemplar_queries.exemplar_page(params, None, per_page=7)
    out.append(([e.id for e in exemplars.items], exemplars.total))
    return out


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_list_pages_are_the_same_with_fts_or_like(corpus, data, monkeypatch):
    names = [i.name for i in db.session.scalars(sa.select(Initiative).limit(60))]
    query = data.draw(_queries(names), label="query")
    sort = data.draw(st.sampled_from(queries.SORTS), label="sort")
    direction = data.draw(st.sampled_from(("asc", "desc")), label="dir")
    page = data.draw(st.integers(1, 3), label="page")
    with_index = _pages(query, sort=sort, direction=direction, page=page)
    with monkeypatch.context() as m:
        m.setattr(search, "uses_index", lambda _q: False)
        with_like = _pages(query, sort=sort, direction=direction, page=page)
    assert with_index == with_like


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    names=st.lists(st.text(alphabet=ALPHABET, min_size=1, max_size=15), min_size=1, max_size=8),
    renamed=st.text(alphabet=ALPHABET, min_size=1, max_size=15),
    query=st.text(alphabet=ALPHABET, min_size=3, max_size=5),
)
def test_triggers_keep_the_index_on_insert_rename_and_delete(units, names, renamed, query):
    rows = [make_initiative(units["c11"], name) for name in names]
    db.session.flush()
    _check_agrees(query)
    rows[0].name = renamed
    rows[0].search_text = fold(f"{renamed} {units['c11'].name}")
    db.session.flush()
    _check_agrees(query)
    _check_agrees(fold(renamed)[:4])
    for row in rows:
        db.session.delete(row)
    db.session.flush()
    _check_agrees(query)
    assert _ids(Initiative, search.search_condition(Initiative, "xa mot")) == []
    db.session.rollback()


def _check_agrees(query: str) -> None:
    expected = _ids(Initiative, _like(Initiative, query))
    assert _ids(Initiative, search.search_condition(Initiative, query)) == expected


def test_bulk_inserts_are_indexed(units):
    """seed-volume writes rows by ``bulk_insert`` (executemany on SQLite; COPY is
    PostgreSQL's): the insert trigger fires for each row."""
    rows = [
        {
            "kind": ExemplarKind.COLLECTIVE,
            "name": f"Tổ tự quản đường hoa {i}",
            "position": "",
            "unit_id": units["c12"].id,
            "unit_path": units["c12"].path,
            "year": 2024,
            "achievements": "",
            "search_text": fold(f"Tổ tự quản đường hoa {i} {units['c12'].name}"),
            "sort_key": sort_key(f"Tổ tự quản đường hoa {i}"),
            "version": 1,
        }
        for i in range(1200)
    ]
    bulk_insert(db.session, Exemplar.__table__, rows)
    found = _ids(Exemplar, search.search_condition(Exemplar, "duong hoa 11"))
    assert len(found) == 111  # 11, 110–119, 1100–1199
    assert found == _ids(Exemplar, _like(Exemplar, "duong hoa 11"))


def test_create_all_builds_the_tables_and_triggers(app):
    rows = dict(
        db.session.execute(
            sa.text("SELECT name, type FROM sqlite_master WHERE name LIKE '%\\_fts%' ESCAPE '\\'")
        ).all()
    )
    for fts in TABLES:
        assert rows[fts] == "table"
        assert {rows[f"{fts}_{s}"] for s in ("ai", "ad", "au")} == {"trigger"}


def _schema(conn) -> set[tuple[str, str]]:
    return set(
        conn.execute(
            sa.text(
                "SELECT name, sql FROM sqlite_master WHERE name LIKE '%fts%' "
                "AND type IN ('table', 'trigger')"
            )
        ).all()
    )


def _before_fts() -> str:
    config = current_app.extensions["migrate"].migrate.get_config()
    return ScriptDirectory.from_config(config).get_revision(FTS_REVISION).down_revision


def test_migrations_build_the_same_index_fill_it_and_drop_it(tmp_path, app):
    with db.engine.connect() as conn:
        built = _schema(conn)
    uri = f"sqlite:///{tmp_path}/migrated.sqlite3"
    migrated_app = create_app(make_test_config(tmp_path, SQLALCHEMY_DATABASE_URI=uri))
    with migrated_app.app_context():
        before = _before_fts()
        upgrade(revision=before)
        province = make_province()
        kept = make_initiative(province["c11"], "Tuyến đường hoa").id
        make_initiative(province["c12"], "Camera an ninh")
        make_exemplar(province["c21"], "Nguyễn Văn Hoa")
        db.session.commit()
        upgrade()
        with db.engine.connect() as conn:
            # The same tables and triggers as create_all's: a later batch migration that
            # rebuilds initiatives or exemplars must create the triggers again.
            assert _schema(conn) == built
        # Rows written before the migration were indexed by it.
        assert _ids(Initiative, search.search_condition(Initiative, "duong hoa")) == [kept]
        assert len(_ids(Exemplar, search.search_condition(Exemplar, "van hoa"))) == 1
        db.session.remove()
        downgrade(revision=before)
        with db.engine.connect() as conn:
            assert _schema(conn) == set()
        db.engine.dispose()


def test_backup_and_restore_keep_the_index(tmp_path):
    """The SQLite backup is a page copy of the file: the FTS tables and triggers travel
    with it, and a restored database searches (and keeps indexing) as before."""
    uri = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    file_app = create_app(make_test_config(tmp_path, SQLALCHEMY_DATABASE_URI=uri))
    with file_app.app_context():
        db.create_all()
        province = make_province()
        kept = make_initiative(province["c11"], "Tuyến đường hoa").id
        db.session.commit()
        runner = file_app.test_cli_runner()
        result = runner.invoke(args=["backup", "--output", str(tmp_path / "backups")])
        assert result.exit_code == 0, result.output
        (folder,) = [p for p in (tmp_path / "backups").iterdir() if p.is_dir()]
        db.session.remove()
        db.drop_all()
        db.create_all()
        assert _ids(Initiative, search.search_condition(Initiative, "duong hoa")) == []
        result = runner.invoke(args=["restore", str(folder)])
        assert result.exit_code == 0, result.output
        assert _ids(Initiative, search.search_condition(Initiative, "duong hoa")) == [kept]
        added = make_initiative(db.session.get(Initiative, kept).unit, "Đường hoa thứ hai").id
        found = _ids(Initiative, search.search_condition(Initiative, "duong hoa"))
        assert sorted(found) == sorted([kept, added])
        db.session.remove()
        db.engine.dispose()
