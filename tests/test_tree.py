"""The unit tree: subtrees by materialised path, successions, and the one-query promise."""

from datetime import date

import pytest
import sqlalchemy as sa

from dankheo.admin.units import record_succession
from dankheo.extensions import db
from dankheo.models import SuccessionKind, Unit, UnitKind
from dankheo.tree import (
    Successions,
    current_subtree_ids,
    load_successions,
    minimal_prefixes,
    predecessor_closure,
    segment,
    successor_closure,
    within_prefix,
)
from dankheo.vietnamese import fold, sort_key
from tests.conftest import TEST_DB_URI
from tests.factories import make_province, make_unit


@pytest.fixture
def units(app):
    return make_province()


@pytest.fixture
def merged(units):
    """C11 and C12 merged into a new commune M under the province on 1/7/2025;
    M then renamed to R on 1/1/2026."""
    new = make_unit("Xã Hợp Nhất", units["province"], code="M", valid_from=date(2025, 7, 1))
    record_succession([units["c11"], units["c12"]], [new], SuccessionKind.MERGE, date(2025, 7, 1))
    renamed = make_unit("Xã Đổi Tên", units["province"], code="R", valid_from=date(2026, 1, 1))
    record_succession([new], [renamed], SuccessionKind.RENAME, date(2026, 1, 1))
    hamlet = make_unit("Ấp Cũ", units["c11"], UnitKind.VILLAGE, code="H11")
    db.session.commit()
    return {**units, "m": new, "r": renamed, "h11": hamlet}


def _ids(stmt) -> set[int]:
    return set(db.session.scalars(stmt))


def subtree_ids_select(root: Unit) -> sa.Select:
    """The ids of ``root`` and every unit below it, as the list queries select them."""
    return sa.select(Unit.id).where(within_prefix(Unit.path, root.path))


def test_subtree_contains_the_root_and_everything_below(units):
    d1 = units["d1"]
    assert _ids(subtree_ids_select(d1)) == {d1.id, units["c11"].id, units["c12"].id}
    assert len(_ids(subtree_ids_select(units["province"]))) == 8
    assert _ids(subtree_ids_select(units["c21"])) == {units["c21"].id}


def test_subtree_does_not_confuse_ids_sharing_a_prefix(app):
    # Ids 1 and 10 share a decimal prefix; the zero-padded path segments do not.
    root = make_unit("Gốc", kind=UnitKind.PROVINCE, code="ROOT")
    first = make_unit("Một", root, code="A")
    others = [make_unit(f"Khác {i}", root, code=f"B{i}") for i in range(10)]
    deep = make_unit("Dưới khác", others[-1], code="DEEP")
    assert _ids(subtree_ids_select(first)) == {first.id}
    assert deep.id in _ids(subtree_ids_select(others[-1]))


def test_successor_closure_follows_merge_then_rename(merged):
    assert successor_closure([merged["c11"].id]) == {
        merged["c11"].id,
        merged["m"].id,
        merged["r"].id,
    }
    assert successor_closure([merged["c21"].id]) == {merged["c21"].id}


def test_predecessor_closure_finds_the_merged_communes(merged):
    assert predecessor_closure([merged["r"].id]) == {
        merged["r"].id,
        merged["m"].id,
        merged["c11"].id,
        merged["c12"].id,
    }


def test_closures_read_the_succession_table_once(merged, count_queries):
    c11, c12, m, r = (merged[k].id for k in ("c11", "c12", "m", "r"))
    with count_queries() as q:
        successions = load_successions()
    assert q.count == 1
    with count_queries() as q:
        assert successor_closure([c12], successions) == {c12, m, r}
        assert predecessor_closure([m], successions) == {m, c11, c12}
    assert q.count == 0


# Who became whom, by id: 1 and 2 merge into 3; 3 splits into 4 and 5; 5 is renamed 6;
# 7 and 8 rename each other (a loop the closures must survive); 9 stands alone.
GRAPH = Successions.from_pairs([(1, 3), (2, 3), (3, 4), (3, 5), (5, 6), (7, 8), (8, 7)])


@pytest.mark.parametrize(
    ("start", "successors", "predecessors"),
    [
        ([1], {1, 3, 4, 5, 6}, {1}),
        ([3], {3, 4, 5, 6}, {1, 2, 3}),
        ([6], {6}, {1, 2, 3, 5, 6}),
        ([4, 6], {4, 6}, {1, 2, 3, 4, 5, 6}),
        ([7], {7, 8}, {7, 8}),
        ([9], {9}, {9}),
        ([], set(), set()),
    ],
)
def test_closures_follow_merges_splits_renames_and_loops(start, successors, predecessors):
    assert successor_closure(start, GRAPH) == successors
    assert predecessor_closure(start, GRAPH) == predecessors


def test_successions_list_each_neighbour_once_in_id_order():
    graph = Successions.from_pairs([(1, 5), (1, 3), (1, 5), (2, 3)])
    assert graph.successors == {1: (3, 5), 2: (3,)}
    assert graph.predecessors == {3: (1, 2), 5: (1,)}


