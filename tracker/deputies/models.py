"""A deputy acts on one lead's actions from the start date to the end date, both included, unless the
cover is ended early (ended_at)."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.core.models_base import UTCDateTime, utcnow
from tracker.extensions import db
from tracker.users.models import User


class Deputy(db.Model):
    __tablename__ = "deputies"
    __table_args__ = (
        CheckConstraint("end_date >= start_date", name="period_in_order"),
        CheckConstraint("lead_id != deputy_id", name="not_oneself"),
        # the permission check: whom does this person cover today?
        Index("ix_deputies_deputy_period", "deputy_id", "start_date", "end_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    deputy_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    lead: Mapped[User] = relationship(foreign_keys=[lead_id])
    deputy: Mapped[User] = relationship(foreign_keys=[deputy_id])

    def covers(self, day: date) -> bool:
        return self.ended_at is None and self.start_date <= day <= self.end_date
