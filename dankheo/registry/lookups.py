"""The registry's lookup sources (dankheo.web.lookup): initiatives, the units a person
registers for, and the subjects of a nomination, searched accent-insensitively on the
precomputed ``search_text`` and listed in Vietnamese order, in the person's scope."""

import sqlalchemy as sa

from dankheo.extensions import db
from dankheo.models import Exemplar, Initiative, Unit
from dankheo.permissions import scope_paths
from dankheo.registry.queries import _is_public
from dankheo.tree import within_prefixes
from dankheo.vietnamese import fold, search_pattern
from dankheo.web import lookup
from dankheo.web.params import parse_id


def _ints(values) -> list[int]:
    ids = (parse_id(str(value)) for value in values)
    return [i for i in ids if i is not None]


def _initiatives(user, *, public: bool) -> sa.Select:
    stmt = sa.select(Initiative.id, Initiative.name, Unit.name).join(Initiative.unit)
    scope = scope_paths(user, "registry.list")
    if scope is not None:
        visible = within_prefixes(Unit.path, scope)
        stmt = stmt.where(sa.or_(visible, _is_public()) if public else visible)
    return stmt


def _initiative_search(public: bool):
    def search(user, query: str, limit: int) -> list[tuple[int, str]]:
        stmt = _initiatives(user, public=public)
        if query:
            stmt = stmt.where(Initiative.search_text.like(search_pattern(query), escape="\\"))
        stmt = stmt.order_by(Initiative.sort_key, Initiative.id).limit(limit)
        return [(i, f"{name} – {unit}") for i, name, unit in db.session.execute(stmt)]

    def labels(user, values) -> dict[str, str]:
        ids = _ints(values)
        if not ids:
            return {}
        stmt = _initiatives(user, public=public).where(Initiative.id.in_(ids))
        return {str(i): f"{name} – {unit}" for i, name, unit in db.session.execute(stmt)}

    return search, labels


def _units(user) -> sa.Select:
    stmt = sa.select(Unit.id, Unit.name, Unit.valid_to)
    scope = scope_paths(user, "registry.edit")
    if scope is not None:
        stmt = stmt.where(within_prefixes(Unit.path, scope))
    return stmt


def _unit_label(name: str, valid_to) -> str:
    return f"{name} (đến {valid_to.strftime('%d/%m/%Y')})" if valid_to else name


def _unit_search(user, query: str, limit: int) -> list[tuple[int, str]]:
    stmt = _units(user)
    if query:
        stmt = stmt.where(Unit.search_text.like(search_pattern(query), escape="\\"))
    stmt = stmt.order_by(Unit.path).limit(limit)
    return [(i, _unit_label(n, v)) for i, n, v in db.session.execute(stmt)]


def _unit_labels(user, values) -> dict[str, str]:
    ids = _ints(values)
    if not ids:
        return {}
    rows = db.session.execute(_units(user).where(Unit.id.in_(ids)))
    return {str(i): _unit_label(n, v) for i, n, v in rows}


def _subject_rows(user, query: str, limit: int, ids=None) -> list[tuple[str, str]]:
    """Initiatives and exemplars of the units a person nominates for: "i:12" / "e:7"."""
    scope = scope_paths(user, "registry.edit")
    out = []
    for prefix, model, label in (("i", Initiative, "Mô hình"), ("e", Exemplar, "Điển hình")):
        stmt = sa.select(model.id, model.name, Unit.name).join(model.unit)
        if scope is not None:
            stmt = stmt.where(within_prefixes(Unit.path, scope))
        if query:
            stmt = stmt.where(model.search_text.like(search_pattern(query), escape="\\"))
        if ids is not None:
            wanted = _ints(v[2:] for v in ids if str(v).startswith(prefix + ":"))
            if not wanted:
                continue
            stmt = stmt.where(model.id.in_(wanted))
        stmt = stmt.order_by(model.sort_key, model.id).limit(limit)
        out += [(f"{prefix}:{i}", f"{label}: {n} – {u}") for i, n, u in db.session.execute(stmt)]
    return out[:limit] if ids is None else out


def unit_filter_choices(units: list, query: str, current) -> tuple[list, dict | None]:
    """A long unit filter (more than web.lookup.LIMIT units) becomes a search: the chosen
    unit and the first matches of ``query`` (accent-insensitive); the filter form's "Tìm"
    button asks again, with or without JavaScript. Short lists stay whole."""
    if len(units) <= lookup.LIMIT and not query:
        return units, None
    folded = fold(query)
    matches = [u for u in units if folded in fold(u[1])] if folded else units
    kept = [u for u in units if u[0] == current]
    shown = kept + [u for u in matches if u[0] != current][: lookup.LIMIT]
    return shown, {"query": query, "matches": len(matches), "limit": lookup.LIMIT}


initiative_search, initiative_labels = _initiative_search(public=True)
scope_initiative_search, scope_initiative_labels = _initiative_search(public=False)

lookup.register("initiatives", search=initiative_search, labels=initiative_labels)
lookup.register("scope-initiatives", search=scope_initiative_search, labels=scope_initiative_labels)
lookup.register("units", search=_unit_search, labels=_unit_labels)
lookup.register(
    "subjects",
    search=lambda user, query, limit: _subject_rows(user, query, limit),
    labels=lambda user, values: dict(_subject_rows(user, "", 10**6, ids=list(values))),
)
