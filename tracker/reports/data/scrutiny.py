"""Scrutiny in the report: the scrutiny challenges still open on the day and the latest update round."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, or_, select

from tracker.actions.models import Action, ProgressUpdate
from tracker.challenges.models import Challenge, ChallengeMessage
from tracker.core.clock import LONDON
from tracker.recommendations.models import Recommendation
from tracker.reports.data.history import uk_date
from tracker.reports.data.reading import read
from tracker.reports.data.scope import InScope, ReportScope
from tracker.reviews.models import Review
from tracker.rounds.models import UpdateRequest, UpdateRound
from tracker.users.models import Agency


@dataclass(frozen=True)
class ChallengeLine:
    """A scrutiny challenge not closed by the end of the as-at day."""

    id: int
    review_reference: str
    subject: str
    agency: str
    raised_on: date
    age_days: int
    text: str


@dataclass(frozen=True)
class RoundSummary:
    """The latest update round opened by the report's date, and how many of the actions in scope that
    it asked about had an update for it by that date."""

    id: int
    name: str
    deadline_date: date
    opened_date: date
    closed_date: date | None
    requested: int
    responded: int

    @property
    def rate(self) -> int:
        return round(100 * self.responded / self.requested) if self.requested else 0


def open_challenges(scope: ReportScope, selected: InScope) -> list[ChallengeLine]:
    """One query: challenges raised by the end of the day and not closed by then, on a review,
    recommendation or action in scope (and addressed to the agency, when the report is for one)."""
    as_at = scope.as_at
    end_of_day = datetime.combine(as_at + timedelta(days=1), time(), tzinfo=LONDON)
    first_message = (select(ChallengeMessage.text).where(ChallengeMessage.challenge_id == Challenge.id)
                     .order_by(ChallengeMessage.id).limit(1).scalar_subquery())
    challenge_rec = Recommendation.__table__.alias("challenge_rec")
    challenge_action = Action.__table__.alias("challenge_action")
    challenge_review = Review.__table__.alias("challenge_review")
    review_of_subject = func.coalesce(Challenge.review_id, challenge_rec.c.review_id, challenge_action.c.review_id)
    on_subject_in_scope = or_(Challenge.recommendation_id.in_(selected.recommendations),
                              Challenge.action_id.in_(selected.actions), Challenge.review_id.in_(selected.reviews))
    rows = read(
        select(Challenge.id, Challenge.created_at, Challenge.recommendation_id, Challenge.action_id,
               challenge_rec.c.number.label("rec_number"), challenge_review.c.reference, Agency.name.label("agency"),
               first_message.label("text"))
        .join(Agency, Agency.id == Challenge.agency_id)
        .outerjoin(challenge_rec, challenge_rec.c.id == Challenge.recommendation_id)
        .outerjoin(challenge_action, challenge_action.c.id == Challenge.action_id)
        .join(challenge_review, challenge_review.c.id == review_of_subject)
        .where(Challenge.created_at < end_of_day, or_(Challenge.closed_at.is_(None), Challenge.closed_at >= end_of_day),
               on_subject_in_scope, *([Challenge.agency_id == scope.agency_id] if scope.agency_id else []))
        .order_by(Challenge.created_at, Challenge.id)).all()
    return [ChallengeLine(
        id=row.id, review_reference=row.reference,
        subject=(f"Action {row.action_id}" if row.action_id else f"Recommendation {row.rec_number}"
                 if row.recommendation_id else "The review"),
        agency=row.agency, raised_on=uk_date(row.created_at), age_days=(as_at - uk_date(row.created_at)).days,
        text=row.text or "") for row in rows]


def latest_round(selected: InScope, as_at: date) -> RoundSummary | None:
    """One query: the latest update round opened by the day, with its requests and responses for
    actions in scope."""
    asked = [UpdateRequest.round_id == UpdateRound.id, selected.has_action(UpdateRequest.action_id)]
    row = read(
        select(UpdateRound.id, UpdateRound.name, UpdateRound.deadline_date, UpdateRound.opened_date,
               UpdateRound.closed_date,
               select(func.count()).select_from(UpdateRequest).where(*asked).scalar_subquery().label("requested"),
               select(func.count()).select_from(UpdateRequest)
               .join(ProgressUpdate, ProgressUpdate.id == UpdateRequest.update_id)
               .where(*asked, ProgressUpdate.update_date <= as_at).scalar_subquery().label("responded"))
        .where(UpdateRound.opened_date <= as_at)
        .order_by(UpdateRound.opened_date.desc(), UpdateRound.id.desc()).limit(1)).first()
    if row is None:
        return None
    return RoundSummary(row.id, row.name, row.deadline_date, row.opened_date,
                        row.closed_date if row.closed_date and row.closed_date <= as_at else None,
                        row.requested, row.responded)
