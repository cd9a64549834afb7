"""Scoped lists read the records' own ``unit_path``: the path follows every way a record
gets or changes its unit, and the list statements are answered from the tables' own
indexes (EXPLAIN), never by joining every unit of the scope. Runs on SQLite and, under
scripts/with-postgres.sh, on PostgreSQL."""

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from dankheo.admin.units import move_unit
from dankheo.extensions import db
from dankheo.models import Exemplar, Field, Initiative, InitiativeYear, YearStatus
from dankheo.registry import exemplar_queries, queries, services
from tests.factories import make_exemplar, make_initiative, make_unit


def _paths(initiative: Initiative) -> set[str]:
    db.session.expire_all()
    rows = db.session.scalars(
        sa.select(InitiativeYear.unit_path).where(InitiativeYear.initiative_id == initiative.id)
    ).all()
    return {db.session.get(Initiative, initiative.id).unit_path, *rows}


def test_a_registered_initiative_carries_its_units_path(units, users):
    field = db.session.scalars(sa.select(Field)).first()
    item = services.create_initiative(
        users["officer"], unit=units["c11"], field=field, year=2024, values={"name": "Mô hình A"}
    )
    db.session.commit()
    assert _paths(item) == {units["c11"].path}


def test_changing_the_unit_moves_the_initiative_and_its_years(units, users):
    item = make_initiative(units["c11"])
    services.carry_over(users["officer"], item)
    services.update_initiative(
        users["admin"],
        item,
        expected_version=item.version,
        unit=units["c21"],
        field=item.field,
        values={},
    )
    db.session.commit()
    assert _paths(item) == {units["c21"].path}


def test_a_record_written_without_the_services_still_gets_its_path(units):
    # Factories build plain rows: the flush hook fills the path.
    initiative = make_initiative(units["c12"])
    exemplar = make_exemplar(units["d2"])
    db.session.commit()
    assert _paths(initiative) == {units["c12"].path}
    assert db.session.get(Exemplar, exemplar.id).unit_path == units["d2"].path


def test_moving_a_unit_moves_the_records_of_its_subtree(units):
    village = make_unit("Ấp Một", units["c11"], code="A1")
    inside = make_initiative(village)
    exemplar = make_exemplar(units["c11"])
    outside = make_initiative(units["c21"])
    db.session.commit()
    move_unit(units["c11"], units["d2"])
    db.session.commit()
    new_c11 = units["c11"].path
    assert new_c11.startswith(units["d2"].path)
    assert _paths(inside) == {new_c11 + village.path.rsplit("/", 2)[-2] + "/"}
    assert db.session.get(Exemplar, exemplar.id).unit_path == new_c11
    assert _paths(outside) == {units["c21"].path}
    # And the lists follow: the district officer of D1 no longer sees them.
    scope = [units["d1"].path]
    ids = db.session.scalars(queries.initiative_page_ids(queries.ListParams(), scope)).all()
    assert inside.id not in ids


def test_the_scoped_list_shows_the_scope_only(client, auth, units, users):
    shown = make_initiative(units["c11"], "Mô hình trong xã")
    make_initiative(units["c21"], "Mô hình xã khác")
    db.session.commit()
    auth.login("canbo.d1")
    html = client.get("/registry/initiatives").get_data(as_text=True)
    assert shown.name in html and "Mô hình xã khác" not in html
    html = client.get("/registry/initiatives?year=2024&status=recognised").get_data(as_text=True)
    assert shown.name in html and "Mô hình xã khác" not in html


# --- plans ----------------------------------------------------------------------------


def _explain(stmt) -> str:
    sql = stmt.compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True})
    with db.engine.connect() as conn:
        if db.engine.dialect.name == "sqlite":
            rows = conn.execute(sa.text(f"EXPLAIN QUERY PLAN {sql}")).all()
            return "\n".join(row[-1] for row in rows)
        conn.execute(sa.text("ANALYZE initiatives; ANALYZE initiative_years; ANALYZE exemplars"))
        # A test table is too small for the planner to prefer an index on its own:
        # price sequential scans out, so the plan shows whether an index serves at all.
        conn.execute(sa.text("SET enable_seqscan = off"))
        return "\n".join(conn.execute(sa.text(f"EXPLAIN {sql}")).scalars())


