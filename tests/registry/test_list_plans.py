"""The plans of a registry list (registry.plans) give the same rows: walking the name
index, reading the scope's path ranges (on PostgreSQL one range at a time, from the
index alone) and the database's own plan, on whichever database the suite runs
(``scripts/with-postgres.sh`` for PostgreSQL); and the choice follows the count."""

import dataclasses

import pytest

from dankheo.extensions import db
from dankheo.registry import exemplar_queries, plans, queries
from dankheo.registry.queries import ListParams
from tests.factories import make_exemplar, make_field, make_initiative

PLANS = ("walk", "range", "planner")
PER_PAGE = 4


@pytest.fixture
def data(units):
    fields = [make_field("Kinh tế"), make_field("Văn hoá")]
    places = ["c11", "c12", "c21", "c22", "d1", "province"]
    for n in range(26):
        unit = units[places[n % len(places)]]
        # Repeated names: the id decides their order.
        name = f"Mô hình {n % 9:02d}"
        make_initiative(unit, name, year=2023 + n % 2, field=fields[n % 2])
        make_exemplar(unit, f"Nguyễn Văn {n % 7:02d}", year=2023 + n % 2, field=fields[n % 2])
    db.session.commit()
    units["field"] = fields[1]
    return units


def _fill(params, data):
    return dataclasses.replace(params, field=data["field"].id) if params.field == 0 else params


def _scopes(units):
    return {
        "province": [units["province"].path],
        "two ranges": [units["d1"].path, units["c21"].path],
        "everything": None,
    }


PARAMS = [
    ListParams(),
    ListParams(dir="desc"),
    ListParams(year=2024),
    ListParams(year=2023, dir="desc"),
    ListParams(field=0),  # the second field's id, set by the test
    ListParams(kind=None, sort="year"),
]


def _every_page(page_of, params) -> tuple[list[int], int]:
    first = page_of(dataclasses.replace(params, page=1))
    ids = []
    for number in range(1, first.pages + 1):
        ids += [r.id for r in page_of(dataclasses.replace(params, page=number)).items]
    return ids, first.total


def _with_plan(monkeypatch, module, plan):
    monkeypatch.setattr(module, "choose_plan", lambda *a, **k: plan)


@pytest.mark.parametrize("scope_name", ["province", "two ranges", "everything"])
@pytest.mark.parametrize("params", PARAMS, ids=lambda p: repr(p.as_args()))
def test_initiative_plans_give_the_same_pages(data, monkeypatch, scope_name, params):
    params = _fill(params, data)
    scope = _scopes(data)[scope_name]
    expected = db.session.scalars(
        queries.initiatives_select(params, scope).with_only_columns(queries.Initiative.id)
    ).all()
    assert expected  # every case lists something

    def page_of(p):
        return queries.initiative_page(p, scope, per_page=PER_PAGE, count_cap=10_000)

    for plan in PLANS:
        _with_plan(monkeypatch, queries, plan)
        ids, total = _every_page(page_of, params)
        if params.year:  # the count counts year rows: one an initiative for a year
            assert total == len(expected), plan
        assert ids == list(expected), plan


@pytest.mark.parametrize("scope_name", ["province", "two ranges", "everything"])
@pytest.mark.parametrize("params", PARAMS, ids=lambda p: repr(p.as_args()))
def test_exemplar_plans_give_the_same_pages(data, monkeypatch, scope_name, params):
    params = _fill(params, data)
    scope = _scopes(data)[scope_name]
    expected = db.session.scalars(
        exemplar_queries.exemplars_select(params, scope).with_only_columns(
            exemplar_queries.Exemplar.id
        )
    ).all()
    assert expected

    def page_of(p):
        return exemplar_queries.exemplar_page(p, scope, per_page=PER_PAGE, count_cap=10_000)

    for plan in PLANS:
        _with_plan(monkeypatch, exemplar_queries, plan)
        ids, total = _every_page(page_of, params)
        assert (ids, total) == (list(expected), len(expected)), plan


