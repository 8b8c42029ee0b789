"""The report's reviews and recommendations: each review with its milestones as known on the day,
its recommendations with the formal responses recorded by then, and the actions under each."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from types import SimpleNamespace
from typing import NamedTuple

from sqlalchemy import and_, select

from tracker.actions.ratings import format_date
from tracker.recommendations.models import (
    FormalResponse,
    Recommendation,
    RecommendationKind,
    RecommendationResponse,
    recommendation_addressees,
)
from tracker.reports.data.actions import ActionLine, Placement, count_ratings
from tracker.reports.data.archive import ReportPeriod
from tracker.reports.data.reading import StoredDays, driver_rows, make_tuple, read
from tracker.reports.data.scope import InScope
from tracker.reviews.clocks import clocks_from_settings
from tracker.reviews.milestones import milestones
from tracker.reviews.models import KEY_DATES, Review, ReviewStatus, ReviewType
from tracker.settings import Settings
from tracker.users.models import Agency


@dataclass
class RecommendationSection:
    number: str
    text: str
    kind: str
    addressed_to: list[str]
    #: Each addressee's formal response recorded by the as-at date, e.g. "West Midlands Police: accepted
    #: on 1 May 2025"; and the addressees with none.
    responses: list[str] = field(default_factory=list)
    missing_responses: list[str] = field(default_factory=list)
    actions: list[ActionLine] = field(default_factory=list)


@dataclass
class MilestoneLine:
    name: str
    due_date: date | None
    done_date: date | None
    state: str
    reason: str


@dataclass(frozen=True)
class LateMilestoneLine:
    review_reference: str
    review_title: str
    milestone: MilestoneLine


@dataclass
class ReviewSection:
    reference: str
    title: str
    type_label: str
    status_label: str
    milestones: list[MilestoneLine]
    recommendations: list[RecommendationSection]
    counts: dict[str, int]


@dataclass(frozen=True)
class UnansweredRecommendation:
    review_reference: str
    number: str
    text: str
    addressed_to: list[str]
    #: The addressees with no formal response recorded by the as-at date.
    missing: list[str]
    deadline: date | None
    overdue: bool


class RecommendationRow(NamedTuple):
    id: int
    review_id: int
    number: str
    sort_key: str
    text: str
    kind: RecommendationKind


#: Each kind of recommendation by its stored value.
RECOMMENDATION_KINDS = {kind.value: kind for kind in RecommendationKind}


@dataclass
class ReviewRecords:
    """The reviews and recommendations in scope (rows by id, in report order) with each
    recommendation's addressees and the formal responses recorded by the as-at date."""

    reviews: dict[int, object]
    recommendations: dict[int, RecommendationRow]
    addressees: dict[int, list[str]]
    #: By recommendation, then addressee: (response, as its stored value, and date).
    responses: dict[int, dict[str, tuple[str, date]]]

    def placement(self, recommendation_id: int) -> Placement:
        rec = self.recommendations[recommendation_id]
        review = self.reviews[rec.review_id]
        return make_tuple(Placement, (rec.number, review.reference, review.title))


def load_reviews(selected: InScope, as_at: date) -> ReviewRecords:
    """Three queries: the reviews, the recommendations and their addressees with their responses."""
    review_rows = read(
        select(Review.id, Review.reference, Review.title, Review.review_type, Review.status,
               Review.response_deadline, *(getattr(Review, name) for name, _ in KEY_DATES))
        .where(Review.id.in_(selected.reviews))
        .order_by(Review.reference)).all()
    # four thousand at the ten-year size, read as the driver gives them (the kind made a member here)
    recs = [make_tuple(RecommendationRow, (rec_id, review_id, number, sort_key, text, RECOMMENDATION_KINDS[kind]))
            for rec_id, review_id, number, sort_key, text, kind in driver_rows(
                select(Recommendation.id, Recommendation.review_id, Recommendation.number, Recommendation.sort_key,
                       Recommendation.text, Recommendation.kind)
                .where(selected.has_recommendation(Recommendation.id))
                .order_by(Recommendation.review_id, Recommendation.sort_key, Recommendation.id))]
    addressees: dict[int, list[str]] = defaultdict(list)
    responses: dict[int, dict[str, tuple[str, date]]] = defaultdict(dict)
    days = StoredDays()
    # eight thousand at the ten-year size, read as the driver gives them (the response as its stored value)
    for rec_id, name, response, response_date in driver_rows(
            select(recommendation_addressees.c.recommendation_id, Agency.name, RecommendationResponse.response,
                   RecommendationResponse.response_date)
            .join(Agency, Agency.id == recommendation_addressees.c.agency_id)
            .outerjoin(RecommendationResponse, and_(
                RecommendationResponse.recommendation_id == recommendation_addressees.c.recommendation_id,
                RecommendationResponse.agency_id == recommendation_addressees.c.agency_id,
                RecommendationResponse.response_date <= as_at))
            .where(selected.has_recommendation(recommendation_addressees.c.recommendation_id))
            .order_by(Agency.name)):
        addressees[rec_id].append(name)
        if response is not None:
            responses[rec_id][name] = (response, days[response_date])
    return ReviewRecords(reviews={r.id: r for r in review_rows}, recommendations={r.id: r for r in recs},
                         addressees=addressees, responses=responses)


