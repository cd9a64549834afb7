"""Keyset pages of initiatives: the ``size`` rows after a (sort key, id) in name order,
as the open-data API's cursor asks for them — the same cost at the end of the list as
at its start (no OFFSET)."""

import dataclasses

import sqlalchemy as sa
from sqlalchemy.orm import load_only

from dankheo.extensions import db
from dankheo.models import Initiative
from dankheo.registry.plans import is_broad
from dankheo.registry.queries import (
    LIST_COLUMNS,
    ListParams,
    initiative_order,
    initiative_page_ids,
    on_sqlite,
    with_list_loads,
)


def initiative_keyset_page(
    params: ListParams,
    scope,
    *,
    after: tuple[str, int] | None,
    size: int,
    public: bool = False,
) -> list[Initiative]:
    """The ``size`` initiatives after ``after`` (sort key, id) in name order: a page
    that costs the same at the end of the list as at its start (no OFFSET)."""
    params = dataclasses.replace(params, sort="name", dir="asc")
    broad = is_broad(params, scope)
    plan = "walk" if on_sqlite() and broad else "planner"
    ids = initiative_page_ids(params, scope, public=public, plan=plan, broad=broad)
    if after is not None:
        key, last_id = after
        ids = ids.where(
            Initiative.sort_key >= key,
            sa.or_(Initiative.sort_key > key, Initiative.id > last_id),
        )
    stmt = (
        sa.select(Initiative)
        .join(Initiative.unit)
        .where(Initiative.id.in_(ids.limit(size)))
        .order_by(*initiative_order(params))
        .options(load_only(*LIST_COLUMNS))
    )
    return list(db.session.execute(with_list_loads(stmt)).unique().scalars())