@pytest.fixture
def listed(units):
    for i in range(20):
        make_initiative(units["c11" if i % 2 else "c21"], f"Mô hình {i:02d}")
        make_exemplar(units["c12"], f"Trần Văn {i:02d}")
    db.session.commit()
    return units


def test_a_scoped_page_never_joins_the_units(listed):
    scope = [listed["d1"].path]
    for plan in ("walk", "range", "planner"):
        sql = str(queries.initiative_page_ids(queries.ListParams(), scope, plan=plan))
        assert "units" not in sql
    count = str(queries.initiatives_count_select(queries.ListParams(), scope))
    assert "units" not in count


@pytest.mark.parametrize(
    ("plan", "index"),
    [("walk", "ix_initiatives_sort_scope"), ("range", "ix_initiatives_unit_path_sort")],
)
def test_the_scoped_page_reads_one_index_of_initiatives(listed, plan, index):
    scope = [listed["d1"].path]
    stmt = queries.initiative_page_ids(queries.ListParams(), scope, plan=plan).limit(50)
    explained = _explain(stmt)
    if db.engine.dialect.name == "sqlite":
        assert index in explained
        if plan == "walk":  # in name order: nothing to sort but ties of one name
            assert "USE TEMP B-TREE FOR ORDER BY" not in explained
    else:
        assert "ix_initiatives_" in explained and "units" not in explained


def test_a_year_filter_in_a_scope_counts_the_years_own_index(listed):
    params = queries.parse_list_params(MultiDict({"year": "2024", "status": "recognised"}))
    stmt = queries.initiatives_count_select(params, [listed["d1"].path])
    explained = _explain(stmt)
    if db.engine.dialect.name == "sqlite":
        assert "ix_initiative_years_year_path" in explained
    else:
        assert "ix_initiative_years_year_path" in explained or "Index" in explained
    assert db.session.scalar(stmt) == 10


def test_a_scoped_exemplar_page_reads_the_exemplars_path_index(listed):
    page = exemplar_queries.exemplar_page(queries.ListParams(), [listed["d1"].path], per_page=5)
    assert page.total == 20 and len(page.items) == 5
    ids = (
        sa.select(Exemplar.id)
        .where(
            Exemplar.unit_path >= listed["c12"].path, Exemplar.unit_path < listed["c12"].path + "~"
        )
        .order_by(Exemplar.sort_key)
    )
    assert "ix_exemplars_" in _explain(ids)


def test_the_counts_match_the_records(listed):
    for status in (YearStatus.RECOGNISED, None):
        params = queries.ListParams(year=2024, status=status)
        for key, want in (("d1", 10), ("d2", 10), ("province", 20), ("c12", 0)):
            stmt = queries.initiatives_count_select(params, [listed[key].path])
            assert db.session.scalar(stmt) == want, (key, status)


def test_the_public_flag_follows_the_year_rows(units, users):
    field = db.session.scalars(sa.select(Field)).first()
    item = services.create_initiative(
        users["officer"], unit=units["c11"], field=field, year=2024, values={"name": "Mô hình B"}
    )
    db.session.commit()
    assert db.session.get(Initiative, item.id).is_public is False  # registered only
    services.report_year(users["officer"], item.years[0], figures={}, text="Báo cáo năm 2024")
    services.evaluate_year(users["secretary"], item.years[0], YearStatus.RECOGNISED)
    db.session.commit()
    assert db.session.get(Initiative, item.id).is_public is True
    row = services.carry_over(users["officer"], item)
    db.session.commit()
    assert db.session.get(Initiative, item.id).is_public is True  # 2024 still counts
    services.evaluate_year(users["secretary"], item.years[0], YearStatus.DROPPED)
    db.session.commit()
    assert db.session.get(Initiative, item.id).is_public is False
    services.report_year(users["officer"], row, figures={}, text="Báo cáo năm 2025")
    services.evaluate_year(users["secretary"], row, YearStatus.OUTSTANDING)
    db.session.commit()
    assert db.session.get(Initiative, item.id).is_public is True
    # The gallery lists it exactly when the flag says so.
    page = queries.initiative_page(queries.ListParams(), None, per_page=10, public=True)
    assert item.id in [i.id for i in page.items]
