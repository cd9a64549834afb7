"""The unit choices of the lists' filters (the province and its districts, or the
user's scope): the same for every request until the structure changes, so kept per
process and structure version (models.versions.per_version)."""

import sqlalchemy as sa

from dankheo.extensions import db
from dankheo.models import Unit
from dankheo.models.versions import per_version
from dankheo.tree import in_tree_order, within_prefixes


def units_in_scope(scope, levels: int | None = None) -> list[Unit]:
    """Units under ``scope``; with ``levels``, only that many levels from the top of the
    scope (filters need provinces, districts and communes, not every village)."""
    stmt = sa.select(Unit).order_by(Unit.path)
    if scope is not None:
        stmt = stmt.where(within_prefixes(Unit.path, scope))
    if levels is not None:
        top = min((p.count("/") - 2 for p in scope), default=0) if scope is not None else 0
        stmt = stmt.where(Unit.depth < top + levels)
    return list(db.session.scalars(stmt))


def unit_choices(scope, levels: int | None = None) -> list[tuple[int, str]]:
    """Units for a select box, in tree order and indented by depth so the tree reads at
    a glance (kept per process and structure version: every list's filter asks)."""
    key = ("unit-choices", None if scope is None else tuple(scope), levels)
    return list(
        per_version(db.session, ["units"], key, lambda: tuple(_unit_choices(scope, levels)))
    )


def _unit_choices(scope, levels: int | None) -> list[tuple[int, str]]:
    units = in_tree_order(units_in_scope(scope, levels))
    # Indented by the level in the list shown: a predecessor outside the user's own
    # subtree starts a branch of its own, whatever its depth in the tree.
    level: dict[int, int] = {}
    out = []
    for u in units:
        level[u.id] = level[u.parent_id] + 1 if u.parent_id in level else 0
        label = "— " * level[u.id] + u.name
        if u.valid_to is not None:
            label += f" (đến {u.valid_to.strftime('%d/%m/%Y')})"
        out.append((u.id, label))
    return out