@pytest.mark.parametrize("year", [None, 2024], ids=["unit", "unit and year"])
def test_a_unit_filter_reads_its_subtree_inside_the_scope_in_every_plan(data, monkeypatch, year):
    scope = [data["d1"].path, data["c21"].path]
    params = ListParams(unit=data["d1"].id, year=year)
    expected = db.session.scalars(
        queries.initiatives_select(params, scope).with_only_columns(queries.Initiative.id)
    ).all()
    assert expected
    for plan in PLANS:
        _with_plan(monkeypatch, queries, plan)
        ids, total = _every_page(
            lambda p: queries.initiative_page(p, scope, per_page=PER_PAGE, count_cap=10_000),
            params,
        )
        assert (ids, total) == (list(expected), len(expected)), plan


def test_a_year_list_agrees_with_its_count_after_a_succession_across_scopes(
    units, users, monkeypatch
):
    """A commune of one district merged into a commune of the other: the initiative
    stays on the closed commune (its path in the first district), its later year sits on
    the successor (in the second). Each reader's scope holds the year row only with the
    initiative's own unit (the successor's reach takes in its predecessors), so the
    count of year rows and the listed ids agree, whatever the plan."""
    from datetime import date

    from dankheo.admin.units import record_succession
    from dankheo.models import Role, SuccessionKind
    from dankheo.permissions import scope_paths
    from dankheo.registry import services
    from tests.factories import make_user

    item = make_initiative(units["c11"], "Mô hình chuyển", year=2025)
    stays = make_initiative(units["c12"], "Mô hình ở lại", year=2025)
    record_succession([units["c11"]], [units["c21"]], SuccessionKind.MERGE, date(2025, 7, 1))
    officer = make_user("canbo.d2", (Role.OFFICER, units["d2"]))
    db.session.commit()
    row = services.carry_over(users["district_officer"], item)
    services.carry_over(users["district_officer"], stays)
    db.session.commit()
    assert (row.unit_id, row.unit_path) == (units["c21"].id, units["c21"].path)
    assert db.session.get(queries.Initiative, item.id).unit_path == units["c11"].path
    readers = {"d1": users["district_officer"], "d2": officer, "c21": users["other_officer"]}
    seen = {}
    for name, user in readers.items():
        scope = scope_paths(user, "registry.list")
        for plan in PLANS:
            _with_plan(monkeypatch, queries, plan)
            page = queries.initiative_page(
                ListParams(year=2026), scope, per_page=PER_PAGE, count_cap=10_000
            )
            ids = [r.id for r in page.items]
            assert page.total == len(ids), (name, plan)
            seen[name, plan] = set(ids)
    for plan in PLANS:
        assert seen["d1", plan] == {stays.id}, plan  # its 2026 sits on the second district
        assert seen["d2", plan] == {item.id}, plan
        assert seen["c21", plan] == {item.id}, plan


def test_capped_counts_are_the_same_as_uncapped_ones_below_the_cap(data):
    scope = _scopes(data)["two ranges"]
    for params in (ListParams(), ListParams(year=2024)):
        capped = db.session.scalar(queries.initiatives_count_select(params, scope, cap=3))
        full = db.session.scalar(queries.initiatives_count_select(params, scope))
        assert capped == 4 and full > 4  # cap + 1: "more than 3"


def test_the_plan_follows_the_count(app, monkeypatch):
    """A page near the start of a dense list walks the name index; a deep page, or a
    sparse list, reads the ranges and sorts them (on either database)."""
    monkeypatch.setattr(plans, "table_size", lambda model=None: 1_000_000)
    params = ListParams()
    # 28,401 of a million (a province formed from two): page 1 walks; page 50 reads
    # the ranges on PostgreSQL (each walked entry reads its row there), still walks on
    # SQLite (its index entries hold the id).
    assert plans.choose_plan(params, 28_401, 0, 50, False, cap=None) == "walk"
    deep = "walk" if db.session.get_bind().dialect.name == "sqlite" else "range"
    assert plans.choose_plan(params, 28_401, 2_450, 50, False, cap=None) == deep
    # A commune: 300 matches are read and sorted.
    assert plans.choose_plan(params, 300, 0, 50, False, cap=None) == "range"
    # Another order than the name's: the database's own plan.
    assert plans.choose_plan(ListParams(sort="unit"), 300, 0, 50, False) == "planner"


