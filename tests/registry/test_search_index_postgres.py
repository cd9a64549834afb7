"""On PostgreSQL, the lists' "contains" searches (LIKE '%…%' on search_text) can be
answered from the pg_trgm GIN indexes that create_all and the migrations build."""

import os

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from dankheo.campaigns import services as campaign_services
from dankheo.extensions import db
from dankheo.models import Exemplar, Initiative, YearStatus
from dankheo.models.registry import TRIGRAM_INDEXES
from dankheo.registry import queries
from dankheo.vietnamese import search_pattern
from tests.factories import make_exemplar, make_initiative, make_province

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not os.environ.get("DANKHEO_TEST_DATABASE_URI", "sqlite").startswith("postgresql"),
        reason="needs PostgreSQL: set DANKHEO_TEST_DATABASE_URI (scripts/with-postgres.sh)",
    ),
]


@pytest.fixture
def units(app):
    units = make_province()
    campaign_services.ensure_default_fields()
    for i in range(30):
        make_initiative(units["c11"], f"Tuyến đường hoa số {i}", status=YearStatus.RECOGNISED)
        make_initiative(units["c12"], f"Camera an ninh số {i}", status=YearStatus.RECOGNISED)
        make_exemplar(units["c21"], f"Nguyễn Văn Hoa {i}")
    db.session.commit()
    return units


def _plan(stmt: sa.Select) -> str:
    """EXPLAIN of ``stmt`` with sequential scans and B-tree scans priced out, so the
    plan shows whether an index can answer the condition at all (a test database is
    too small for the planner to prefer one on its own)."""
    sql = stmt.compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True})
    with db.engine.connect() as conn:
        conn.execute(sa.text("ANALYZE initiatives; ANALYZE exemplars"))
        conn.execute(sa.text("SET enable_seqscan = off"))
        conn.execute(sa.text("SET enable_indexscan = off"))
        conn.execute(sa.text("SET enable_indexonlyscan = off"))
        rows = conn.execute(sa.text(f"EXPLAIN {sql}")).scalars().all()
    return "\n".join(rows)


def test_create_all_builds_the_trigram_indexes(units):
    rows = db.session.execute(
        sa.text("SELECT indexname, indexdef FROM pg_indexes WHERE indexname IN :names").bindparams(
            sa.bindparam("names", expanding=True)
        ),
        {"names": list(TRIGRAM_INDEXES)},
    ).all()
    assert {name for name, _ in rows} == set(TRIGRAM_INDEXES)
    assert all("USING gin (search_text gin_trgm_ops)" in definition for _, definition in rows)


def test_initiative_list_search_uses_the_initiatives_trigram_index(client, units):
    params = queries.parse_list_params(MultiDict({"q": "đường hoa"}))
    plan = _plan(queries.initiatives_count_select(params, None))
    assert "Bitmap Index Scan on ix_initiatives_search_trgm" in plan
    # The gallery shows what the search finds.
    html = client.get("/public/?q=duong+hoa").get_data(as_text=True)
    assert "Tuyến đường hoa số 1" in html and "Camera an ninh" not in html


def test_exemplar_search_uses_the_exemplars_trigram_index(units):
    stmt = sa.select(Exemplar.id).where(
        Exemplar.search_text.like(search_pattern("văn hoa"), escape="\\")
    )
    assert "ix_exemplars_search_trgm" in _plan(stmt)
    assert len(db.session.scalars(stmt).all()) == 30


def test_initiative_search_stays_an_index_lookup_without_the_public_filter(units):
    stmt = sa.select(Initiative.id).where(
        Initiative.search_text.like(search_pattern("camera"), escape="\\")
    )
    assert "Bitmap Index Scan on ix_initiatives_search_trgm" in _plan(stmt)
