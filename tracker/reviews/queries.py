"""The reviews list: its filters, its statements (built once per shape) and its lines, and the rating
counts the list shows beside each review."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import NamedTuple

from sqlalchemy import Select, String, and_, bindparam, exists, func, or_, select

from tracker import permissions
from tracker.actions.models import RATED, Action
from tracker.actions.ratings import rating_days, rating_expression
from tracker.core.pagination import Page, paginate_counted, with_total
from tracker.extensions import db
from tracker.reviews.models import Review, ReviewStatus, ReviewType
from tracker.settings import Settings
from tracker.themes.models import review_themes
from tracker.users.models import User

#: The columns each sort orders by.
SORTS = {
    "reference": ("reference",),
    "title": ("title", "reference"),
    "published": ("published_date", "reference"),
    "created": ("created_at",),
}


@dataclass
class ReviewFilters:
    review_type: str | None = None
    status: str | None = None
    theme_id: int | None = None
    text: str = ""
    closure: str | None = None  # "open" or "closed": closed when the board closed its last recommendation
    sort: str = "reference"
    direction: str = "asc"

    @classmethod
    def from_args(cls, args) -> "ReviewFilters":
        """Unknown or malformed values are ignored, so a typed-in URL never fails."""
        review_type = args.get("type") or None
        status = args.get("status") or None
        theme = args.get("theme") or ""
        sort = args.get("sort") or "reference"
        direction = args.get("dir") or "asc"
        return cls(
            review_type=review_type if review_type in {t.value for t in ReviewType} else None,
            status=status if status in {s.value for s in ReviewStatus} else None,
            theme_id=int(theme) if theme.isascii() and theme.isdigit() and len(theme) < 10 else None,
            text=(args.get("q") or "").strip()[:100],
            closure=args.get("closure") if args.get("closure") in ("open", "closed") else None,
            sort=sort if sort in SORTS else "reference",
            direction=direction if direction in ("asc", "desc") else "asc",
        )

    @property
    def active(self) -> bool:
        return bool(self.review_type or self.status or self.theme_id or self.text or self.closure)


def _like_pattern(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class ReviewLine(NamedTuple):
    """One review as the list shows it: plain values, not a mapped object."""
    id: int
    reference: str
    title: str
    review_type: str
    status: str
    published_date: date | None
    created_at: datetime
    closed_date: date | None

    # The wording of its type and status: Review's own properties, which read the same two fields.
    type_label = Review.type_label
    status_label = Review.status_label


def _params(filters: ReviewFilters) -> dict:
    return {"review_type": filters.review_type, "status": filters.status, "theme_id": filters.theme_id,
            "pattern": _like_pattern(filters.text)}


def all_review_lines(filters: ReviewFilters) -> list[ReviewLine]:
    """Every review the filters match, in the list's order (the export's rows): one query. A
    partnership's reviews number in the hundreds, never more than a few thousand."""
    stmt, _, _ = _list_statements(bool(filters.review_type), bool(filters.status), bool(filters.theme_id),
                                  bool(filters.text), filters.sort, filters.direction, filters.closure)
    return [ReviewLine(*row) for row in db.session.execute(stmt, _params(filters)).all()]


def reviews_page(filters: ReviewFilters, *, page: int, per_page: int) -> Page:
    """A page of the reviews list as ReviewLines, with the total: one query (two past the end)."""
    _, counted, count = _list_statements(bool(filters.review_type), bool(filters.status), bool(filters.theme_id),
                                         bool(filters.text), filters.sort, filters.direction, filters.closure)
    pagination = paginate_counted(counted, _params(filters), page=page, per_page=per_page, count=count)
    pagination.items = [ReviewLine(*row[:-1]) for row in pagination.items]  # the total aside
    return pagination


@cache
def _list_statements(review_type: bool, status: bool, theme: bool, text: bool, sort: str,
                     direction: str, closure: str | None = None) -> tuple[Select, Select, Select]:
    """The list's statement, the same with its total on each row (`with_total`), and its count, for
    one shape of filters and sort, built once, on the table (only the columns the list shows): the
    values are the named parameters `review_type`, `status`, `theme_id` and `pattern`."""
    r = Review.__table__.c
    conditions = []
    if review_type:
        conditions.append(r.review_type == bindparam("review_type"))
    if status:
        conditions.append(r.status == bindparam("status"))
    if theme:
        conditions.append(exists().where(and_(review_themes.c.review_id == r.id,
                                              review_themes.c.theme_id == bindparam("theme_id"))))
    if text:
        pattern = bindparam("pattern", type_=String)
        conditions.append(or_(func.lower(r.reference).like(pattern, escape="\\"),
                              func.lower(r.title).like(pattern, escape="\\")))
    if closure:
        conditions.append(r.closed_date.is_(None) if closure == "open" else r.closed_date.is_not(None))
    keys = [r[column] for column in SORTS[sort]]
    order = [k.desc().nulls_last() if direction == "desc" else k.asc().nulls_last() for k in keys]
    stmt = (select(r.id, r.reference, r.title, r.review_type, r.status, r.published_date, r.created_at,
                   r.closed_date)
            .where(*conditions).order_by(*order, r.id))
    return stmt, with_total(stmt), select(func.count()).select_from(Review.__table__).where(*conditions)


def rating_counts_by_review(user: User, review_ids: Iterable[int], today: date,
                            settings: Settings) -> dict[int, dict[str, int]]:
    """Counts of the actions this user may see, by rating, for each review: one grouped query."""
    ids = list(review_ids)
    counts: dict[int, dict[str, int]] = {i: dict.fromkeys(RATED, 0) for i in ids}
    if not ids:
        return counts
    rating = rating_expression().label("rating")
    stmt = (select(Action.review_id, rating, func.count())
            .where(Action.review_id.in_(ids), permissions.visible_actions_filter(user))
            .group_by(Action.review_id, rating))
    for review_id, value, n in db.session.execute(stmt, rating_days(today, settings)).all():
        if value in counts[review_id]:
            counts[review_id][value] = n
    return counts