def test_a_capped_count_on_postgresql_is_estimated_from_the_scope(app, monkeypatch):
    if db.session.get_bind().dialect.name != "postgresql":
        pytest.skip("PostgreSQL's choice (SQLite walks a capped list only when broad)")
    monkeypatch.setattr(plans, "table_size", lambda model=None: 1_000_000)
    params = ListParams()
    # More than 10,000 in a scope of 2.8 % of the units: about 28,000.
    assert plans.choose_plan(params, None, 0, 50, False, cap=10_000, share=0.028) == "walk"
    assert plans.choose_plan(params, None, 2_450, 50, False, cap=10_000, share=0.028) == "range"
    # A year filter's first page walks.
    year = ListParams(year=2024)
    assert plans.choose_plan(year, None, 0, 50, False, cap=10_000, share=0.028) == "walk"
    # A deep page of it: the scope's ranges among the year's rows, from indexes alone.
    assert plans.choose_plan(year, None, 2_450, 50, False, cap=10_000, share=0.028) == "range"
    # With a unit filter, each of its year rows reads its initiative: walk further.
    unit_year = ListParams(year=2024, unit=5)
    assert plans.choose_plan(unit_year, None, 950, 50, False, cap=10_000, share=0.028) == "walk"
    # A broad scope or a search: PostgreSQL's planner.
    assert plans.choose_plan(params, None, 0, 50, True, cap=10_000, share=0.5) == "planner"
    assert plans.choose_plan(ListParams(q="duong"), 50, 0, 50, False) == "planner"


def test_postgresql_reads_a_scope_one_range_at_a_time(data):
    if db.session.get_bind().dialect.name != "postgresql":
        pytest.skip("the union of ranges is PostgreSQL's")
    scope = _scopes(data)["two ranges"]
    sql = str(
        queries.initiatives_count_select(ListParams(), scope, cap=10).compile(
            dialect=db.session.get_bind().dialect
        )
    )
    assert sql.count("UNION ALL") == 1
    ids = queries.initiative_page_ids(ListParams(), scope, plan="range")
    assert "UNION ALL" in str(ids.compile(dialect=db.session.get_bind().dialect))
    assert (
        db.session.scalars(ids.limit(100)).all()
        == db.session.scalars(
            queries.initiatives_select(ListParams(), scope).with_only_columns(queries.Initiative.id)
        ).all()
    )


def test_a_deeper_page_is_kept_until_a_commit(app, client, auth, users, units):
    """Page 2 and after keep their total and ids by data versions (as a search does):
    a new initiative that sorts first moves every page at once."""
    app.config["PER_PAGE"] = 2
    for n in range(5):
        make_initiative(units["c11"], f"Mô hình {n + 1}")
    db.session.commit()
    auth.login("thuky")
    url = "/registry/initiatives?page=2"
    html = client.get(url).get_data(as_text=True)
    assert "Mô hình 3" in html and "Mô hình 2" not in html
    assert "Mô hình 3" in client.get(url).get_data(as_text=True)  # kept
    make_initiative(units["c21"], "Mô hình 0")  # sorts first
    db.session.commit()
    html = client.get(url).get_data(as_text=True)
    assert "Mô hình 2" in html and "Mô hình 4" not in html


def test_a_year_list_is_kept_until_a_commit(client, auth, users, units, count_queries):
    make_initiative(units["c11"], "Mô hình năm 2024", year=2024)
    make_initiative(units["c12"], "Mô hình năm 2023", year=2023)
    db.session.commit()
    auth.login("thuky")
    url = f"/registry/initiatives?unit={units['d1'].id}&year=2024"
    assert "Mô hình năm 2024" in client.get(url).get_data(as_text=True)
    with count_queries() as kept:
        html = client.get(url).get_data(as_text=True)
    assert "Mô hình năm 2024" in html and "Mô hình năm 2023" not in html
    client.application.config["LIST_CACHE_SECONDS"] = 0
    with count_queries() as computed:
        client.get(url)
    assert kept.count <= computed.count - 2  # the count and the ids were not read again
    client.application.config["LIST_CACHE_SECONDS"] = 600
    make_initiative(units["c12"], "Mô hình mới năm 2024", year=2024)
    db.session.commit()
    assert "Mô hình mới năm 2024" in client.get(url).get_data(as_text=True)
