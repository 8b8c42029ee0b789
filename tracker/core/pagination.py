"""A page of a list built from statements made once: run with named parameters, read as plain rows.

Flask-SQLAlchemy's `db.paginate` runs the statement it is given as it stands, so every request
builds its statement again, and SQLAlchemy works out the statement's cache key again; for a list
page that was a large share of its time. `paginate` takes the parameters beside the statement, so
the statement (or the part that costs, such as the rating's CASE) can be built once.

`Page` is our own small class, not a subclass of Flask-SQLAlchemy's `Pagination` (whose query hooks
are private): it has the attributes the pager reads (`markup.pagination`), the same as the
`Pagination` that `db.paginate` returns on the simpler lists, so one pager serves both.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from math import ceil
from typing import Any

from sqlalchemy import Select, func

from tracker.extensions import db

MAX_PER_PAGE = 100


@dataclass
class Page:
    """Page `page` (from 1) of `total` items, `per_page` to a page; `items` are this page's rows."""

    page: int
    per_page: int
    total: int
    items: list[Any] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return ceil(self.total / self.per_page) if self.total else 0

    @property
    def first(self) -> int:
        """The number of the first item on the page, from 1; 0 when the page is empty."""
        return (self.page - 1) * self.per_page + 1 if self.items else 0

    @property
    def last(self) -> int:
        return max(self.first, self.first + len(self.items) - 1)

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None

    def iter_pages(self, *, left_edge: int = 2, left_current: int = 2, right_current: int = 4,
                   right_edge: int = 2) -> Iterator[int | None]:
        """The page numbers a pager shows: `left_edge` pages at the start, `left_current` before and
        `right_current` after the current page, `right_edge` at the end, and None for each gap.
        (The same numbers as Flask-SQLAlchemy's `Pagination.iter_pages`, which the other lists use.)"""
        end = self.pages + 1
        if end == 1:
            return
        left_end = min(1 + left_edge, end)
        yield from range(1, left_end)
        if left_end == end:
            return
        mid_start = max(left_end, self.page - left_current)
        mid_end = min(self.page + right_current + 1, end)
        if mid_start > left_end:
            yield None
        yield from range(mid_start, mid_end)
        if mid_end == end:
            return
        right_start = max(mid_end, end - right_edge)
        if right_start > mid_end:
            yield None
        yield from range(right_start, end)

    def __iter__(self) -> Iterator[Any]:
        return iter(self.items)


def paginate(stmt: Select, params: dict[str, Any] | None = None, *, page: int, per_page: int,
             count: Select | None = None, total: int | None = None) -> Page:
    """The page `page` (out of range gives an empty page, never a 404) of `stmt`'s rows, run with
    `params`; the total comes from `count` (a statement giving one number, run with the same
    parameters) or `total` when the caller has it already."""
    if count is None and total is None:
        raise ValueError("paginate needs a count statement or the total")
    page, per_page = _bounds(page, per_page)
    params = params or {}
    rows = db.session.execute(stmt.limit(per_page).offset((page - 1) * per_page), params).all()
    if total is None:
        total = db.session.execute(count, params).scalar_one()
    return Page(page=page, per_page=per_page, total=total, items=rows)


def with_total(stmt: Select) -> Select:
    """`stmt` with the number of rows it gives in all as a last column, for `paginate_counted`."""
    return stmt.add_columns(func.count().over().label("total"))


def paginate_counted(stmt: Select, params: dict[str, Any] | None = None, *, page: int, per_page: int,
                     count: Select) -> Page:
    """As `paginate`, for a statement made by `with_total`: the page's rows and the total in one
    statement, so the database filters the list once, not once for the rows and again for the count
    (a text filter on the reviews lowers every reference and title each time; a library search
    matches every entry's text). The items are the rows, the total still last (`total`). `count`
    runs only for a page past the end, which has no row to read the total from."""
    page, per_page = _bounds(page, per_page)
    params = params or {}
    rows = db.session.execute(stmt.limit(per_page).offset((page - 1) * per_page), params).all()
    if rows:
        total = rows[0][-1]
    else:
        total = db.session.execute(count, params).scalar_one() if page > 1 else 0
    return Page(page=page, per_page=per_page, total=total, items=rows)


def _bounds(page: int, per_page: int) -> tuple[int, int]:
    return max(page, 1), min(max(per_page, 1), MAX_PER_PAGE)
