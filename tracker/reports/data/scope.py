"""What a report covers: the as-at date and its optional filters, and the records they select."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select, true

from tracker.actions.models import Action
from tracker.core.errors import DomainError
from tracker.extensions import db
from tracker.recommendations.models import Recommendation, recommendation_addressees
from tracker.reviews.models import Review
from tracker.themes.models import Theme, recommendation_themes, review_themes
from tracker.users.models import Agency


@dataclass(frozen=True)
class ReportScope:
    """What a report covers: the as-at date and optional filters, already checked to exist."""

    as_at: date
    review_reference: str | None = None
    agency_name: str | None = None
    theme_name: str | None = None
    review_id: int | None = None
    agency_id: int | None = None
    theme_id: int | None = None

    @property
    def description(self) -> str:
        parts = []
        if self.review_reference:
            parts.append(f"review {self.review_reference}")
        if self.agency_name:
            parts.append(f"actions owned by {self.agency_name}")
        if self.theme_name:
            parts.append(f"theme “{self.theme_name}”")
        return "; ".join(parts) if parts else "all reviews, all agencies"


def resolve_scope(as_at: date, review: str | None = None, agency: str | None = None,
                  theme: str | None = None) -> ReportScope:
    """Check the filters name real records (agency by name or short name, any case)."""
    review_id = agency_id = theme_id = None
    review_ref = agency_name = theme_name = None
    if review and review.strip():
        row = db.session.execute(select(Review.id, Review.reference).where(
            func.lower(Review.reference) == review.strip().lower())).first()
        if row is None:
            raise DomainError(f"There is no review with the reference {review.strip()}.", field="review")
        review_id, review_ref = row
    if agency and agency.strip():
        text = agency.strip().lower()
        row = db.session.execute(select(Agency.id, Agency.name).where(
            or_(func.lower(Agency.name) == text, func.lower(Agency.short_name) == text))).first()
        if row is None:
            raise DomainError(f"There is no agency called {agency.strip()}.", field="agency")
        agency_id, agency_name = row
    if theme and theme.strip():
        row = db.session.execute(select(Theme.id, Theme.name).where(
            func.lower(Theme.name) == theme.strip().lower())).first()
        if row is None:
            raise DomainError(f"There is no theme called {theme.strip()}.", field="theme")
        theme_id, theme_name = row
    return ReportScope(as_at=as_at, review_reference=review_ref, agency_name=agency_name, theme_name=theme_name,
                       review_id=review_id, agency_id=agency_id, theme_id=theme_id)


@dataclass(frozen=True)
class InScope:
    """The ids of the recommendations and actions a scope selects, as subqueries (no list of ids
    crosses to Python)."""

    recommendations: Select
    actions: Select
    #: No filter: every recommendation and action is in scope (the whole partnership's report).
    everything: bool = False

    def has_action(self, action_id: ColumnElement[int]) -> ColumnElement[bool]:
        """`action_id` (a column never null, with its foreign key) is an action in scope: no condition
        at all when everything is. SQLite reads `IN (every action's id)` by building the list of
        twelve thousand ids first, 28 ms of the ten-year report's statements."""
        return true() if self.everything else action_id.in_(self.actions)

    def has_recommendation(self, recommendation_id: ColumnElement[int]) -> ColumnElement[bool]:
        """`recommendation_id` (never null, with its foreign key) is a recommendation in scope."""
        return true() if self.everything else recommendation_id.in_(self.recommendations)

    @property
    def reviews(self) -> Select:
        return select(Recommendation.review_id).where(Recommendation.id.in_(self.recommendations))


def in_scope(scope: ReportScope) -> InScope:
    recommendations = select(Recommendation.id)
    if scope.review_id:
        recommendations = recommendations.where(Recommendation.review_id == scope.review_id)
    if scope.agency_id:
        recommendations = recommendations.where(or_(
            exists().where(and_(Action.recommendation_id == Recommendation.id,
                                Action.owner_agency_id == scope.agency_id)),
            exists().where(and_(recommendation_addressees.c.recommendation_id == Recommendation.id,
                                recommendation_addressees.c.agency_id == scope.agency_id)),
        ))
    if scope.theme_id:
        recommendations = recommendations.where(or_(
            exists().where(and_(recommendation_themes.c.recommendation_id == Recommendation.id,
                                recommendation_themes.c.theme_id == scope.theme_id)),
            exists().where(and_(review_themes.c.review_id == Recommendation.review_id,
                                review_themes.c.theme_id == scope.theme_id)),
        ))
    if not (scope.review_id or scope.agency_id or scope.theme_id):
        # every action has a recommendation: the whole partnership's report reads every action, and
        # SQLite reads the plain list a few milliseconds faster than the nested one in each query
        return InScope(recommendations=recommendations, actions=select(Action.id), everything=True)
    actions = select(Action.id).where(Action.recommendation_id.in_(recommendations))
    if scope.agency_id:
        actions = actions.where(Action.owner_agency_id == scope.agency_id)
    return InScope(recommendations=recommendations, actions=actions)
