"""The two ways of rolling records up across the 2025 reorganisation."""

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dankheo.extensions import db
from dankheo.models import ExemplarKind, Initiative, InitiativeYear, YearStatus
from dankheo.reports.queries import Period, compute_statistics
from dankheo.reports.rollup import RollUp, UnitIndex
from dankheo.tree import current_subtree_ids
from tests.factories import make_field, make_initiative
from tests.reports.volume import insert_initiatives

PHASE = Period(2021, 2025)


def rows_of(*units) -> int:
    ids = [u.id for u in units]
    return db.session.scalar(sa.select(sa.func.count()).where(InitiativeYear.unit_id.in_(ids)))


def test_successor_counts_its_predecessors_in_both_modes_under_different_rows(data):
    new = data["new"]
    by_year = compute_statistics(new.id, PHASE, RollUp.RECORD_YEAR)
    current = compute_statistics(new.id, PHASE, RollUp.CURRENT)
    merged_in = rows_of(data["c11"], data["c21"])
    assert by_year.total == current.total == rows_of(new) + merged_in
    # By the structure of each year the merged communes are rows of their own (with the
    # day they closed); by today's structure they are Xã Mới's own.
    rows = {b.key: (b.label, b.total) for b in by_year.by_unit}
    assert rows[data["c11"].id] == ("Xã Một Một (đến 30/06/2025)", rows_of(data["c11"]))
    assert rows[data["c21"].id] == ("Xã Hai Một (đến 30/06/2025)", rows_of(data["c21"]))
    assert {b.key: b.total for b in current.by_unit} == {new.id: rows_of(new) + merged_in}


def test_province_totals_agree_and_buckets_move_exactly_the_merged_records(data):
    province = data["province"]
    by_year = compute_statistics(province.id, PHASE, RollUp.RECORD_YEAR)
    current = compute_statistics(province.id, PHASE, RollUp.CURRENT)
    assert by_year.total == current.total
    old = {b.key: b.total for b in by_year.by_unit}
    now = {b.key: b.total for b in current.by_unit}
    assert old[data["d1"].id] - now[data["d1"].id] == rows_of(data["c11"])
    assert old[data["d2"].id] - now[data["d2"].id] == rows_of(data["c21"])
    assert now[data["new"].id] - old[data["new"].id] == rows_of(data["c11"], data["c21"])
    untouched = set(old) - {data["d1"].id, data["d2"].id, data["new"].id}
    assert all(old[k] == now[k] for k in untouched)


def test_other_figures_follow_successions_too(data):
    new = data["new"]
    by_year = compute_statistics(new.id, PHASE, RollUp.RECORD_YEAR)
    current = compute_statistics(new.id, PHASE, RollUp.CURRENT)
    assert by_year.exemplars_total == current.exemplars_total == 1  # c11's collective
    assert by_year.nominations_total == current.nominations_total == 1  # c21's
    assert by_year.unit_figures[data["c11"].id].exemplars[ExemplarKind.COLLECTIVE] == 1
    assert current.unit_figures[new.id].exemplars[ExemplarKind.COLLECTIVE] == 1


def test_predecessors_subtree_follows_the_merge(data):
    """A village of a merged commune counts under the successor too."""
    from dankheo.admin.units import create_unit
    from dankheo.models import UnitKind

    village = create_unit(code="V1", name="Ấp Một", kind=UnitKind.VILLAGE, parent=data["c11"])
    make_initiative(village, year=2023, status=YearStatus.RECOGNISED)
    db.session.commit()
    current = compute_statistics(data["province"].id, PHASE, RollUp.CURRENT)
    now = {b.key: b.total for b in current.by_unit}
    assert now[data["new"].id] == rows_of(data["new"], data["c11"], data["c21"], village)


def test_scope_matches_tree_current_subtree_ids(data):
    index = UnitIndex.load()
    for name in ("province", "d1", "new", "c11"):
        root = index.units[data[name].id]
        prefixes = index.scope_prefixes(root, RollUp.CURRENT)
        covered = {
            u.id for u in index.units.values() if any(u.path.startswith(p) for p in prefixes)
        }
        assert covered == current_subtree_ids(data[name])


def test_report_names_the_mode(client, auth, data, leader):
    auth.login("lanhdao")
    html = client.get("/reports/?mode=current&year=giai-doan").get_data(as_text=True)
    assert "Cách tổng hợp: Theo cơ cấu tổ chức hiện nay" in html


UNIT_KEYS = ["province", "d1", "d2", "c11", "c12", "c21", "c22", "agency", "new"]


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    records=st.lists(
        st.tuples(st.sampled_from(UNIT_KEYS), st.sampled_from(range(2021, 2026))), max_size=30
    ),
    root_key=st.sampled_from(["province", "d1", "d2", "new", "c11", "c12"]),
)
def test_modes_differ_exactly_by_merged_units_records_on_random_data(merged, records, root_key):
    units = merged
    field = make_field()
    db.session.execute(sa.delete(InitiativeYear))
    db.session.execute(sa.delete(Initiative))
    db.session.commit()
    insert_initiatives([(units[u].id, field.id, {y: "recognised"}) for u, y in records])
    root = units[root_key]
    by_year = compute_statistics(root.id, PHASE, RollUp.RECORD_YEAR)
    current = compute_statistics(root.id, PHASE, RollUp.CURRENT)
    # Both modes count the same records; only Xã Mới has predecessors (c11, c21) from
    # outside its own subtree, whose records it counts in both.
    merged_in = {"c11", "c21"} if root_key == "new" else set()
    inside = sum(1 for u, _ in records if units[u].path.startswith(root.path))
    assert by_year.total == current.total == inside + sum(1 for u, _ in records if u in merged_in)
    # Seen from the province, the merged communes' records move from their old
    # districts to Xã Mới, and nothing else moves.
    if root_key == "province":
        old = {b.key: b.total for b in by_year.by_unit}
        now = {b.key: b.total for b in current.by_unit}
        c11 = sum(1 for u, _ in records if u == "c11")
        c21 = sum(1 for u, _ in records if u == "c21")
        assert old.get(units["d1"].id, 0) - now.get(units["d1"].id, 0) == c11
        assert old.get(units["d2"].id, 0) - now.get(units["d2"].id, 0) == c21
        assert now.get(units["new"].id, 0) - old.get(units["new"].id, 0) == c11 + c21


def test_unit_rows_follow_the_structure_shown(data):
    """A commune created in July 2025 is not a row of 2023 by that year's structure, but
    is one (at zero) by today's."""
    period = Period(2021, 2025, 2023)
    by_year = compute_statistics(data["province"].id, period, RollUp.RECORD_YEAR)
    current = compute_statistics(data["province"].id, period, RollUp.CURRENT)
    assert "Xã Mới" not in [b.label for b in by_year.by_unit]
    assert "Huyện Một" in [b.label for b in by_year.by_unit]
    assert ("Xã Mới", 0) in [(b.label, b.total) for b in current.by_unit]
