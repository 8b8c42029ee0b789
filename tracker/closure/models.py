"""The board's decisions to close a recommendation (and, when its last recommendation closes, the
review), and the reopenings that undo them: a history, never overwritten."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.core import lengths
from tracker.core.models_base import UTCDateTime, enum_column, utcnow
from tracker.extensions import db
from tracker.users.models import User


class ClosureKind(StrEnum):
    CLOSED = "closed"
    REOPENED = "reopened"

    @property
    def label(self) -> str:
        return {"closed": "Closed", "reopened": "Reopened"}[self.value]


class ClosureDecision(db.Model):
    """One closing or reopening of a recommendation (recommendation_id set) or of a review (not set)."""

    __tablename__ = "closure_decisions"
    __table_args__ = (Index("ix_closure_decisions_review_date", "review_id", "decision_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"))
    recommendation_id: Mapped[int | None] = mapped_column(ForeignKey("recommendations.id", ondelete="CASCADE"),
                                                          index=True)
    kind: Mapped[ClosureKind] = mapped_column(enum_column(ClosureKind, "kind", 10))
    decision_date: Mapped[date] = mapped_column(Date, index=True)
    meeting: Mapped[str] = mapped_column(String(lengths.TITLE), default="")
    minute_reference: Mapped[str] = mapped_column(String(lengths.MINUTE_REFERENCE), default="")
    risk_accepted: Mapped[str] = mapped_column(String(lengths.REASON), default="")
    reason: Mapped[str] = mapped_column(String(lengths.REASON), default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    decided_by: Mapped[User | None] = relationship()

    @property
    def kind_label(self) -> str:
        return ClosureKind(self.kind).label
