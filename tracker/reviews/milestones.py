"""The statutory milestones of a review and the working-day calendar they are counted in."""

from calendar import monthrange
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays
from sqlalchemy import select

from tracker.actions.ratings import format_date
from tracker.extensions import db
from tracker.reviews.models import KEY_DATES, Review, ReviewStatus, ReviewType

KEY_DATE_LABELS = dict(KEY_DATES)
KEY_DATE_FIELDS = tuple(name for name, _ in KEY_DATES)


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
#: Each status's place in STATUS_ORDER (a StrEnum: its members and their stored strings find the same
#: entry): the home page asks this hundreds of times.
STATUS_RANK = {status: rank for rank, status in enumerate(STATUS_ORDER)}
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
    if _passed(rule, review):
        return deadline, due, "not_applicable"
    return deadline, due, "overdue" if today > due else "due"


def _passed(rule: MilestoneRule, review: Review) -> bool:
    """The review has moved past the stage the milestone belongs to."""
    return STATUS_RANK[review.status] >= STATUS_RANK[rule.passed_by]


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
        Review.status != ReviewStatus.CLOSED,
        Review.review_type.in_([t for t, rules in clocks.items() if rules]))).all()
    late = []
    for row in rows:
        for rule in clocks.get(row.review_type, ()):
            if getattr(row, rule.done) is not None or _passed(rule, row):
                continue  # done, or past its stage: never overdue, so not worked out
            _, due, state = _assess(rule, row, today)
            if state == "overdue":
                late.append((due, row.reference, rule.name, row, rule))
    late.sort(key=lambda item: item[:3])
    return len(late), [LateMilestone(row.id, row.reference, row.title, evaluate(rule, row, today))
                       for *_, row, rule in late[:limit]]
