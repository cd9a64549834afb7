"""How a registry list reads its page: the plan chosen from the count the page needs
anyway, on SQLite and PostgreSQL alike.

Scope and unit filters test the records' own ``unit_path`` (their unit's materialised
path, kept in step by the services): a range on an index of the table itself, never a
join to every unit of the scope. Two plans serve a page in name order, and
``choose_plan`` picks one from the (capped) count:

- "walk": the name index in order, each entry tested (the path written so that no index
  serves it), which finds a page at once when matches are dense (a province-wide list);
- "range": the scope's range of (unit_path, sort_key) read first, then sorted, when they
  are sparse (a commune), or when a deep page would walk too far.

PostgreSQL's own estimate of a scope of several path ranges is far off (a province
formed from two old ones: 909–1,815 rows estimated where 28,401 match), so it is told
too. Its "range" reads each prefix's range on its own from the index alone
(``ranges_union``: (unit_path, sort_key) INCLUDE (id); an OR of ranges would be a
bitmap scan, which reads every matching row from the table) and sorts the union. Each
plan stays flat as the table grows."""

from collections.abc import Callable

import sqlalchemy as sa

from dankheo.extensions import db
from dankheo.models import Initiative, Unit
from dankheo.models.versions import per_version
from dankheo.registry.search import on_sqlite
from dankheo.tree import within_prefixes

# A walk of the name index is chosen while it reads fewer entries than this many, or
# than sorting the matches would cost (WALK_PER_MATCH entries a match).
WALK_BUDGET = 2_000
WALK_PER_MATCH = 4
# 1/BROAD_SHARE of the units or more: "broad"; WIDE_SHARE: SQLite reads FTS matches first.
BROAD_SHARE, WIDE_SHARE = 20, 0.5
# PostgreSQL: a walked entry costs a read of its row (~6 µs); a range read from the index
# alone costs ~0.8 µs an entry, sorted (EXPLAIN at national volume, docs/performance.md).
RANGE_PER_WALKED = 8


def unit_path(unit_id: int) -> str | None:
    """The path of unit ``unit_id`` (None when unknown), kept per structure version: a
    list asks it for its plan, its count and its page."""

    def compute():
        return db.session.scalar(sa.select(Unit.path).where(Unit.id == unit_id))

    return per_version(db.session, ["units"], ("unit-path", unit_id), compute)


def scope_share(params, scope) -> float:
    """The share of the units (so of the records) the scope and unit filter hold
    (``params``: a ``queries.ListParams``)."""
    if scope is None and not params.unit:
        return 1.0
    prefixes = list(scope) if scope is not None else []
    if params.unit:
        path = unit_path(params.unit)
        if path is None:
            return 0.0
        prefixes = [path] if scope is None else prefixes

    def compute() -> float:
        inside = db.session.scalar(
            sa.select(sa.func.count(Unit.id)).where(within_prefixes(Unit.path, prefixes))
        )
        return inside / (db.session.scalar(sa.select(sa.func.max(Unit.id))) or 1)

    # The same for every list until the structure changes: kept per structure version.
    return per_version(db.session, ["units"], ("scope-share", tuple(prefixes)), compute)


def is_broad(params, scope) -> bool:
    """A large share of the records: scanning a name index beats the scope's range."""
    return scope_share(params, scope) * BROAD_SHARE >= 1


def table_size(model=Initiative) -> int:
    """The highest id of ``model``'s table (about its rows), kept per data version."""
    dataset = model.__tablename__

    def compute() -> int:
        return db.session.scalar(sa.select(sa.func.max(model.id))) or 0

    return per_version(db.session, [dataset], ("table-size", dataset), compute)


def choose_plan(
    params,
    matches: int | None,
    offset: int,
    per_page: int,
    broad: bool,
    *,
    cap=None,
    share=1.0,
    model=Initiative,
) -> str:
    """ "walk" (name index in order), "range" (the matches found first, then sorted) or
    "planner" (the database's own choice) for a page of ``model``. ``matches``: the
    count, None when more than ``cap``; ``share``: the scope's share of the units
    (``scope_share``)."""
    if params.sort != "name":
        return "planner"
    if on_sqlite():
        if matches is None:  # more than a capped count: dense enough to walk
            return "walk" if broad else "planner"
        if matches == 0:
            return "range"
        walked = table_size(model) / matches * (offset + per_page)
        return "walk" if walked <= max(WALK_BUDGET, WALK_PER_MATCH * matches) else "range"
    return _postgres_plan(params, matches, offset + per_page, broad, cap, share, model)


def _postgres_plan(params, matches, needed: int, broad, cap, share, model) -> str:
    """PostgreSQL: a broad scope or a search is left to its planner (it walks the name
    index, or a search's trigram index, well enough); a scope of some path ranges walks
    the name index while that reads few entries (each costs a read of the row: the
    index has no id), else reads its ranges from the index alone and sorts them (a
    year filter: the ranges' ids among its year rows'; with a unit filter, its year
    rows, then their initiatives)."""
    if broad or params.q or params.status:
        return "planner"
    table = table_size(model)
    if matches is None:  # more than the cap: at least that many, about the scope's share
        matches = max((cap or 0) + 1, share * table)
    if matches == 0:
        return "range"
    walked = table / matches * needed
    if params.year and model is Initiative and params.unit:
        # A unit's year rows read each initiative's row to sort it: as dear as a walk.
        return "walk" if walked <= max(WALK_BUDGET, WALK_PER_MATCH * matches) else "range"
    # (A year filter alone: the scope's ranges among its year rows', both from indexes.)
    return "walk" if walked <= max(WALK_BUDGET, matches / RANGE_PER_WALKED) else "range"


def path_prefixes(params, scope, unit_in_scope: Callable) -> list[str] | None:
    """The path prefixes a list's scope and unit filter select (None: everything)."""
    if params.unit:
        return unit_in_scope(params.unit, scope)
    return None if scope is None else list(scope)


def ranges_union(
    branch: Callable[[str], sa.Select], prefixes: list[str], *, name: str = "ranges"
) -> sa.Subquery:
    """The union of ``branch(prefix)`` for each prefix (disjoint ranges: UNION ALL), so
    that PostgreSQL reads each range from its index alone: an OR of ranges is a bitmap
    scan, which reads every matching row from the table."""
    return sa.union_all(*(branch(p) for p in prefixes)).subquery(name)
