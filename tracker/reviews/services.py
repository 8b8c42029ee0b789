"""Verbs on reviews and learning points, the reviews list query, and the statutory milestones.

Services check the rules that need the database, change the records and flush; the view commits."""

from calendar import monthrange
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache, lru_cache
from typing import NamedTuple

import holidays
from sqlalchemy import Select, String, and_, bindparam, exists, func, or_, select

from tracker import permissions
from tracker.actions.models import RATED, Action
from tracker.actions.ratings import format_date, rating_days, rating_expression
from tracker.errors import DomainError
from tracker.extensions import db
from tracker.pagination import Page, paginate
from tracker.reviews.models import KEY_DATES, LearningPoint, Review, ReviewStatus, ReviewType, SharedHow
from tracker.settings import Settings
from tracker.themes.models import Theme, review_themes
from tracker.users.models import User

KEY_DATE_LABELS = dict(KEY_DATES)
KEY_DATE_FIELDS = tuple(name for name, _ in KEY_DATES)


# --- Reviews -------------------------------------------------------------------------------------


@dataclass
class ReviewDetails:
    """What a person types about a review, already shaped by the form."""

    reference: str
    title: str
    review_type: str
    status: str
    lead_reviewer: str = ""
    summary: str = ""
    themes: list[Theme] = field(default_factory=list)
    dates: dict[str, date | None] = field(default_factory=dict)
    #: Left empty, it defaults on publication to the published date plus the response period.
    response_deadline: date | None = None


def check_key_date_order(dates: dict[str, date | None]) -> None:
    """Each key date that is recorded must not come before any earlier key date that is recorded
    (the notification cannot precede the incident, publication cannot precede sign-off)."""
    latest: tuple[str, date] | None = None
    for name in KEY_DATE_FIELDS:
        value = dates.get(name)
        if value is None:
            continue
        if latest is not None and value < latest[1]:
            earlier, earlier_date = latest
            raise DomainError(
                f"{KEY_DATE_LABELS[name]} date must be the same as or after the "
                f"{KEY_DATE_LABELS[earlier].lower()} date ({format_date(earlier_date)})",
                field=name,
            )
        latest = (name, value)


def response_deadline(published: date | None, chosen: date | None, response_days: int) -> date | None:
    """Formal responses are due by a deadline set when the review is published: the one chosen,
    or the published date plus the partnership's response period. No publication, no deadline."""
    if published is None:
        if chosen is not None:
            raise DomainError("Enter the published date before setting a response deadline",
                              field="response_deadline")
        return None
    if chosen is None:
        return published + timedelta(days=response_days)
    if chosen < published:
        raise DomainError(f"Response deadline must be the same as or after the published date "
                          f"({format_date(published)})", field="response_deadline")
    return chosen


def _apply(review: Review, details: ReviewDetails, response_days: int) -> None:
    reference = details.reference.strip()
    taken = db.session.scalar(select(Review.id).where(func.lower(Review.reference) == reference.lower(),
                                                      Review.id != (review.id or 0)))
    if taken is not None:
        raise DomainError(f"Another review already has the reference {reference}", field="reference")
    if details.review_type not in {t.value for t in ReviewType}:
        raise DomainError("Select the type of review", field="review_type")
    if details.status not in {s.value for s in ReviewStatus}:
        raise DomainError("Select the status of the review", field="status")
    check_key_date_order(details.dates)
    deadline = response_deadline(details.dates.get("published_date"), details.response_deadline, response_days)
    review.reference = reference
    review.title = details.title.strip()
    review.review_type = details.review_type
    review.status = details.status
    review.lead_reviewer = (details.lead_reviewer or "").strip()
    review.summary = (details.summary or "").strip()
    review.themes = list(details.themes)
    for name in KEY_DATE_FIELDS:
        setattr(review, name, details.dates.get(name))
    review.response_deadline = deadline


def create_review(details: ReviewDetails, response_days: int = Settings.response_days) -> Review:
    review = Review()
    _apply(review, details, response_days)
    db.session.add(review)
    db.session.flush()
    return review


def update_review(review: Review, details: ReviewDetails, response_days: int = Settings.response_days) -> None:
    _apply(review, details, response_days)
    db.session.flush()


# --- Learning points -----------------------------------------------------------------------------


