"""Registry reads: filtered, scoped and sorted lists of initiatives and exemplars,
detail pages and unit choices. Every list costs a fixed number of queries."""

import dataclasses
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import contains_eager, joinedload, load_only, selectinload

from dankheo.extensions import db
from dankheo.models import (
    PUBLIC_STATUSES,
    ExemplarKind,
    Initiative,
    InitiativeYear,
    Unit,
    YearStatus,
)
from dankheo.models.registry import initiative_priority_areas
from dankheo.registry import search as text_search
from dankheo.registry.pagination import IdsFirstPagination
from dankheo.registry.plans import (
    BROAD_SHARE,
    WIDE_SHARE,
    choose_plan,
    path_prefixes,
    ranges_union,
    scope_share,
    unit_path,
)
from dankheo.registry.search import on_sqlite
from dankheo.tree import minimal_prefixes, within_prefixes
from dankheo.web import kept
from dankheo.web.params import MAX_ID, parse_int

# What a list's membership and order depend on: the rows, their units (paths, names),
# the classifications (fields, priority areas).
KEPT_DATASETS = ("initiatives", "units", "campaigns")

MIN_YEAR, MAX_YEAR = 2000, 2100
SORTS = ("name", "year", "unit")


@dataclass
class ListParams:
    """What a list page was asked for, already checked."""

    q: str = ""
    year: int | None = None
    field: int | None = None
    status: YearStatus | None = None
    unit: int | None = None
    kind: ExemplarKind | None = None
    area: int | None = None  # a priority area (lĩnh vực trọng tâm)
    sort: str = "name"
    dir: str = "asc"
    page: int = 1
    errors: dict[str, str] = dataclasses.field(default_factory=dict)

    def as_args(self) -> dict[str, Any]:
        """Non-default values, for links that keep the current filters."""
        args = {
            "q": self.q,
            "year": self.year,
            "field": self.field,
            "status": self.status.value if self.status else None,
            "unit": self.unit,
            "kind": self.kind.value if self.kind else None,
            "area": self.area,
        }
        if self.sort != "name" or self.dir != "asc":
            args.update(sort=self.sort, dir=self.dir)
        return {k: v for k, v in args.items() if v not in (None, "")}


def _int(value: str, name: str, errors: dict, lo=None, hi=None) -> int | None:
    if value in (None, ""):
        return None
    if parse_int(value) is None:
        errors[name] = f"Tham số “{name}” phải là số nguyên."
        return None
    number = parse_int(value, lo=lo, hi=hi)
    if number is None:
        errors[name] = f"Tham số “{name}” phải từ {lo} đến {hi}."
    return number


def parse_list_params(args) -> ListParams:
    """Read list filters from a query string; bad values are dropped and reported in
    ``errors`` (pages ignore them, the API answers 400)."""
    errors: dict[str, str] = {}
    params = ListParams(errors=errors)
    params.q = (args.get("q") or "").strip()[:200]
    params.year = _int(args.get("year"), "year", errors, MIN_YEAR, MAX_YEAR)
    # Ids fit a 32-bit column; a larger number would overflow the database driver.
    params.field = _int(args.get("field"), "field", errors, 1, MAX_ID)
    params.unit = _int(args.get("unit"), "unit", errors, 1, MAX_ID)
    params.area = _int(args.get("area"), "area", errors, 1, MAX_ID)
    params.page = _int(args.get("page"), "page", errors, 1, 1_000_000) or 1
    status = args.get("status") or ""
    if status:
        try:
            params.status = YearStatus(status)
        except ValueError:
            errors["status"] = "Trạng thái không hợp lệ."
    kind = args.get("kind") or ""
    if kind:
        try:
            params.kind = ExemplarKind(kind)
        except ValueError:
            errors["kind"] = "Loại điển hình không hợp lệ."
    sort = args.get("sort") or "name"
    params.sort = sort if sort in SORTS else "name"
    params.dir = "desc" if args.get("dir") == "desc" else "asc"
    return params


