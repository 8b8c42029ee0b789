"""The one query behind every list of actions: visibility, filters and sorting in SQL, with the
related rows loaded in the same statement so no list runs a query per row."""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Select, and_, exists, or_, select
from sqlalchemy.orm import joinedload

from tracker import permissions
from tracker.actions.models import Action, ActionStatus, Rating
from tracker.actions.ratings import rating_expression, rating_order_expression
from tracker.recommendations.models import Recommendation
from tracker.reviews.models import Review
from tracker.settings import Settings
from tracker.themes.models import recommendation_themes, review_themes
from tracker.users.models import Agency, User

SORTS = ("due", "rating", "agency", "review", "status", "updated")


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


def actions_query(user: User, filters: ActionFilters, today: date, settings: Settings) -> Select:
    rating = rating_expression(today, settings)
    stmt = (
        select(Action)
        .join(Action.owner_agency)
        .join(Action.review)
        .join(Action.recommendation)
        .options(
            joinedload(Action.owner_agency), joinedload(Action.lead), joinedload(Action.review),
            joinedload(Action.recommendation),
        )
        .where(permissions.visible_actions_filter(user))
    )
    if filters.agency_id:
        stmt = stmt.where(Action.owner_agency_id == filters.agency_id)
    if filters.review_id:
        stmt = stmt.where(Action.review_id == filters.review_id)
    if filters.lead_id:
        stmt = stmt.where(Action.lead_id == filters.lead_id)
    if filters.theme_id:
        stmt = stmt.where(or_(
            exists().where(and_(recommendation_themes.c.recommendation_id == Action.recommendation_id,
                                recommendation_themes.c.theme_id == filters.theme_id)),
            exists().where(and_(review_themes.c.review_id == Action.review_id,
                                review_themes.c.theme_id == filters.theme_id)),
        ))
    if filters.rating in {r.value for r in Rating}:
        stmt = stmt.where(rating == filters.rating)
    if filters.status in {s.value for s in ActionStatus}:
        stmt = stmt.where(Action.status == filters.status)
    if filters.statuses:
        stmt = stmt.where(Action.status.in_(filters.statuses))
    if filters.open_only:
        stmt = stmt.where(Action.status.in_([s.value for s in
                                             (ActionStatus.OPEN, ActionStatus.IN_PROGRESS, ActionStatus.SUBMITTED)]))
    if filters.due_before:
        stmt = stmt.where(Action.due_date <= filters.due_before)
    keys = {
        "due": (Action.due_date,),
        "rating": (rating_order_expression(today, settings), Action.due_date),
        "agency": (Agency.name, Action.due_date),
        "review": (Review.reference, Recommendation.sort_key, Action.id),
        "status": (Action.status, Action.due_date),
        "updated": (Action.last_update_date,),
    }[filters.sort if filters.sort in SORTS else "due"]
    descending = filters.direction == "desc"
    order = [k.desc() if descending else k.asc() for k in keys]
    return stmt.order_by(*order, Action.id)
