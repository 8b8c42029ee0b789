"""Reopening an action reopens its recommendation and its review, if the board had closed them,
with a line in their closure history saying why."""

from datetime import date

from tracker.closure.models import ClosureDecision, ClosureKind
from tracker.extensions import db
from tracker.models_base import utcnow


def reopen_closed_parents(action, *, reason: str, by_id: int | None, today: date) -> None:
    recommendation, review = action.recommendation, action.review
    why = f"Action {action.id} was reopened: {reason}"
    if recommendation.closed_date is not None:
        recommendation.closed_date = None
        db.session.add(ClosureDecision(review_id=review.id, recommendation_id=recommendation.id,
                                       kind=ClosureKind.REOPENED, decision_date=today, reason=why,
                                       decided_by_id=by_id, decided_at=utcnow()))
    if review.closed_date is not None:
        review.closed_date = None
        db.session.add(ClosureDecision(review_id=review.id, kind=ClosureKind.REOPENED, decision_date=today,
                                       reason=why, decided_by_id=by_id, decided_at=utcnow()))
    db.session.flush()
