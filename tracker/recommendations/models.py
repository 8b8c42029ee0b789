from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, Date, ForeignKey, Integer, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.core import lengths
from tracker.core.models_base import UTCDateTime, enum_column, utcnow
from tracker.extensions import db
from tracker.reviews.models import Review
from tracker.themes.models import Theme, recommendation_themes
from tracker.users.models import Agency, User

recommendation_addressees = Table(
    "recommendation_addressees",
    db.metadata,
    Column("recommendation_id", ForeignKey("recommendations.id", ondelete="CASCADE"), primary_key=True),
    Column("agency_id", ForeignKey("agencies.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class RecommendationKind(StrEnum):
    PARTNERSHIP = "partnership"
    SINGLE_AGENCY = "single_agency"
    NATIONAL = "national"

    @property
    def label(self) -> str:
        return {"partnership": "Partnership", "single_agency": "Single-agency",
                "national": "National"}[self.value]


class FormalResponse(StrEnum):
    ACCEPTED = "accepted"
    PARTLY_ACCEPTED = "partly_accepted"
    NOT_ACCEPTED = "not_accepted"

    @property
    def label(self) -> str:
        return {"accepted": "Accepted", "partly_accepted": "Partly accepted",
                "not_accepted": "Not accepted"}[self.value]


class Recommendation(db.Model):
    __tablename__ = "recommendations"
    __table_args__ = (
        UniqueConstraint("review_id", "number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    number: Mapped[str] = mapped_column(String(20))
    # Sorts "2" before "10" and keeps "BCPFT-3" after the board's own numbers.
    sort_key: Mapped[str] = mapped_column(String(40), default="")
    text: Mapped[str] = mapped_column(String(lengths.LONG_TEXT))
    kind: Mapped[RecommendationKind] = mapped_column(enum_column(RecommendationKind, "kind", 20),
                                                     default=RecommendationKind.PARTNERSHIP, index=True)
    # Set by the board's closure decision (tracker/closure), cleared when an action of it is reopened.
    closed_date: Mapped[date | None] = mapped_column(Date, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Optimistic locking: every UPDATE checks and bumps it, so a stale edit cannot overwrite a newer one.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    review: Mapped[Review] = relationship(back_populates="recommendations")
    addressees: Mapped[list[Agency]] = relationship(secondary=recommendation_addressees, order_by=Agency.name)
    themes: Mapped[list[Theme]] = relationship(secondary=recommendation_themes, order_by=Theme.name)
    actions: Mapped[list["Action"]] = relationship(  # noqa: F821
        back_populates="recommendation", order_by="Action.id", cascade="all, delete-orphan"
    )
    responses: Mapped[list["RecommendationResponse"]] = relationship(
        back_populates="recommendation", order_by="RecommendationResponse.id", cascade="all, delete-orphan"
    )

    @property
    def kind_label(self) -> str:
        return RecommendationKind(self.kind).label

    @property
    def short_reference(self) -> str:
        """The code the board report prints for this recommendation, e.g. "CSPR-2024-01 R3"."""
        return recommendation_reference(self.review.reference, self.number)

    def response_from(self, agency_id: int) -> "RecommendationResponse | None":
        return next((r for r in self.responses if r.agency_id == agency_id), None)

    @property
    def missing_responders(self) -> list[Agency]:
        """Addressees that have not yet recorded their agency's formal response."""
        answered = {r.agency_id for r in self.responses}
        return [a for a in self.addressees if a.id not in answered]

    def __repr__(self) -> str:
        return f"<Recommendation {self.review_id}/{self.number}>"


class RecommendationResponse(db.Model):
    """One addressee's formal response to a recommendation: each agency it is addressed to answers
    for itself, by the review's response deadline."""

    __tablename__ = "recommendation_responses"
    __table_args__ = (
        UniqueConstraint("recommendation_id", "agency_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(ForeignKey("recommendations.id", ondelete="CASCADE"),
                                                   index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"), index=True)
    response: Mapped[FormalResponse] = mapped_column(enum_column(FormalResponse, "response", 20))
    reasons: Mapped[str] = mapped_column(String(lengths.LONG_TEXT), default="")
    response_date: Mapped[date] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    recommendation: Mapped[Recommendation] = relationship(back_populates="responses")
    agency: Mapped[Agency] = relationship()
    recorded_by: Mapped[User | None] = relationship()

    @property
    def label(self) -> str:
        return FormalResponse(self.response).label


def recommendation_reference(review_reference: str, number: str) -> str:
    """A recommendation's short reference: its review's reference and R with its number."""
    return f"{review_reference} R{number}"


def number_sort_key(number: str) -> str:
    """'2' -> '0:000002', 'BCPFT-3' -> '1:BCPFT-000003': board numbers first, numerically."""
    head, _, tail = number.rpartition("-")
    digits = "".join(ch for ch in (tail or number) if ch.isdigit())
    padded = digits.zfill(6) if digits else (tail or number)
    return f"1:{head}-{padded}" if head else f"0:{padded}"
