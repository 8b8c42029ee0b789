from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.core import lengths
from tracker.core.models_base import UTCDateTime, enum_column, utcnow
from tracker.extensions import db
from tracker.themes.models import Theme, review_themes
from tracker.users import models as _users  # noqa: F401  (loaded first: it configures the mappers)


class ReviewType(StrEnum):
    RAPID_REVIEW = "rapid_review"
    CSPR = "cspr"
    SCR = "scr"
    SILP = "silp"
    LOCAL_LEARNING = "local_learning"
    THEMATIC = "thematic"
    SPECIAL_PRACTICE = "special_practice"
    SAR = "sar"
    DHR = "dhr"

    @property
    def label(self) -> str:
        return REVIEW_TYPE_LABELS[self]


REVIEW_TYPE_LABELS = {
    ReviewType.RAPID_REVIEW: "Rapid review",
    ReviewType.CSPR: "Local child safeguarding practice review (LCSPR)",
    ReviewType.SCR: "Serious case review (SCR)",
    ReviewType.SILP: "Significant incident learning process (SILP)",
    ReviewType.LOCAL_LEARNING: "Local learning review",
    ReviewType.THEMATIC: "Thematic review",
    ReviewType.SPECIAL_PRACTICE: "Special practice review",
    ReviewType.SAR: "Safeguarding adults review (SAR)",
    ReviewType.DHR: "Domestic homicide review (DHR)",
}


class ReviewStatus(StrEnum):
    NOTIFIED = "notified"
    RAPID_REVIEW = "rapid_review"
    COMMISSIONED = "commissioned"
    DRAFTING = "drafting"
    SIGNED_OFF = "signed_off"
    PUBLISHED = "published"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return {
            "notified": "Notified", "rapid_review": "Rapid review", "commissioned": "Commissioned",
            "drafting": "Report in draft", "signed_off": "Signed off by the board",
            "published": "Published", "closed": "Closed",
        }[self.value]


#: Key dates in the order they happen, with their labels.
KEY_DATES = (
    ("incident_date", "Serious incident"),
    ("notification_date", "Notification to the national panel"),
    ("rapid_review_date", "Rapid review"),
    ("decision_date", "Decision to hold a review"),
    ("commissioned_date", "Review commissioned"),
    ("draft_date", "Draft report"),
    ("board_signoff_date", "Board sign-off"),
    ("published_date", "Published"),
)


class Review(db.Model):
    __tablename__ = "reviews"
    #: The lists' choice of review (id, reference, title by reference) read from the index in its order,
    #: not the table sorted on every request.
    __table_args__ = (Index("ix_reviews_reference_title", "reference", "title", postgresql_include=["id"]),)
    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(200), index=True)
    review_type: Mapped[ReviewType] = mapped_column(enum_column(ReviewType, "review_type", 30), index=True)
    status: Mapped[ReviewStatus] = mapped_column(enum_column(ReviewStatus, "status", 20), index=True,
                                                 default=ReviewStatus.NOTIFIED)
    lead_reviewer: Mapped[str] = mapped_column(String(200), default="")
    summary: Mapped[str] = mapped_column(String(lengths.LONG_TEXT), default="")
    incident_date: Mapped[date | None] = mapped_column(Date)
    notification_date: Mapped[date | None] = mapped_column(Date)
    rapid_review_date: Mapped[date | None] = mapped_column(Date)
    decision_date: Mapped[date | None] = mapped_column(Date)
    commissioned_date: Mapped[date | None] = mapped_column(Date)
    draft_date: Mapped[date | None] = mapped_column(Date)
    board_signoff_date: Mapped[date | None] = mapped_column(Date)
    published_date: Mapped[date | None] = mapped_column(Date, index=True)
    # Set on publication: every addressee's formal response to each recommendation is due by then.
    response_deadline: Mapped[date | None] = mapped_column(Date, index=True)
    source_document: Mapped[str] = mapped_column(String(255), default="")
    # Set when the board has closed every recommendation (tracker/closure); cleared when one reopens.
    closed_date: Mapped[date | None] = mapped_column(Date, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # Optimistic locking: every UPDATE checks and bumps it, so a stale edit cannot overwrite a newer one.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    themes: Mapped[list[Theme]] = relationship(secondary=review_themes, order_by=Theme.name)
    learning_points: Mapped[list["LearningPoint"]] = relationship(
        back_populates="review", order_by="LearningPoint.number", cascade="all, delete-orphan"
    )
    recommendations: Mapped[list["Recommendation"]] = relationship(  # noqa: F821
        back_populates="review", cascade="all, delete-orphan"
    )

    @property
    def type_label(self) -> str:
        return ReviewType(self.review_type).label

    @property
    def status_label(self) -> str:
        return ReviewStatus(self.status).label

    def __repr__(self) -> str:
        return f"<Review {self.reference}>"


class SharedHow(StrEnum):
    BRIEFING = "briefing"
    TRAINING = "training"
    EVENT = "event"
    NEWSLETTER = "newsletter"

    @property
    def label(self) -> str:
        return {"briefing": "7-minute briefing", "training": "Training", "event": "Learning event",
                "newsletter": "Newsletter"}[self.value]


class LearningPoint(db.Model):
    """A lesson to disseminate (briefing, training), not an action in itself."""

    __tablename__ = "learning_points"
    __table_args__ = (UniqueConstraint("review_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(String(lengths.NARRATIVE))
    shared_how: Mapped[SharedHow | None] = mapped_column(enum_column(SharedHow, "shared_how", 20))
    shared_date: Mapped[date | None] = mapped_column(Date)

    review: Mapped[Review] = relationship(back_populates="learning_points")

    @property
    def shared_how_label(self) -> str:
        return SharedHow(self.shared_how).label if self.shared_how else "Not yet shared"
