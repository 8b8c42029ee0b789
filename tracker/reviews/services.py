"""Verbs on reviews and learning points: they check the rules that need the database, change the
records and flush; the view commits. The reviews list is in queries.py, the statutory clocks in
milestones.py."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select

from tracker.actions.ratings import format_date
from tracker.core import dates
from tracker.core.errors import DomainError
from tracker.extensions import db
from tracker.reviews.milestones import KEY_DATE_FIELDS, KEY_DATE_LABELS
from tracker.reviews.models import LearningPoint, Review, ReviewStatus, ReviewType, SharedHow
from tracker.settings import Settings
from tracker.themes.models import Theme

@dataclass
class ReviewDetails:
    """What a person types about a review, already shaped by the form."""

    reference: str
    title: str
    review_type: str
    status: str
    lead_reviewer: str = ""
    summary: str = ""
    themes: list[Theme] = field(default_factory=list)
    dates: dict[str, date | None] = field(default_factory=dict)
    #: Left empty, it defaults on publication to the published date plus the response period.
    response_deadline: date | None = None


def check_key_date_order(dates: dict[str, date | None]) -> None:
    """Each key date that is recorded must not come before any earlier key date that is recorded
    (the notification cannot precede the incident, publication cannot precede sign-off)."""
    latest: tuple[str, date] | None = None
    for name in KEY_DATE_FIELDS:
        value = dates.get(name)
        if value is None:
            continue
        if latest is not None and value < latest[1]:
            earlier, earlier_date = latest
            raise DomainError(
                f"{KEY_DATE_LABELS[name]} date must be the same as or after the "
                f"{KEY_DATE_LABELS[earlier].lower()} date ({format_date(earlier_date)})",
                field=name,
            )
        latest = (name, value)


def response_deadline(published: date | None, chosen: date | None, response_days: int) -> date | None:
    """Formal responses are due by a deadline set when the review is published: the one chosen,
    or the published date plus the partnership's response period. No publication, no deadline."""
    if published is None:
        if chosen is not None:
            raise DomainError("Enter the published date before setting a response deadline",
                              field="response_deadline")
        return None
    if chosen is None:
        return published + timedelta(days=response_days)
    if chosen < published:
        raise DomainError(f"Response deadline must be the same as or after the published date "
                          f"({format_date(published)})", field="response_deadline")
    return chosen


def check_key_dates_make_sense(dates_: dict[str, date | None], today: date | None) -> None:
    """Each key date happened: on or after the earliest date the tracker knows, and (given today) not
    in the future."""
    for name in KEY_DATE_FIELDS:
        value = dates_.get(name)
        if value is None:
            continue
        label = f"{KEY_DATE_LABELS[name]} date"
        if today is None:
            dates.check_past(value, date.max, label=label, field=name)
        else:
            dates.check_past(value, today, label=label, field=name)


def _apply(review: Review, details: ReviewDetails, response_days: int, today: date | None = None) -> None:
    reference = details.reference.strip()
    taken = db.session.scalar(select(Review.id).where(func.lower(Review.reference) == reference.lower(),
                                                      Review.id != (review.id or 0)))
    if taken is not None:
        raise DomainError(f"Another review already has the reference {reference}", field="reference")
    if details.review_type not in {t.value for t in ReviewType}:
        raise DomainError("Select the type of review", field="review_type")
    if details.status not in {s.value for s in ReviewStatus}:
        raise DomainError("Select the status of the review", field="status")
    check_key_dates_make_sense(details.dates, today)
    check_key_date_order(details.dates)
    published, chosen = details.dates.get("published_date"), details.response_deadline
    if (review.published_date is not None and published != review.published_date and chosen is not None
            and chosen == review.response_deadline == review.published_date + timedelta(days=response_days)):
        # The deadline shown on the form was the one worked out from the old published date: the
        # corrected date gives a new one.
        chosen = None
    deadline = response_deadline(published, chosen, response_days)
    if deadline is not None and chosen is not None:
        dates.check_planned(deadline, today or deadline, label="Response deadline", field="response_deadline")
    review.reference = reference
    review.title = details.title.strip()
    review.review_type = details.review_type
    review.status = details.status
    review.lead_reviewer = (details.lead_reviewer or "").strip()
    review.summary = (details.summary or "").strip()
    review.themes = list(details.themes)
    for name in KEY_DATE_FIELDS:
        setattr(review, name, details.dates.get(name))
    review.response_deadline = deadline


def create_review(details: ReviewDetails, response_days: int = Settings.response_days,
                  today: date | None = None) -> Review:
    """`today` (from the forms): key dates in the future are refused."""
    review = Review()
    _apply(review, details, response_days, today)
    db.session.add(review)
    db.session.flush()
    return review


def update_review(review: Review, details: ReviewDetails, response_days: int = Settings.response_days,
                  today: date | None = None) -> None:
    """Correcting the published date works the response deadline out again (when it was the one
    worked out from the old date)."""
    _apply(review, details, response_days, today)
    db.session.flush()


# --- Learning points -----------------------------------------------------------------------------


def _check_learning_point(review: Review, number: int, text: str, shared_how: str | None,
                          shared_date: date | None, today: date, point_id: int | None = None) -> None:
    if number < 1:
        raise DomainError("Learning point number must be 1 or more", field="number")
    taken = db.session.scalar(select(LearningPoint.id).where(
        LearningPoint.review_id == review.id, LearningPoint.number == number, LearningPoint.id != (point_id or 0)))
    if taken is not None:
        raise DomainError(f"This review already has a learning point {number}", field="number")
    if not text.strip():
        raise DomainError("Enter the learning point", field="text")
    if shared_how and shared_how not in {s.value for s in SharedHow}:
        raise DomainError("Select how the learning point was shared", field="shared_how")
    if shared_date and not shared_how:
        raise DomainError("Select how the learning point was shared", field="shared_how")
    if shared_date and shared_date > today:
        raise DomainError("Date shared must be today or in the past", field="shared_date")
    dates.check_past(shared_date, today, label="Date shared", field="shared_date")


def add_learning_point(review: Review, *, number: int, text: str, shared_how: str | None,
                       shared_date: date | None, today: date) -> LearningPoint:
    _check_learning_point(review, number, text, shared_how, shared_date, today)
    point = LearningPoint(review=review, number=number, text=text.strip(), shared_how=shared_how or None,
                          shared_date=shared_date)
    db.session.add(point)
    db.session.flush()
    return point


def update_learning_point(point: LearningPoint, *, number: int, text: str, shared_how: str | None,
                          shared_date: date | None, today: date) -> None:
    _check_learning_point(point.review, number, text, shared_how, shared_date, today, point_id=point.id)
    point.number = number
    point.text = text.strip()
    point.shared_how = shared_how or None
    point.shared_date = shared_date
    db.session.flush()


def next_learning_point_number(review: Review) -> int:
    current = db.session.scalar(select(func.max(LearningPoint.number)).where(LearningPoint.review_id == review.id))
    return (current or 0) + 1