# --- initiatives ------------------------------------------------------------------------
#
# Scope and unit filters test the records' own ``unit_path``; the plan of a page
# ("walk" the name index, or "range": the scope's range first, then sorted) is chosen
# from the count the page needs anyway (registry.plans).

# A search counts its matches up to this many ("more than 1,000"): counting every match
# of a broad search reads the whole table, and nobody pages that far. Any other list
# counts up to LIST_COUNT_CAP (a national list holds a million initiatives).
SEARCH_COUNT_CAP = 1000
LIST_COUNT_CAP = 10_000


def _is_public(*, name_order: bool = True) -> sa.ColumnElement[bool]:
    """Public initiatives (``is_public`` is kept from the year rows: models.registry).
    ``name_order``: written as the partial index ``ix_initiatives_public_name`` is (the
    public ids in name order, narrow: a deep page reads only its entries); otherwise
    written so that SQLite does not take that index, whose entries hold neither the
    search text nor the path: a search or a scope is tested on the wide name index's
    entries instead (``is_public`` is among them)."""
    if name_order:
        return Initiative.is_public.is_(True)
    return Initiative.is_public == sa.true()


def initiative_conditions(
    params: ListParams,
    scope: list[str] | None,
    *,
    public: bool,
    path_column=None,
    for_count: bool = False,
    search: str = "index",
    probe_years: bool = False,
) -> list[sa.ColumnElement[bool]]:
    """WHERE conditions of an initiative list. ``path_column`` stands for
    ``Initiative.unit_path`` (a plan may write it so that no index serves it).
    ``for_count``: year conditions as one uncorrelated list of the year rows (they
    carry the unit's path, so the scope narrows that list on its own index) rather than
    a probe per initiative, which suits a walk that stops after a page. ``search``: "index",
    "probe", "like" (registry.search) or "none" (the caller reads the FTS table).
    ``probe_years``: the year rows looked up for each initiative met (``OFFSET 0`` keeps
    PostgreSQL from turning the test into a join that reads every year row first)."""
    path = Initiative.unit_path if path_column is None else path_column
    conditions: list[sa.ColumnElement[bool]] = []
    year_conditions = _year_conditions(params, public=public)
    if params.unit and not year_conditions:
        conditions.append(within_prefixes(path, unit_in_scope(params.unit, scope)))
    elif scope is not None:
        conditions.append(within_prefixes(path, scope))
    if params.q and search != "none":
        q, indexed, probe = params.q, search != "like", search == "probe"
        conditions.append(text_search.search_condition(Initiative, q, indexed=indexed, probe=probe))
    if params.field:
        conditions.append(Initiative.field_id == params.field)
    if params.area:
        conditions.append(in_priority_area(Initiative.id, initiative_priority_areas, params.area))
    if year_conditions:
        # Year rows carry the unit of their year (the initiative's, or its successor
        # after a merger: services.year_unit) and that unit's path: a year filter finds
        # the records a unit carried that year, inside the reader's scope.
        year_conditions += _year_scope(params, scope)
        if for_count:
            listed = sa.select(InitiativeYear.initiative_id).where(*year_conditions)
            conditions.append(Initiative.id.in_(listed))
        else:
            probed = [InitiativeYear.initiative_id == Initiative.id, *year_conditions]
            if probe_years:
                conditions.append(sa.select(InitiativeYear.id).where(*probed).offset(0).exists())
            else:
                conditions.append(sa.exists().where(*probed))
    elif public:
        narrow = not (params.q or params.unit or scope is not None)
        conditions.append(_is_public(name_order=narrow))
    return conditions


def _year_conditions(params: ListParams, *, public: bool) -> list[sa.ColumnElement[bool]]:
    year_conditions = []
    if params.year:
        year_conditions.append(InitiativeYear.year == params.year)
    if params.status:
        year_conditions.append(InitiativeYear.status == params.status)
    if public and year_conditions:
        year_conditions.append(InitiativeYear.status.in_(PUBLIC_STATUSES))
    return year_conditions


