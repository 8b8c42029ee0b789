"""The one query behind every list of actions: visibility, filters and sorting in SQL, with the
related rows loaded in the same statement so no list runs a query per row."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import (
    Select,
    String,
    and_,
    bindparam,
    exists,
    func,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.orm import joinedload

from tracker import permissions
from tracker.actions.models import (
    LIVE_STATUSES,
    RATED,
    WORKING_STATUSES,
    Action,
    ActionStatus,
    AssuranceDecision,
    Decision,
    ProgressUpdate,
    Rating,
    StatusChange,
    action_reference,
    status_label,
)
from tracker.actions.ratings import (
    rate,
    rating_condition,
    rating_days,
    rating_expression,
    rating_order_expression,
)
from tracker.core.pagination import Page, paginate
from tracker.extensions import db
from tracker.recommendations.models import Recommendation
from tracker.reviews.models import Review
from tracker.settings import Settings
from tracker.themes.models import recommendation_themes, review_themes
from tracker.users.models import Agency, User

SORTS = ("due", "rating", "agency", "review", "status", "updated")

#: The owner and review filter lists (id, label parts), built once on the tables themselves: plain Core
#: statements skip the ORM's per-query work, and only their rows change. Themes: themes.services.THEME_NAMES.
_agencies, _reviews = Agency.__table__.c, Review.__table__.c
AGENCY_OPTIONS = select(_agencies.id, _agencies.name).order_by(_agencies.name)
REVIEW_OPTIONS = select(_reviews.id, _reviews.reference, _reviews.title).order_by(_reviews.reference)


@dataclass
class ActionFilters:
    agency_id: int | None = None
    review_id: int | None = None
    theme_id: int | None = None
    rating: str | None = None
    status: str | None = None
    due_before: date | None = None
    lead_id: int | None = None
    open_only: bool = False
    sort: str = "due"
    direction: str = "asc"
    statuses: tuple[str, ...] = field(default_factory=tuple)


def action_conditions(user: User, filters: ActionFilters) -> list:
    """The visibility rule and the filters, all on the actions table itself (no joins needed). A
    rating filter turns on the day: run the statement with `rating_days`."""
    conditions = [permissions.visible_actions_filter(user)]
    if filters.agency_id:
        conditions.append(Action.owner_agency_id == filters.agency_id)
    if filters.review_id:
        conditions.append(Action.review_id == filters.review_id)
    if filters.lead_id:
        conditions.append(Action.lead_id == filters.lead_id)
    if filters.theme_id:
        conditions.append(or_(
            exists().where(and_(recommendation_themes.c.recommendation_id == Action.recommendation_id,
                                recommendation_themes.c.theme_id == filters.theme_id)),
            exists().where(and_(review_themes.c.review_id == Action.review_id,
                                review_themes.c.theme_id == filters.theme_id)),
        ))
    if filters.rating in RATINGS:
        conditions.append(rating_condition(filters.rating))
    if filters.status in STATUSES:
        conditions.append(Action.status == filters.status)
    if filters.statuses:
        conditions.append(Action.status.in_(filters.statuses))
    if filters.open_only:
        conditions.append(Action.status.in_(LIVE_STATUSES))
    if filters.due_before:
        conditions.append(Action.due_date <= filters.due_before)
    return conditions


RATINGS = frozenset(r.value for r in Rating)
STATUSES = frozenset(s.value for s in ActionStatus)


def count_actions(stmt: Select, days: dict[str, date]) -> int:
    """How many actions a list from `actions_query` holds: a narrow count of its conditions alone
    (they are all on the actions table), without its joins and sort. `days`: `rating_days(...)`.
    count(*), not count(id): PostgreSQL then answers from the owner or status index alone, without
    reading each action's row for its id (an agency's 1,400 actions: 0.77 to 0.15 ms)."""
    return db.session.execute(select(func.count()).select_from(Action).where(stmt.whereclause),
                              days).scalar_one()


def actions_query(user: User, filters: ActionFilters) -> Select:
    """The ids of a list, sorted: narrow rows, so a sort over thousands of actions stays cheap
    (`paginate_actions` reads a page's lines afterwards). Only the sort's own tables are joined.
    Run it with `rating_days(...)`: its rating filter and rating sort turn on the day."""
    sort = filters.sort if filters.sort in SORTS else "due"
    stmt = select(Action.id).where(*action_conditions(user, filters))
    if sort == "agency":
        stmt = stmt.join(Agency, Agency.id == Action.owner_agency_id)
    elif sort == "review":
        stmt = (stmt.join(Review, Review.id == Action.review_id)
                .join(Recommendation, Recommendation.id == Action.recommendation_id))
    keys = _SORT_KEYS[sort]() if sort != "rating" else (rating_order_expression(), Action.due_date)
    descending = filters.direction == "desc"
    order = [k.desc() if descending else k.asc() for k in keys]
    return stmt.order_by(*order, Action.id)


#: The assurance queue's order: oldest submission first.
QUEUE_ORDER = (Action.submitted_at.asc(), Action.id.asc())


def queue_ids(user: User) -> Select:
    """The ids of the assurance queue (submitted actions the user may see), in its order."""
    return select(Action.id).where(*action_conditions(user, ActionFilters(status=ActionStatus.SUBMITTED))) \
        .order_by(*QUEUE_ORDER)


def loaded_actions(user: User, filters: ActionFilters) -> Select:
    """The actions of a list as mapped objects (for the assurance queue, which sorts them itself),
    with the related rows it shows in the same statement, and only the columns it shows of the
    lead, the recommendation and the review (their long texts, and the lead's sign-in secrets, stay
    behind)."""
    return (
        select(Action)
        .options(
            joinedload(Action.owner_agency),
            joinedload(Action.lead).load_only(User.id, User.name, User.email, User.agency_id),
            joinedload(Action.review).load_only(Review.id, Review.reference, Review.title),
            joinedload(Action.recommendation).load_only(
                Recommendation.id, Recommendation.number, Recommendation.review_id),
        )
        .where(*action_conditions(user, filters))
    )


#: The columns each sort orders by (the rating sort's is the rating's CASE).
_SORT_KEYS = {
    "due": lambda: (Action.due_date,),
    "agency": lambda: (Agency.name, Action.due_date),
    "review": lambda: (Review.reference, Recommendation.sort_key, Action.id),
    "status": lambda: (Action.status, Action.due_date),
    "updated": lambda: (Action.last_update_date,),
}


def status_off_index():
    """`status || ''`: the action's status as a plain string the database cannot look up in the status
    index, for the queries that must start from a narrower index instead."""
    return type_coerce(Action.status, String) + ""


def impact_review_due(day: date):
    """Assured actions whose impact review date has come: from the impact review date's index (a few
    rows), not the status index (every assured action)."""
    return and_(status_off_index() == ActionStatus.ASSURED, Action.impact_review_date <= day)


class Named(NamedTuple):
    """The few fields of a related row that a list shows (a review's reference, an agency's name)."""
    id: int | None = None
    name: str = ""
    short_name: str | None = None
    reference: str = ""
    title: str = ""
    number: str = ""


class ActionLine(NamedTuple):
    """One action as a list shows it: plain values, not a mapped object (building 25 actions and
    their review, recommendation, owner and lead as mapped objects was most of a list's time).
    `rate` reads it as it reads an Action."""
    id: int
    description: str
    status: str
    due_date: date
    opened_date: date | None
    last_update_date: date | None
    last_proposed_rating: str | None
    submitted_at: datetime | None
    assured_date: date | None
    completed_late: bool
    reopened_date: date | None
    review: Named
    recommendation: Named
    owner_agency: Named
    lead: Named | None

    @property
    def status_label(self) -> str:
        return status_label(self.status, self.reopened_date)

    @property
    def short_reference(self) -> str:
        return action_reference(self.review.reference, self.recommendation.number, self.id)


def _lines_statement() -> Select:
    """On the tables, not the mapped classes: a plain Core statement skips the ORM's per-query work.
    The related names are looked up by id for each of the page's actions (each is a foreign key, so
    there is always one, the lead's aside): joined, PostgreSQL hashed the whole reviews and users
    tables for 25 rows (0.33 ms against 0.17, and 0.4 ms more to plan the five-table join)."""
    a, review, rec, agency = Action.__table__.c, Review.__table__.c, Recommendation.__table__.c, Agency.__table__.c
    lead = User.__table__.c

    def related(column, key, value, label: str):
        return select(column).where(key == value).scalar_subquery().label(label)

    return (select(a.id, a.description, a.status, a.due_date, a.opened_date, a.last_update_date,
                   a.last_proposed_rating, a.submitted_at, a.assured_date, a.completed_late, a.reopened_date,
                   a.review_id, related(review.reference, review.id, a.review_id, "review_reference"),
                   related(review.title, review.id, a.review_id, "review_title"),
                   a.recommendation_id,
                   related(rec.number, rec.id, a.recommendation_id, "recommendation_number"),
                   a.owner_agency_id.label("agency_id"),
                   related(agency.name, agency.id, a.owner_agency_id, "agency_name"),
                   related(agency.short_name, agency.id, a.owner_agency_id, "agency_short_name"),
                   a.lead_id, related(lead.name, lead.id, a.lead_id, "lead_name"))
            .where(a.id.in_(bindparam("ids", expanding=True))))


#: Built once: the statement is the same for every page, only the ids change.
_LINES = _lines_statement()


def action_lines(ids: list[int]) -> dict[int, ActionLine]:
    """These actions' lines, by id: one joined query."""
    rows = db.session.execute(_LINES, {"ids": ids}).all()
    return {row.id: ActionLine(
        id=row.id, description=row.description, status=row.status, due_date=row.due_date,
        opened_date=row.opened_date, last_update_date=row.last_update_date,
        last_proposed_rating=row.last_proposed_rating, submitted_at=row.submitted_at,
        assured_date=row.assured_date, completed_late=row.completed_late, reopened_date=row.reopened_date,
        review=Named(id=row.review_id, reference=row.review_reference, title=row.review_title),
        recommendation=Named(id=row.recommendation_id, number=row.recommendation_number),
        owner_agency=Named(id=row.agency_id, name=row.agency_name, short_name=row.agency_short_name),
        lead=Named(id=row.lead_id, name=row.lead_name) if row.lead_id is not None else None,
    ) for row in rows}


def paginate_actions(stmt: Select, days: dict[str, date], *, page: int, per_page: int, total: int) -> Page:
    """A page of `actions_query` as ActionLines: the ids alone are sorted and paged, then that
    page's lines are read in one joined query. Two queries whatever the size of the list."""
    pagination = paginate(stmt, days, page=page, per_page=per_page, total=total)
    ids = [row.id for row in pagination.items]
    found = action_lines(ids) if ids else {}
    pagination.items = [found[i] for i in ids if i in found]
    return pagination


def visible_actions(user: User, day: date, settings: Settings, *, review_id: int | None = None,
                    recommendation_id: int | None = None) -> dict[int, list]:
    """The actions this user may see, with their ratings, grouped by recommendation: one query."""
    stmt = (select(Action)
            .options(joinedload(Action.owner_agency), joinedload(Action.lead))
            .where(permissions.visible_actions_filter(user))
            .order_by(Action.recommendation_id, Action.id))
    if review_id is not None:
        stmt = stmt.where(Action.review_id == review_id)
    if recommendation_id is not None:
        stmt = stmt.where(Action.recommendation_id == recommendation_id)
    grouped: dict[int, list] = defaultdict(list)
    for action in db.session.scalars(stmt):
        grouped[action.recommendation_id].append((action, rate(action, day, settings)))
    return grouped


class LiveCounts(Counter):
    """The live actions a user may see, counted by (status, rating): `live_counts`."""

    def total_of(self, statuses=LIVE_STATUSES, rating: str | None = None) -> int:
        """How many have one of `statuses` (and `rating`, if given): the total of the list filtered so."""
        return sum(n for (status, rated), n in self.items() if status in statuses and rating in (None, rated))


def live_counts(user: User, day: date, settings: Settings) -> LiveCounts:
    """One grouped query over the actions still in play, the rating rule worked out for them only: the
    rating summary and the home page's lists (waiting, overdue, due soon) all take their totals from it."""
    rating = rating_expression().label("rating")
    stmt = (select(Action.status, rating, func.count()).select_from(Action)
            .where(permissions.visible_actions_filter(user), Action.status.in_(LIVE_STATUSES))
            .group_by(Action.status, rating))
    return LiveCounts({(status, rated): n for status, rated, n in db.session.execute(stmt, rating_days(day, settings))})


def rating_counts(user: User, live: LiveCounts) -> dict[str, int]:
    """Counts of the actions a user may see by rating: the live ones from `live_counts`; the assured
    ones (most of a mature tracker, and all Blue) are counted from the status index."""
    counts = {"red": 0, "amber": 0, "green": 0, "blue": 0}
    for (_, rated), n in live.items():
        counts[rated] += n
    counts["blue"] = db.session.scalar(select(func.count()).select_from(Action).where(
        permissions.visible_actions_filter(user), Action.status == ActionStatus.ASSURED))
    return counts


def rating_summary(grouped: dict[int, list]) -> dict[str, int]:
    counts = Counter(result.value for rows in grouped.values() for _, result in rows)
    return {key: counts.get(key, 0) for key in (*RATED, Rating.NONE)}


class SubmissionContext(NamedTuple):
    """What the decision page shows beside the evidence: the lead's note with the submission, and
    the latest current (not withdrawn) progress update."""
    note: str
    latest_update: ProgressUpdate | None


def submission_context(action: Action) -> SubmissionContext:
    note = db.session.scalar(
        select(StatusChange.reason).where(StatusChange.action_id == action.id,
                                          StatusChange.to_status == ActionStatus.SUBMITTED)
        .order_by(StatusChange.changed_at.desc(), StatusChange.id.desc()).limit(1))
    latest = db.session.scalar(
        select(ProgressUpdate).where(ProgressUpdate.action_id == action.id, ProgressUpdate.withdrawn_at.is_(None))
        .order_by(ProgressUpdate.update_date.desc(), ProgressUpdate.id.desc()).limit(1))
    return SubmissionContext(note or "", latest)


def returned_filter():
    """Actions returned by the business unit and not yet submitted again: still at work, and their
    latest assurance decision is a return (a reopened action's latest is its acceptance)."""
    latest = (select(AssuranceDecision.decision).where(AssuranceDecision.action_id == Action.id)
              .order_by(AssuranceDecision.id.desc()).limit(1).scalar_subquery())
    return and_(Action.status.in_(WORKING_STATUSES), latest == Decision.RETURNED)
