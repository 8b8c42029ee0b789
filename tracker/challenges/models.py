"""Scrutiny challenges: a question the independent scrutineer (or the business unit) puts to one
agency about a review, a recommendation or an action, and the thread of messages that answers it."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.core import lengths
from tracker.core.models_base import UTCDateTime, enum_column, utcnow
from tracker.extensions import db
from tracker.users.models import Agency, User


class ChallengeStatus(StrEnum):
    OPEN = "open"          # waiting for the agency's answer
    ANSWERED = "answered"  # the agency answered; waiting for the scrutineer to close or ask again
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return {"open": "Waiting for the agency", "answered": "Answered", "closed": "Closed"}[self.value]


def describe_subject(kind: str, subject) -> str:
    """What a challenge is about, in words: "Recommendation 3 of review CSPR-9"."""
    if kind == "review":
        return f"Review {subject.reference}: {subject.title}"
    if kind == "recommendation":
        return f"Recommendation {subject.number} of review {subject.review.reference}"
    return f"Action {subject.id} of review {subject.review.reference}: {subject.description}"


class Challenge(db.Model):
    __tablename__ = "challenges"
    __table_args__ = (
        CheckConstraint(
            "(CASE WHEN review_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN recommendation_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN action_id IS NULL THEN 0 ELSE 1 END) = 1", name="one_subject"),
        CheckConstraint("(status = 'closed') = (closed_at IS NOT NULL)", name="closed_has_time"),
        Index("ix_challenges_agency_status", "agency_id", "status"),
        Index("ix_challenges_status_created", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int | None] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    recommendation_id: Mapped[int | None] = mapped_column(
        ForeignKey("recommendations.id", ondelete="CASCADE"), index=True)
    action_id: Mapped[int | None] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    raised_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    status: Mapped[ChallengeStatus] = mapped_column(enum_column(ChallengeStatus, "status", 20),
                                                    default=ChallengeStatus.OPEN, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)

    review: Mapped["Review | None"] = relationship()  # noqa: F821
    recommendation: Mapped["Recommendation | None"] = relationship()  # noqa: F821
    action: Mapped["Action | None"] = relationship()  # noqa: F821
    agency: Mapped[Agency] = relationship()
    raised_by: Mapped[User | None] = relationship(foreign_keys=[raised_by_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])
    messages: Mapped[list["ChallengeMessage"]] = relationship(
        back_populates="challenge", order_by="ChallengeMessage.id", cascade="all, delete-orphan")

    @property
    def status_label(self) -> str:
        return ChallengeStatus(self.status).label

    @property
    def is_closed(self) -> bool:
        return self.status == ChallengeStatus.CLOSED

    @property
    def subject_kind(self) -> str:
        return "action" if self.action_id else "recommendation" if self.recommendation_id else "review"

    @property
    def review_reference(self) -> str:
        """The reference of the review the subject belongs to."""
        if self.review is not None:
            return self.review.reference
        if self.recommendation is not None:
            return self.recommendation.review.reference
        return self.action.review.reference

    @property
    def subject(self):
        return self.review or self.recommendation or self.action

    @property
    def subject_label(self) -> str:
        return describe_subject(self.subject_kind, self.subject)

    def __repr__(self) -> str:
        return f"<Challenge {self.id} {self.status}>"


class ChallengeMessage(db.Model):
    """One message of a challenge's thread: the challenge itself, an answer, a reply, a closing note.
    Never edited."""

    __tablename__ = "challenge_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    text: Mapped[str] = mapped_column(String(lengths.MESSAGE))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    challenge: Mapped[Challenge] = relationship(back_populates="messages")
    author: Mapped[User | None] = relationship()
