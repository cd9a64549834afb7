"""Pages of the registry lists: a total from a narrow (maybe capped) count, the shown
ids first, then only those rows with what the page shows."""

from flask_sqlalchemy.pagination import SelectPagination


class CountedPagination(SelectPagination):
    """A page of ``select`` whose total comes from ``count_select`` (ids only, maybe
    capped) instead of a count over a subquery of every column. ``capped`` is True
    when more rows match than the cap: the page then says "more than N"."""

    def _query_count(self) -> int:
        if "total" in self._query_args:
            total = self._query_args["total"]
        else:
            total = self._query_args["session"].execute(self._query_args["count_select"]).scalar()
        cap = self._query_args.get("cap")
        self.capped = cap is not None and total > cap
        return total

    capped = False


class IdsFirstPagination(CountedPagination):
    """A ``CountedPagination`` whose page is read in two steps within one statement:
    the shown ids (``ids_select`` limited to the page), then those rows with their
    loads (``select`` restricted to ``id_column IN`` them, in the same order). The count
    is taken first and given to ``ids_select(total, offset, per_page)``: the plan of the
    page may depend on how many rows match. With ``keep``, the total and the ids are
    read in two statements and kept by it (``keep(compute)`` returns what ``compute()``
    returned, or what it kept of an earlier call)."""

    def _query_items(self) -> list:
        args = self._query_args
        session = args["session"]
        keep = args.get("keep")
        if keep is None:
            total = session.execute(args["count_select"]).scalar()
            args["total"] = total
            if not total:
                return []
            ids = self._ids_select(total).limit(self.per_page).offset(self._query_offset)
        else:
            # The total and the shown ids, kept (``keep(compute)``, e.g. by data
            # versions): a repeated search costs only the rows' statement.
            total, ids = keep(lambda: self._total_and_ids(session))
            args["total"] = total
            if not ids:
                return []
        stmt = args["select"].where(args["id_column"].in_(ids))
        return list(session.execute(stmt).unique().scalars())

    def _ids_select(self, total: int):
        return self._query_args["ids_select"](total, self._query_offset, self.per_page)

    def _total_and_ids(self, session) -> tuple[int, list[int]]:
        total = session.execute(self._query_args["count_select"]).scalar()
        if not total:
            return total, []
        ids = self._ids_select(total).limit(self.per_page).offset(self._query_offset)
        return total, list(session.scalars(ids))
