"""A page of a statement run with named parameters (tracker/pagination.py)."""

import pytest
from sqlalchemy import bindparam, func, select

from tests import factories
from tracker.pagination import paginate
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