def in_priority_area(id_column, link_table, area_id: int) -> sa.ColumnElement[bool]:
    """Records tagged with the priority area ``area_id`` (one indexed lookup of the link
    table, whose second column is the area)."""
    owner, area = list(link_table.c)
    return id_column.in_(sa.select(owner).where(area == area_id))


def _year_scope(params: ListParams, scope) -> list[sa.ColumnElement[bool]]:
    """The scope and unit filter on year rows (they carry the path of their year's unit)."""
    if params.unit:
        return [within_prefixes(InitiativeYear.unit_path, unit_in_scope(params.unit, scope))]
    if scope is not None:
        return [within_prefixes(InitiativeYear.unit_path, scope)]
    return []


def unit_in_scope(unit_id: int, scope) -> list[str]:
    """The path prefixes of ``unit_id``'s subtree inside ``scope`` (one range, not the
    scope's and the unit's both: a database reads the narrower one only when told)."""
    path = unit_path(unit_id)
    if path is None:
        return []
    if scope is None:
        return [path]
    inside = [
        path if path.startswith(p) else p for p in scope if path.startswith(p) or p.startswith(path)
    ]
    return minimal_prefixes(inside)


def initiative_page_ids(
    params: ListParams,
    scope: list[str] | None = None,
    *,
    public: bool = False,
    plan="planner",
    broad: bool = False,
    wide: bool = True,
) -> sa.Select:
    """SELECT of the matching ids in list order (no LIMIT yet): only the narrow columns
    the conditions and the order need. ``broad``, "range": a search scans the narrow name
    index (SQLite's FTS: by id when ``wide``, else tested on the path range); on
    PostgreSQL, "range" without a year filter reads each path range from the index."""
    prefixes = _postgres_ranges(params, scope, public=public) if plan == "range" else None
    if prefixes is not None and params.sort == "name":
        if not params.year:
            return _ranges_page_ids(params, prefixes)
        if not (params.unit or params.status):
            return _ranges_page_ids(params, prefixes, years=True)
    indexed = plan != "walk" and bool(params.q) and text_search.uses_index(params.q)
    path = Initiative.unit_path
    if plan == "walk" or (plan == "range" and broad and params.q and not indexed):
        path = Initiative.unit_path.concat("")  # no index on the path: walk the names
    ids = sa.select(Initiative.id)
    if params.sort == "unit":
        ids = ids.join(Initiative.unit)
    search = "like" if plan == "walk" else "probe" if indexed and not wide else "index"
    probe = plan == "walk" and not on_sqlite()
    ids = ids.where(
        *initiative_conditions(
            params, scope, public=public, path_column=path, search=search, probe_years=probe
        )
    )
    # A search on PostgreSQL, or sparse matches on SQLite: find the matches, then sort.
    postgres_search = bool(params.q) and not on_sqlite()
    return ids.order_by(*initiative_order(params, filter_first=postgres_search or plan == "range"))


def _postgres_ranges(params: ListParams, scope, *, public: bool) -> list[str] | None:
    """The path prefixes a PostgreSQL list reads one range at a time (``ranges_union``),
    or None when its shape is left to the planner (SQLite, a search, the public lists,
    no scope)."""
    if on_sqlite() or params.q or public:
        return None
    prefixes = path_prefixes(params, scope, unit_in_scope)
    return prefixes or None


def _ranges_page_ids(params: ListParams, prefixes: list[str], *, years: bool = False) -> sa.Select:
    """PostgreSQL's "range" in name order: each prefix's (id, sort_key) from the index
    (unit_path, sort_key) INCLUDE (id) alone, the union sorted. ``years`` (a year filter,
    no unit filter): only the ids among the year's rows in the scope, also read range by
    range from their index alone (``IN``: a join of two unions, estimated without
    statistics, became a nested loop over both, 2.3 s at national volume; this is hashed)."""
    inside = dataclasses.replace(params, unit=None, year=None)

    def branch(prefix: str) -> sa.Select:
        conditions = initiative_conditions(inside, [prefix], public=False)
        return sa.select(Initiative.id, Initiative.sort_key).where(*conditions)

    ranges = ranges_union(branch, prefixes)
    key = ranges.c.sort_key.desc() if params.dir == "desc" else ranges.c.sort_key.asc()
    ids = sa.select(ranges.c.id)
    if years:  # as in the other plans: the initiative's and its year row's paths in scope
        year = _year_conditions(params, public=False)
        rows = ranges_union(
            lambda p: sa.select(InitiativeYear.initiative_id).where(
                *year, within_prefixes(InitiativeYear.unit_path, [p])
            ),
            prefixes,
            name="year_ranges",
        )
        ids = ids.where(ranges.c.id.in_(sa.select(rows.c.initiative_id)))
    return ids.order_by(key, ranges.c.id)


