"""A page of a list built from statements made once: run with named parameters, read as plain rows.

Flask-SQLAlchemy's `db.paginate` runs the statement it is given as it stands, so every request
builds its statement again, and SQLAlchemy works out the statement's cache key again; for a list
page that was a large share of its time. `paginate` takes the parameters beside the statement, so
the statement (or the part that costs, such as the rating's CASE) can be built once.
"""

from typing import Any

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select

from tracker.extensions import db


class Page(Pagination):
    """Flask-SQLAlchemy's pagination (the pager in the templates reads it), whose rows come from
    `select` run with `params`, and whose total from `count` (a statement giving one number) or
    `total` when the caller has it already."""

    def _query_items(self) -> list[Any]:
        stmt: Select = self._query_args["select"]
        rows = db.session.execute(stmt.limit(self.per_page).offset(self._query_offset), self._query_args["params"])
        return rows.all()

    def _query_count(self) -> int:
        if self._query_args.get("total") is not None:
            return self._query_args["total"]
        return db.session.execute(self._query_args["count_select"], self._query_args["params"]).scalar_one()


def paginate(stmt: Select, params: dict[str, Any] | None = None, *, page: int, per_page: int,
             count: Select | None = None, total: int | None = None) -> Page:
    """The page `page` (out of range gives an empty page, never a 404) of `stmt`'s rows."""
    if count is None and total is None:
        raise ValueError("paginate needs a count statement or the total")
    return Page(page=max(page, 1), per_page=per_page, max_per_page=100, error_out=False, count=True,
                select=stmt, params=params or {}, count_select=count, total=total)