#: How a formal response reads in a sentence, by its value (worked out once, not per response).
RESPONSE_WORDS = {response.value: response.label.lower() for response in FormalResponse}


@dataclass
class RecommendationSections:
    #: Each review's recommendation sections, in report order.
    by_review: dict[int, list[RecommendationSection]]
    #: Recommendations with an addressee whose formal response is not recorded (or with no addressee).
    unanswered: list[UnansweredRecommendation]


def recommendation_sections(records: ReviewRecords, actions: dict[int, list[ActionLine]],
                            as_at: date) -> RecommendationSections:
    """`actions`: each recommendation's action lines."""
    unanswered = []
    sections: dict[int, list[RecommendationSection]] = defaultdict(list)
    responses_of, addressees_of, actions_of = records.responses.get, records.addressees.get, actions.get
    # the rows unpacked (in load_reviews' order), not read by name: four thousand, a dozen reads each;
    # the sections made by position (RecommendationSection's field order), and a recommendation with no
    # response or no action asks for none (the records and lines are only read)
    for rec_id, review_id, number, _, text, kind in records.recommendations.values():
        answers = responses_of(rec_id)
        addressed_to = addressees_of(rec_id) or []
        missing = [name for name in addressed_to if name not in answers] if answers else addressed_to.copy()
        if missing or not addressed_to:
            review = records.reviews[review_id]
            deadline = review.response_deadline
            unanswered.append(UnansweredRecommendation(
                review.reference, number, text, addressed_to, missing, deadline,
                overdue=deadline is not None and as_at > deadline))
        sections[review_id].append(RecommendationSection(
            number, text, kind, addressed_to,
            [f"{name}: {RESPONSE_WORDS[r]} on {format_date(on)}" for name, (r, on) in sorted(answers.items())]
            if answers else [],
            missing, actions_of(rec_id) or []))
    return RecommendationSections(by_review=sections, unanswered=unanswered)


def _key_dates_until(row, as_at: date) -> SimpleNamespace:
    """A review's key dates as known on the day: later dates had not happened yet."""
    values = {name: getattr(row, name) for name, _ in KEY_DATES}
    values = {k: (v if v is not None and v <= as_at else None) for k, v in values.items()}
    return SimpleNamespace(review_type=row.review_type, status=row.status, **values)


def review_sections(records: ReviewRecords, sections: RecommendationSections,
                    settings: Settings, as_at: date) -> list[ReviewSection]:
    clocks = clocks_from_settings(settings)
    out = []
    for review in records.reviews.values():
        at = _key_dates_until(review, as_at)
        recommendations = sections.by_review[review.id]
        out.append(ReviewSection(
            reference=review.reference, title=review.title, type_label=ReviewType(review.review_type).label,
            status_label=ReviewStatus(review.status).label,
            milestones=[MilestoneLine(m.name, m.due_date, m.done_date, m.state, m.reason)
                        for m in milestones(at, as_at, clocks)],
            recommendations=recommendations,
            counts=count_ratings([line for rec in recommendations for line in rec.actions])))
    return out


def late_milestones(reviews: list[ReviewSection], period: ReportPeriod) -> list[LateMilestoneLine]:
    """Milestones still overdue on the day, or done late within the period."""
    lines = [
        LateMilestoneLine(section.reference, section.title, m) for section in reviews for m in section.milestones
        if m.state == "overdue" or (m.state == "done_late" and period.start < m.done_date <= period.as_at)]
    lines.sort(key=lambda line: (line.milestone.due_date, line.review_reference))
    return lines