def _check_learning_point(review: Review, number: int, text: str, shared_how: str | None,
                          shared_date: date | None, today: date, point_id: int | None = None) -> None:
    if number < 1:
        raise DomainError("Learning point number must be 1 or more", field="number")
    taken = db.session.scalar(select(LearningPoint.id).where(
        LearningPoint.review_id == review.id, LearningPoint.number == number, LearningPoint.id != (point_id or 0)))
    if taken is not None:
        raise DomainError(f"This review already has a learning point {number}", field="number")
    if not text.strip():
        raise DomainError("Enter the learning point", field="text")
    if shared_how and shared_how not in {s.value for s in SharedHow}:
        raise DomainError("Select how the learning point was shared", field="shared_how")
    if shared_date and not shared_how:
        raise DomainError("Select how the learning point was shared", field="shared_how")
    if shared_date and shared_date > today:
        raise DomainError("Date shared must be today or in the past", field="shared_date")


def add_learning_point(review: Review, *, number: int, text: str, shared_how: str | None,
                       shared_date: date | None, today: date) -> LearningPoint:
    _check_learning_point(review, number, text, shared_how, shared_date, today)
    point = LearningPoint(review=review, number=number, text=text.strip(), shared_how=shared_how or None,
                          shared_date=shared_date)
    db.session.add(point)
    db.session.flush()
    return point


def update_learning_point(point: LearningPoint, *, number: int, text: str, shared_how: str | None,
                          shared_date: date | None, today: date) -> None:
    _check_learning_point(point.review, number, text, shared_how, shared_date, today, point_id=point.id)
    point.number = number
    point.text = text.strip()
    point.shared_how = shared_how or None
    point.shared_date = shared_date
    db.session.flush()


def next_learning_point_number(review: Review) -> int:
    current = db.session.scalar(select(func.max(LearningPoint.number)).where(LearningPoint.review_id == review.id))
    return (current or 0) + 1


# --- The reviews list ----------------------------------------------------------------------------

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
            sort=sort if sort in SORTS else "reference",
            direction=direction if direction in ("asc", "desc") else "asc",
        )

    @property
    def active(self) -> bool:
        return bool(self.review_type or self.status or self.theme_id or self.text)


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

    # The wording of its type and status: Review's own properties, which read the same two fields.
    type_label = Review.type_label
    status_label = Review.status_label


def reviews_page(filters: ReviewFilters, *, page: int, per_page: int) -> Page:
    """A page of the reviews list as ReviewLines, with the total: two queries."""
    stmt, count = _list_statements(bool(filters.review_type), bool(filters.status), bool(filters.theme_id),
                                   bool(filters.text), filters.sort, filters.direction)
    params = {"review_type": filters.review_type, "status": filters.status, "theme_id": filters.theme_id,
              "pattern": _like_pattern(filters.text)}
    pagination = paginate(stmt, params, page=page, per_page=per_page, count=count)
    pagination.items = [ReviewLine(*row) for row in pagination.items]
    return pagination


@cache
def _list_statements(review_type: bool, status: bool, theme: bool, text: bool, sort: str,
                     direction: str) -> tuple[Select, Select]:
    """The list's statement and its count for one shape of filters and sort, built once, on the
    table (only the columns the list shows): the values are the named parameters `review_type`,
    `status`, `theme_id` and `pattern`."""
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
    keys = [r[column] for column in SORTS[sort]]
    order = [k.desc().nulls_last() if direction == "desc" else k.asc().nulls_last() for k in keys]
    stmt = (select(r.id, r.reference, r.title, r.review_type, r.status, r.published_date, r.created_at)
            .where(*conditions).order_by(*order, r.id))
    return stmt, select(func.count(r.id)).where(*conditions)


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


# --- Statutory milestones ------------------------------------------------------------------------
#
# A table of rules per review type. Each milestone is done on a key date; its due date runs from
# the first recorded key date in `deadlines` (so "board sign-off" is due by publication, or, before
# the report is published, by the date publication is due). These are the statutory defaults; the
# administrator changes them per review type on the admin clocks page (tracker/reviews/clocks.py),
# and the changed rules are kept in the settings table.

