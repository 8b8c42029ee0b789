"""Verbs on recommendations. Each checks the rule, changes the records and flushes; the view commits."""

from datetime import date

from sqlalchemy import func, select

from tracker.actions.ratings import format_date
from tracker.errors import DomainError
from tracker.extensions import db
from tracker.recommendations.models import FormalResponse, Recommendation, RecommendationKind, number_sort_key
from tracker.reviews.models import Review
from tracker.themes.models import Theme
from tracker.users.models import Agency


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


def record_formal_response(recommendation: Recommendation, *, response: str, reasons: str,
                           response_date: date, today: date) -> None:
    """Reasons are required unless the recommendation was accepted in full; the date cannot be
    in the future."""
    if response not in {r.value for r in FormalResponse}:
        raise DomainError("Select the formal response", field="response")
    reasons = (reasons or "").strip()
    if response != FormalResponse.ACCEPTED.value and not reasons:
        raise DomainError("Enter the reasons it was not accepted in full", field="reasons")
    if response_date is None:
        raise DomainError("Enter the date of the response", field="response_date")
    if response_date > today:
        raise DomainError(f"Date of the response must be today ({format_date(today)}) or in the past",
                          field="response_date")
    recommendation.response = response
    recommendation.response_reasons = reasons
    recommendation.response_date = response_date
    db.session.flush()