@pytest.mark.parametrize(
    ("paths", "kept"),
    [
        (["/1/2/", "/1/", "/1/2/3/", "/4/"], ["/1/", "/4/"]),
        (["/1/", "/1/"], ["/1/"]),
        (["/1/2/", "/1/3/"], ["/1/2/", "/1/3/"]),
        (["/10/", "/1/"], ["/1/", "/10/"]),
        (["", "/1/"], ["/1/"]),
        ([], []),
    ],
)
def test_minimal_prefixes_drop_paths_under_a_kept_one(paths, kept):
    assert minimal_prefixes(paths) == kept


def test_current_subtree_of_a_merged_unit_includes_its_predecessors_subtrees(merged):
    ids = current_subtree_ids(merged["r"])
    assert ids == {
        merged["r"].id,
        merged["m"].id,
        merged["c11"].id,
        merged["c12"].id,
        merged["h11"].id,
    }
    # As the tree stood, R has nothing below it.
    assert _ids(subtree_ids_select(merged["r"])) == {merged["r"].id}


def test_merge_closes_the_predecessors_the_day_before(merged):
    db.session.expire_all()
    assert db.session.get(Unit, merged["c11"].id).valid_to == date(2025, 6, 30)
    assert db.session.get(Unit, merged["m"].id).valid_to == date(2025, 12, 31)


# --- 5,000 units ----------------------------------------------------------------------


def _bulk_tree(root: Unit, districts: int = 10, communes: int = 50, villages: int = 9) -> int:
    """Insert districts × communes × villages units under ``root`` with executemany
    (paths computed here), returning how many were inserted."""
    rows = []
    next_id = root.id + 1000

    def add(name, kind, parent_path, depth):
        nonlocal next_id
        next_id += 1
        path = parent_path + segment(next_id)
        rows.append(
            {
                "id": next_id,
                "code": f"B{next_id}",
                "name": name,
                "kind": kind,
                "parent_id": int(parent_path.rstrip("/").rsplit("/", 1)[-1]),
                "path": path,
                "depth": depth,
                "search_text": fold(name),
                "sort_key": sort_key(name),
            }
        )
        return path

    for d in range(districts):
        d_path = add(f"Huyện {d}", UnitKind.DISTRICT, root.path, 1)
        for c in range(communes):
            c_path = add(f"Xã {d}-{c}", UnitKind.COMMUNE, d_path, 2)
            for v in range(villages):
                add(f"Ấp {d}-{c}-{v}", UnitKind.VILLAGE, c_path, 3)
    db.session.execute(sa.insert(Unit), rows)
    db.session.commit()
    return len(rows)


@pytest.fixture
def big_tree(app):
    root = make_unit("Tỉnh Lớn", kind=UnitKind.PROVINCE, code="BIG")
    db.session.commit()
    inserted = _bulk_tree(root)
    assert inserted + 1 >= 5000
    db.session.refresh(root)  # load it now, so the counted queries are only the subtree's
    return root


def test_all_units_under_x_is_one_query_at_5000_units(big_tree, count_queries):
    district = db.session.scalar(
        sa.select(Unit).where(Unit.parent_id == big_tree.id).order_by(Unit.id).limit(1)
    )
    with count_queries() as q:
        everything = db.session.scalars(subtree_ids_select(big_tree)).all()
        one_district = db.session.scalars(subtree_ids_select(district)).all()
    assert q.count == 2
    assert len(everything) == 1 + 10 + 500 + 4500
    assert len(one_district) == 1 + 50 + 50 * 9


def test_subtree_as_a_subquery_stays_one_query(big_tree, count_queries):
    with count_queries() as q:
        villages = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Unit)
            .where(Unit.id.in_(subtree_ids_select(big_tree)), Unit.kind == UnitKind.VILLAGE)
        )
    assert q.count == 1
    assert villages == 4500


@pytest.mark.skipif(not TEST_DB_URI.startswith("sqlite"), reason="SQLite query plan")
def test_subtree_query_uses_the_path_index_on_sqlite(big_tree):
    stmt = subtree_ids_select(big_tree)
    compiled = stmt.compile(db.engine, compile_kwargs={"literal_binds": True})
    plan = db.session.execute(sa.text(f"EXPLAIN QUERY PLAN {compiled}")).all()
    details = " ".join(row[-1] for row in plan)
    assert "ix_units_path" in details, details
    assert "SCAN units" not in details.replace("USING", "")


@pytest.mark.skipif(TEST_DB_URI.startswith("sqlite"), reason="PostgreSQL query plan")
def test_subtree_query_can_use_the_path_index_on_postgresql(big_tree):
    db.session.execute(sa.text("ANALYZE units"))
    db.session.execute(sa.text("SET LOCAL enable_seqscan = off"))
    stmt = subtree_ids_select(big_tree)
    compiled = stmt.compile(db.engine, compile_kwargs={"literal_binds": True})
    plan = " ".join(r[0] for r in db.session.execute(sa.text(f"EXPLAIN {compiled}")))
    assert "ix_units_path" in plan, plan