def initiatives_select(
    params: ListParams, scope: list[str] | None = None, *, public: bool = False
) -> sa.Select:
    """SELECT of initiatives matching ``params`` inside ``scope`` (path prefixes, None
    for everything); ``public`` keeps only those recognised or outstanding in some year
    (in the chosen year when one is given)."""
    stmt = sa.select(Initiative).join(Initiative.unit)
    stmt = stmt.where(*initiative_conditions(params, scope, public=public))
    return stmt.order_by(*initiative_order(params))


def initiatives_count_select(
    params: ListParams,
    scope: list[str] | None = None,
    *,
    public: bool = False,
    cap=None,
    broad: bool | None = None,
    wide: bool = True,
) -> sa.Select:
    """SELECT of how many initiatives match (ids only; at most ``cap`` + 1 counted).
    Filters that year rows answer alone (scope, unit, field, year, status) count year
    rows (one per initiative and year) on their own covering index. ``broad``: on
    SQLite, a search in a broad scope scans the narrow name index, which holds the
    search text and the path, rather than fetching every row of the scope's range
    (SQLite's FTS matches: read first when ``wide``, else tested on the path range)."""
    year_conditions = _year_conditions(params, public=public)
    if year_conditions and not params.q:
        same = [InitiativeYear.field_id == params.field] if params.field else []
        prefixes = _postgres_ranges(params, scope, public=public)
        if prefixes is not None:
            rows = _ranges_count(
                lambda p: sa.select(InitiativeYear.id).where(
                    *year_conditions, within_prefixes(InitiativeYear.unit_path, [p]), *same
                ),
                prefixes,
            )
        else:
            conditions = [*year_conditions, *_year_scope(params, None if public else scope)]
            if scope is not None and public:
                conditions += _year_scope(ListParams(), scope)
            rows = sa.select(InitiativeYear.id).where(*conditions, *same)
        if cap is not None:
            rows = rows.limit(cap + 1)
        return sa.select(sa.func.count()).select_from(rows.subquery())
    path, ids, search = None, sa.select(Initiative.id), "index"
    if params.q and text_search.uses_index(params.q):
        ids, search = (
            (text_search.fts_driven(Initiative, params.q), "none") if wide else (ids, "probe")
        )
    elif broad and params.q and on_sqlite():
        path = Initiative.unit_path.concat("")
    prefixes = _postgres_ranges(params, scope, public=public)
    if prefixes is not None:
        inside = dataclasses.replace(params, unit=None)
        ids = _ranges_count(
            lambda p: sa.select(Initiative.id).where(
                *initiative_conditions(inside, [p], public=public, for_count=True)
            ),
            prefixes,
        )
    else:
        ids = ids.where(
            *initiative_conditions(
                params, scope, public=public, path_column=path, for_count=True, search=search
            )
        )
    if cap is not None:
        ids = ids.limit(cap + 1)
    return sa.select(sa.func.count()).select_from(ids.subquery())


def _ranges_count(branch, prefixes: list[str]) -> sa.Select:
    """The rows of each prefix's ``branch``, one range at a time (PostgreSQL counts
    them from the index alone: ``ranges_union``)."""
    ranges = ranges_union(branch, prefixes)
    return sa.select(*ranges.c)


