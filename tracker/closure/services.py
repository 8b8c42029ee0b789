"""Closing recommendations and reviews. The board decides (the business unit records its decision:
date, meeting, minute reference); a recommendation closes only when every action is assured, or is
withdrawn or superseded with the risk that leaves accepted in words. A review closes when its last
recommendation closes. Reopening an action reopens both (tracker.closure.reopening, called from the
action's status move)."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from tracker.actions.models import LIVE_STATUSES, Action, ActionStatus
from tracker.closure.models import ClosureDecision, ClosureKind
from tracker.core import lengths
from tracker.core.errors import DomainError
from tracker.core.models_base import utcnow
from tracker.extensions import db
from tracker.recommendations.models import Recommendation
from tracker.users.models import User

TEXT_MAX = lengths.TITLE


@dataclass(frozen=True)
class Tally:
    """What a recommendation's actions add up to, and what is left."""

    assured: int = 0
    closed_unassured: int = 0  # withdrawn or superseded
    live: int = 0  # open, in progress or submitted
    draft: int = 0

    @property
    def total(self) -> int:
        return self.assured + self.closed_unassured + self.live + self.draft

    @property
    def left(self) -> int:
        return self.live + self.draft

    @property
    def can_close(self) -> bool:
        return self.total > 0 and self.left == 0

    @property
    def sentence(self) -> str:
        if not self.total:
            return "No actions yet."
        parts = [f"{self.assured} of {self.total} assured"]
        if self.closed_unassured:
            parts.append(f"{self.closed_unassured} withdrawn or superseded")
        if self.left:
            parts.append(f"{self.left} still to do")
        return ", ".join(parts) + "."


def tally(recommendation_id: int) -> Tally:
    counts = dict(db.session.execute(select(Action.status, func.count()).where(
        Action.recommendation_id == recommendation_id).group_by(Action.status)).all())
    get = lambda *statuses: sum(counts.get(s, 0) for s in statuses)  # noqa: E731
    return Tally(assured=get(ActionStatus.ASSURED), closed_unassured=get(ActionStatus.WITHDRAWN, ActionStatus.SUPERSEDED),
                 live=get(*LIVE_STATUSES), draft=get(ActionStatus.DRAFT))


def close_recommendation(recommendation: Recommendation, *, decision_date: date | None, meeting: str,
                         minute_reference: str, risk_accepted: str, by: User, today: date) -> ClosureDecision:
    if recommendation.closed_date is not None:
        raise DomainError("This recommendation is already closed.")
    counts = tally(recommendation.id)
    if not counts.total:
        raise DomainError("A recommendation with no actions cannot be closed: add its actions first.")
    if counts.left:
        raise DomainError(f"Every action must be assured, withdrawn or superseded first: {counts.sentence}")
    if decision_date is None:
        raise DomainError("Enter the date of the board's decision", field="decision_date")
    if decision_date > today:
        raise DomainError("The date of the board's decision cannot be in the future", field="decision_date")
    meeting, minute_reference = (meeting or "").strip(), (minute_reference or "").strip()
    if not meeting:
        raise DomainError("Enter the meeting that decided", field="meeting")
    if not minute_reference:
        raise DomainError("Enter the minute reference", field="minute_reference")
    if len(meeting) > TEXT_MAX or len(minute_reference) > lengths.MINUTE_REFERENCE:
        raise DomainError("The meeting or the minute reference is too long", field="meeting")
    risk_accepted = (risk_accepted or "").strip()
    if counts.closed_unassured and not risk_accepted:
        raise DomainError(f"{counts.closed_unassured} of the actions {'was' if counts.closed_unassured == 1 else 'were'} "
                          f"withdrawn or superseded, not assured: say what risk the board accepts in closing it",
                          field="risk_accepted")
    decision = ClosureDecision(review_id=recommendation.review_id, recommendation_id=recommendation.id,
                               kind=ClosureKind.CLOSED, decision_date=decision_date, meeting=meeting,
                               minute_reference=minute_reference, risk_accepted=risk_accepted,
                               decided_by_id=by.id, decided_at=utcnow())
    db.session.add(decision)
    recommendation.closed_date = decision_date
    db.session.flush()
    review = recommendation.review
    still_open = db.session.scalar(select(func.count()).select_from(Recommendation).where(
        Recommendation.review_id == review.id, Recommendation.closed_date.is_(None)))
    if not still_open and review.closed_date is None:
        review.closed_date = decision_date
        db.session.add(ClosureDecision(review_id=review.id, kind=ClosureKind.CLOSED, decision_date=decision_date,
                                       meeting=meeting, minute_reference=minute_reference,
                                       reason=f"Its last recommendation ({recommendation.number}) was closed.",
                                       decided_by_id=by.id, decided_at=utcnow()))
        db.session.flush()
    return decision


def history(review_id: int, recommendation_id: int | None = None) -> list[ClosureDecision]:
    """The closings and reopenings of a review (all of them) or of one recommendation, oldest first."""
    stmt = select(ClosureDecision).where(ClosureDecision.review_id == review_id)
    if recommendation_id is not None:
        stmt = stmt.where(ClosureDecision.recommendation_id == recommendation_id)
    return list(db.session.scalars(stmt.order_by(ClosureDecision.decided_at, ClosureDecision.id).limit(200)))