#: How a key date reads inside a sentence ("within 5 working days of the serious incident").
KEY_DATE_PHRASES = {
    "incident_date": "serious incident",
    "notification_date": "notification",
    "rapid_review_date": "rapid review",
    "decision_date": "decision to hold a review",
    "commissioned_date": "commissioning of the review",
    "draft_date": "draft report",
    "board_signoff_date": "board sign-off",
    "published_date": "publication",
}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


@dataclass(frozen=True)
class Deadline:
    start: str  # a key date field
    working_days: int = 0
    months: int = 0

    @property
    def describe(self) -> str:
        what = KEY_DATE_PHRASES[self.start]
        if self.working_days:
            return f"within {_plural(self.working_days, 'working day')} of the {what}"
        if self.months:
            return f"within {_plural(self.months, 'calendar month')} of the {what}"
        return f"on or before the date of the {what}"


@dataclass(frozen=True)
class MilestoneRule:
    name: str
    done: str  # the key date field that records it done
    deadlines: tuple[Deadline, ...]
    # From this status on, the milestone has happened, so a missing date is a gap in the record,
    # not a missed deadline.
    passed_by: ReviewStatus = ReviewStatus.CLOSED


NOTIFY = MilestoneRule("Notify the national panel", "notification_date", (
    Deadline("incident_date", working_days=5),
), passed_by=ReviewStatus.RAPID_REVIEW)
RAPID_REVIEW = MilestoneRule("Rapid review", "rapid_review_date", (
    Deadline("notification_date", working_days=15),
), passed_by=ReviewStatus.COMMISSIONED)
PUBLISH = MilestoneRule("Publish the report", "published_date", (
    Deadline("decision_date", months=6),
), passed_by=ReviewStatus.PUBLISHED)
SIGN_OFF = MilestoneRule("Board sign-off", "board_signoff_date", (
    Deadline("published_date"),
    Deadline("decision_date", months=6),
), passed_by=ReviewStatus.SIGNED_OFF)

T = ReviewType
#: The statutory defaults, used for every review type the administrator has not changed.
MILESTONE_RULES: dict[ReviewType, tuple[MilestoneRule, ...]] = {
    T.RAPID_REVIEW: (NOTIFY, RAPID_REVIEW),
    T.CSPR: (NOTIFY, RAPID_REVIEW, PUBLISH, SIGN_OFF),
    T.LOCAL_LEARNING: (PUBLISH, SIGN_OFF),
    T.SILP: (PUBLISH, SIGN_OFF),
    T.SPECIAL_PRACTICE: (PUBLISH, SIGN_OFF),
    T.THEMATIC: (PUBLISH, SIGN_OFF),
    T.SCR: (SIGN_OFF,),
    T.SAR: (SIGN_OFF,),
    T.DHR: (SIGN_OFF,),
}
Clocks = Mapping[str, tuple[MilestoneRule, ...]]

STATUS_ORDER = list(ReviewStatus)
MILESTONE_STATES = ("done", "done_late", "due", "overdue", "not_applicable")


@dataclass(frozen=True)
class Milestone:
    name: str
    due_date: date | None
    done_date: date | None
    state: str  # one of MILESTONE_STATES
    reason: str

    @property
    def is_late(self) -> bool:
        return self.state in ("done_late", "overdue")


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    """Bank holidays in England and Wales, from the maintained `holidays` library (its England
    calendar, which is also the Welsh one: the two nations share their bank holidays, including
    one-off days such as a coronation; Scotland and Northern Ireland differ and are not used)."""
    return frozenset(holidays.UK(subdiv="ENG", years=[year]).keys())


def is_working_day(day: date) -> bool:
    """Monday to Friday, except bank holidays in England and Wales."""
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