def initiative_order(params: ListParams, *, filter_first: bool = False) -> list:
    """ORDER BY of a list. ``filter_first`` orders by ``sort_key || ''`` (same values,
    same byte order) that no index delivers: the database then finds the matches (a
    search through PostgreSQL's trigram index, a scope's path range) and sorts them,
    instead of walking the whole name index in the hope of meeting 50 matches early
    (319 ms for "duong hoa" on PostgreSQL, whose matches sit at the end of the alphabet,
    against ~15 ms)."""
    desc = params.dir == "desc"
    name = Initiative.sort_key
    if filter_first:
        if on_sqlite():
            name = Initiative.sort_key.concat("")
        else:
            name = sa.func.concat(Initiative.sort_key, "").collate("C")

    def d(col):
        return col.desc() if desc else col.asc()

    if params.sort == "year":
        return [d(Initiative.first_year), name, Initiative.id]
    if params.sort == "unit":
        return [d(Unit.sort_key), name, Initiative.id]
    return [d(name), Initiative.id]


def with_list_loads(stmt: sa.Select, *, areas: bool = True) -> sa.Select:
    """Eager loads for a list page: unit and field joined, the years in one more query
    (only what a list shows of them), the priority areas in one more when ``areas``."""
    # The unit is already joined (for the unit sort): fill it from that join.
    options = [
        contains_eager(Initiative.unit).load_only(Unit.id, Unit.code, Unit.name, Unit.sort_key),
        joinedload(Initiative.field),
        selectinload(Initiative.years).load_only(
            InitiativeYear.initiative_id, InitiativeYear.year, InitiativeYear.status
        ),
    ]
    if areas:
        options.append(selectinload(Initiative.priority_areas))
    return stmt.options(*options)


# Lists show the name, unit, field and years: the long texts stay in the database.
LIST_COLUMNS = (
    Initiative.id,
    Initiative.name,
    Initiative.unit_id,
    Initiative.field_id,
    Initiative.first_year,
    Initiative.replicated_from_id,
    Initiative.sort_key,
    Initiative.version,
)


def initiative_page(
    params: ListParams,
    scope,
    *,
    per_page: int,
    public: bool = False,
    count_cap=None,
    areas: bool = True,
):
    """A page of initiatives (``IdsFirstPagination``); ``areas``: with their priority
    areas (the API shows them, the pages do not)."""
    # The 50 shown rows, in list order; which 50 is decided by ``ids_select``.
    stmt = (
        sa.select(Initiative)
        .join(Initiative.unit)
        .order_by(*initiative_order(params))
        .options(load_only(*LIST_COLUMNS))
    )

    share = scope_share(params, scope)
    broad, wide = share * BROAD_SHARE >= 1, share >= WIDE_SHARE

    def ids_select(total: int, offset: int, size: int) -> sa.Select:
        counted = None if count_cap is not None and total > count_cap else total
        plan = choose_plan(params, counted, offset, size, broad, cap=count_cap, share=share)
        return initiative_page_ids(params, scope, public=public, plan=plan, broad=broad, wide=wide)

    keep = None
    if params.q or params.year or params.status or params.page > 1:
        # A search's, a year filter's or a deeper page's total and shown ids are kept by
        # data versions (web.kept): the text match, the year rows counted and probed, or
        # the scope's range read and sorted down to the page, is the page's dearest
        # part, and paging back and forth repeats it.
        key = (dataclasses.astuple(params), scope and tuple(scope), public, count_cap, per_page)

        def keep(compute):
            seconds = int(current_app.config["LIST_CACHE_SECONDS"])
            return kept.kept("list-ids", key, compute, KEPT_DATASETS, seconds)

    return IdsFirstPagination(
        select=with_list_loads(stmt, areas=areas),
        keep=keep,
        ids_select=ids_select,
        id_column=Initiative.id,
        session=db.session(),
        count_select=initiatives_count_select(
            params, scope, public=public, cap=count_cap, broad=broad, wide=wide
        ),
        cap=count_cap,
        page=params.page,
        per_page=per_page,
        error_out=False,
    )
