"""A page of a statement run with named parameters (tracker/core/pagination.py)."""

import pytest
from sqlalchemy import bindparam, func, literal, select

from tests import factories
from tracker.core.pagination import Page, paginate, paginate_counted, with_total
from tracker.extensions import db
from tracker.reviews.models import Review

TITLE = bindparam("title")
STMT = select(Review.reference).where(Review.title == TITLE).order_by(Review.reference)
COUNT = select(func.count(Review.id)).where(Review.title == TITLE)


@pytest.fixture
def reviews(app):
    for n in range(5):
        factories.make_review(reference=f"R-{n}", title="Child A")
    factories.make_review(reference="R-9", title="Child B")


def test_a_page_runs_with_its_parameters_and_counts_with_them(reviews):
    page = paginate(STMT, {"title": "Child A"}, page=2, per_page=2, count=COUNT)
    assert [row.reference for row in page.items] == ["R-2", "R-3"]
    assert (page.total, page.pages, page.first, page.last) == (5, 3, 3, 4)
    assert page.has_prev and page.has_next
    only = paginate(STMT, {"title": "Child B"}, page=1, per_page=2, count=COUNT)
    assert [row.reference for row in only.items] == ["R-9"] and only.total == 1 and not only.has_next


def test_a_known_total_saves_the_count_and_a_page_past_the_end_is_empty(reviews):
    page = paginate(STMT, {"title": "Child A"}, page=9, per_page=2, total=5)
    assert page.items == [] and page.total == 5
    assert paginate(STMT, {"title": "Child A"}, page=0, per_page=2, total=5).page == 1


def test_a_page_needs_a_count_or_a_total(app):
    with pytest.raises(ValueError):
        paginate(STMT, {"title": "Child A"}, page=1, per_page=2)


@pytest.mark.parametrize("pages", [0, 1, 2, 5, 7, 40])
def test_the_pager_numbers_are_those_of_flask_sqlalchemys_pagination(app, pages):
    # The simpler lists use db.paginate's Pagination and these use Page: one pager reads both, so
    # their numbers must agree (for the pager's arguments and for the defaults).
    numbers = select(literal(0).label("n")).cte("numbers", recursive=True)
    numbers = numbers.union_all(select(numbers.c.n + 1).where(numbers.c.n < 400))
    rows = select(numbers.c.n).where(numbers.c.n < pages * 10).order_by(numbers.c.n)
    for current in range(1, max(pages, 1) + 1):
        ours = paginate(rows, page=current, per_page=10, total=pages * 10)
        theirs = db.paginate(rows, page=current, per_page=10, error_out=False)
        assert (ours.total, [row.n for row in ours.items]) == (theirs.total, theirs.items)
        for kwargs in ({"left_edge": 1, "left_current": 1, "right_current": 2, "right_edge": 1}, {}):
            assert list(ours.iter_pages(**kwargs)) == list(theirs.iter_pages(**kwargs)), (pages, current, kwargs)
        for name in ("pages", "first", "last", "has_prev", "has_next", "prev_num", "next_num"):
            assert getattr(ours, name) == getattr(theirs, name), (pages, current, name)


def test_the_pager_shows_gaps_around_the_current_page():
    page = Page(page=10, per_page=25, total=1000, items=[object()] * 25)
    assert list(page.iter_pages(left_edge=1, left_current=1, right_current=2, right_edge=1)) == [
        1, None, 9, 10, 11, 12, None, 40]
    assert (page.first, page.last, page.prev_num, page.next_num) == (226, 250, 9, 11)


def test_a_counted_page_reads_its_total_from_its_rows(reviews):
    """One statement for the rows and the total; the count only past the end, where no row holds it."""
    counted = with_total(STMT)
    page = paginate_counted(counted, {"title": "Child A"}, page=2, per_page=2, count=COUNT)
    assert [tuple(row) for row in page.items] == [("R-2", 5), ("R-3", 5)] and (page.total, page.pages) == (5, 3)
    past = paginate_counted(counted, {"title": "Child A"}, page=9, per_page=2, count=COUNT)
    assert past.items == [] and past.total == 5
    none = paginate_counted(counted, {"title": "Nobody"}, page=1, per_page=2, count=COUNT)
    assert none.items == [] and none.total == 0
