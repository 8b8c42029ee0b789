"""Reopening an action reopens its recommendation and its review, if the board had closed them,
with a line in their closure history naming the action. The reason itself (an impact review's note, a
measure's figures) stays in the action's own history: every agency addressed by the recommendation reads
its closure history, and another agency's action is not theirs to read about."""

from datetime import date

from tracker.closure.models import ClosureDecision, ClosureKind
from tracker.core.models_base import utcnow
from tracker.extensions import db


def reopen_closed_parents(action, *, by_id: int | None, today: date) -> None:
    recommendation, review = action.recommendation, action.review
    why = f"Action {action.short_reference} was reopened: the reason is in the action's history."
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
