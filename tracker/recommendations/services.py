"""Verbs on recommendations. Each checks the rule, changes the records and flushes; the view commits."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from tracker.actions.ratings import format_date
from tracker.core import dates
from tracker.core.errors import DomainError
from tracker.core.models_base import utcnow
from tracker.extensions import db
from tracker.recommendations.models import (
    FormalResponse, Recommendation, RecommendationKind, RecommendationResponse, number_sort_key,
    recommendation_addressees,
)
from tracker.reviews.models import Review
from tracker.themes.models import Theme
from tracker.users.models import Agency, User


def _check(review: Review, number: str, text: str, kind: str, addressees: list[Agency],
           recommendation_id: int | None = None) -> str:
    number = " ".join((number or "").split())
    if not number:
        raise DomainError("Enter the recommendation number", field="number")
    taken = db.session.scalar(select(Recommendation.id).where(
        Recommendation.review_id == review.id, func.lower(Recommendation.number) == number.lower(),
        Recommendation.id != (recommendation_id or 0)))
    if taken is not None:
        raise DomainError(f"This review already has a recommendation {number}", field="number")
    if not (text or "").strip():
        raise DomainError("Enter the recommendation", field="text")
    if kind not in {k.value for k in RecommendationKind}:
        raise DomainError("Select the kind of recommendation", field="kind")
    if not addressees:
        raise DomainError("Select at least one agency the recommendation is addressed to", field="addressees")
    return number


def create_recommendation(review: Review, *, number: str, text: str, kind: str, addressees: list[Agency],
                          themes: list[Theme]) -> Recommendation:
    number = _check(review, number, text, kind, addressees)
    recommendation = Recommendation(review=review, number=number, sort_key=number_sort_key(number),
                                    text=text.strip(), kind=kind, addressees=list(addressees),
                                    themes=list(themes))
    db.session.add(recommendation)
    db.session.flush()
    return recommendation


def update_recommendation(recommendation: Recommendation, *, number: str, text: str, kind: str,
                          addressees: list[Agency], themes: list[Theme]) -> None:
    number = _check(recommendation.review, number, text, kind, addressees, recommendation.id)
    recommendation.number = number
    recommendation.sort_key = number_sort_key(number)
    recommendation.text = text.strip()
    recommendation.kind = kind
    recommendation.addressees = list(addressees)
    recommendation.themes = list(themes)
    db.session.flush()


def record_formal_response(recommendation: Recommendation, agency: Agency, *, response: str, reasons: str,
                           response_date: date, by: User, today: date) -> RecommendationResponse:
    """One addressee's formal response (recorded again, it is corrected). Reasons are required
    unless the recommendation was accepted in full; the date cannot be in the future."""
    if agency not in recommendation.addressees:
        raise DomainError(f"Recommendation {recommendation.number} is not addressed to {agency.name}")
    if response not in {r.value for r in FormalResponse}:
        raise DomainError("Select the formal response", field="response")
    reasons = (reasons or "").strip()
    if response != FormalResponse.ACCEPTED and not reasons:
        raise DomainError("Enter the reasons it was not accepted in full", field="reasons")
    if response_date is None:
        raise DomainError("Enter the date of the response", field="response_date")
    if response_date > today:
        raise DomainError(f"Date of the response must be today ({format_date(today)}) or in the past",
                          field="response_date")
    dates.check_past(response_date, today, label="Date of the response", field="response_date")
    record = recommendation.response_from(agency.id)
    if record is None:
        record = RecommendationResponse(recommendation=recommendation, agency=agency)
        db.session.add(record)
    record.response = response
    record.reasons = reasons
    record.response_date = response_date
    record.recorded_by_id = by.id
    record.recorded_at = utcnow()
    db.session.flush()
    return record


def missing_by_agency(recommendations: list[Recommendation]) -> dict[str, list[Recommendation]]:
    """The addressees still to respond, by agency name, from recommendations already loaded with
    their addressees and responses (the review page; `outstanding_responses` is the query)."""
    out: dict[str, list[Recommendation]] = {}
    for rec in recommendations:
        for agency in rec.missing_responders:
            out.setdefault(agency.name, []).append(rec)
    return dict(sorted(out.items()))


@dataclass(frozen=True)
class OutstandingResponse:
    """An addressee that has not yet recorded its formal response to a published recommendation."""

    agency_id: int
    agency_name: str
    review_id: int
    review_reference: str
    recommendation_id: int
    recommendation_number: str
    deadline: date
    overdue: bool


def _outstanding(agency_id: int | None, review_id: int | None, *columns):
    answered = select(RecommendationResponse.id).where(
        RecommendationResponse.recommendation_id == Recommendation.id,
        RecommendationResponse.agency_id == recommendation_addressees.c.agency_id)
    stmt = (select(*columns).select_from(recommendation_addressees)
            .join(Recommendation, Recommendation.id == recommendation_addressees.c.recommendation_id)
            .join(Review, Review.id == Recommendation.review_id)
            .where(Review.response_deadline.is_not(None), ~answered.exists()))
    if agency_id is not None:
        stmt = stmt.where(recommendation_addressees.c.agency_id == agency_id)
    if review_id is not None:
        stmt = stmt.where(Recommendation.review_id == review_id)
    return stmt


def outstanding_responses(session: Session, today: date, agency_id: int | None = None,
                          review_id: int | None = None, limit: int | None = None
                          ) -> dict[int, list[OutstandingResponse]]:
    """Missing formal responses by agency id, soonest deadline first, in one query: every addressee of
    a recommendation in a review with a response deadline (set on publication) and no response from
    that addressee. Overdue once the deadline has passed."""
    stmt = (_outstanding(agency_id, review_id, Agency.id, Agency.name, Review.id, Review.reference, Recommendation.id,
                         Recommendation.number, Review.response_deadline)
            .join(Agency, Agency.id == recommendation_addressees.c.agency_id)
            .order_by(Agency.name, Review.response_deadline, Review.reference, Recommendation.sort_key)
            .limit(limit))
    out: dict[int, list[OutstandingResponse]] = {}
    for a_id, a_name, r_id, reference, rec_id, number, deadline in session.execute(stmt):
        out.setdefault(a_id, []).append(OutstandingResponse(
            agency_id=a_id, agency_name=a_name, review_id=r_id, review_reference=reference,
            recommendation_id=rec_id, recommendation_number=number, deadline=deadline, overdue=today > deadline))
    return out


def count_outstanding_responses(session: Session, today: date, agency_id: int | None = None) -> tuple[int, int]:
    """(missing, of which overdue): the same rule as `outstanding_responses`, counted in SQL."""
    overdue = func.coalesce(func.sum(case((Review.response_deadline < today, 1), else_=0)), 0)
    missing, late = session.execute(_outstanding(agency_id, None, func.count(), overdue)).one()
    return missing, late