@lru_cache(maxsize=4096)
def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start` (the start day itself is day 0)."""
    day = start
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 when end is not after start).
    Counted, not walked day by day: a milestone years overdue is thousands of days, and the home page
    works out every open review's milestones."""
    if end <= start:
        return 0
    weeks, extra = divmod((end - start).days, 7)
    first = start.weekday()
    weekdays = weeks * 5 + sum(1 for n in range(1, extra + 1) if (first + n) % 7 < 5)
    holidays_in_range = sum(1 for year in range(start.year, end.year + 1) for day in _bank_holidays(year)
                            if start < day <= end and day.weekday() < 5)
    return weekdays - holidays_in_range


def add_months(start: date, months: int) -> date:
    """Calendar months; 31 August plus 6 months is the last day of February."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, monthrange(year, month)[1]))


def _due(deadline: Deadline, start: date) -> date:
    if deadline.working_days:
        return add_working_days(start, deadline.working_days)
    if deadline.months:
        return add_months(start, deadline.months)
    return start


def _late_by(deadline: Deadline, due: date, later: date) -> str:
    if deadline.working_days:
        n = working_days_between(due, later)
        return f"{n} working day{'s' if n != 1 else ''}"
    n = (later - due).days
    return f"{n} day{'s' if n != 1 else ''}"


def _assess(rule: MilestoneRule, review: Review, today: date) -> tuple[Deadline | None, date | None, str]:
    """The deadline in force, the due date and the state of one milestone, without its wording
    (the home page assesses every open review's milestones and words only the ones it shows)."""
    done = getattr(review, rule.done)
    deadline = next((d for d in rule.deadlines if getattr(review, d.start) is not None), None)
    if deadline is None:
        return None, None, "done" if done else "not_applicable"
    due = _due(deadline, getattr(review, deadline.start))
    if done:
        return deadline, due, "done" if done <= due else "done_late"
    if STATUS_ORDER.index(ReviewStatus(review.status)) >= STATUS_ORDER.index(rule.passed_by):
        return deadline, due, "not_applicable"
    return deadline, due, "overdue" if today > due else "due"


def evaluate(rule: MilestoneRule, review: Review, today: date) -> Milestone:
    deadline, due, state = _assess(rule, review, today)
    done = getattr(review, rule.done)
    if deadline is None:
        if state == "done":
            return Milestone(rule.name, None, done, state, f"Done on {format_date(done)}")
        starts = " or ".join(KEY_DATE_LABELS[d.start].lower() for d in rule.deadlines)
        return Milestone(rule.name, None, None, state, f"Not started: the {starts} date is not recorded")
    when = deadline.describe
    if state == "done":
        return Milestone(rule.name, due, done, state, f"Done on {format_date(done)}, {when}")
    if state == "done_late":
        return Milestone(rule.name, due, done, state,
                         f"Done on {format_date(done)}, {_late_by(deadline, due, done)} after it was due "
                         f"on {format_date(due)}")
    if state == "not_applicable":
        return Milestone(rule.name, due, None, state,
                         f"The review is {ReviewStatus(review.status).label.lower()} but the "
                         f"{KEY_DATE_LABELS[rule.done].lower()} date is not recorded")
    if state == "overdue":
        return Milestone(rule.name, due, None, state,
                         f"Overdue: due {format_date(due)} ({when}), {_late_by(deadline, due, today)} ago")
    return Milestone(rule.name, due, None, state, f"Due by {format_date(due)}, {when}")


def milestones(review: Review, today: date, clocks: Clocks | None = None) -> list[Milestone]:
    """The clocks for this review's type (the configured ones, else the statutory defaults), each
    with its state and a one-line reason."""
    rules = (MILESTONE_RULES if clocks is None else clocks).get(review.review_type, ())
    return [evaluate(rule, review, today) for rule in rules]


@dataclass(frozen=True)
class LateMilestone:
    review_id: int
    reference: str
    title: str
    milestone: Milestone


def overdue_milestones(today: date, clocks: Clocks, limit: int) -> tuple[int, list[LateMilestone]]:
    """Milestones past their due date and not yet done, across the reviews that are not closed,
    longest overdue first: their number and the first `limit`. One query, whatever the data (the
    clocks are a pure function of a review's dates)."""
    columns = [Review.id, Review.reference, Review.title, Review.review_type, Review.status,
               *(getattr(Review, name) for name in KEY_DATE_FIELDS)]
    rows = db.session.execute(select(*columns).where(
        Review.status != ReviewStatus.CLOSED.value,
        Review.review_type.in_([t for t, rules in clocks.items() if rules]))).all()
    late = []
    for row in rows:
        for rule in clocks.get(row.review_type, ()):
            _, due, state = _assess(rule, row, today)
            if state == "overdue":
                late.append((due, row.reference, rule.name, row, rule))
    late.sort(key=lambda item: item[:3])
    return len(late), [LateMilestone(row.id, row.reference, row.title, evaluate(rule, row, today))
                       for *_, row, rule in late[:limit]]
