"""Update rounds: the business unit asks every lead with live actions for an update by a deadline.

A round is open until the business unit closes it. Each request is one action in one round, with the
owning agency and the lead at the time it was asked; it is answered by the first progress update
posted on that action while the round is open."""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.actions.models import Action, ProgressUpdate
from tracker.core.models_base import UTCDateTime, utcnow
from tracker.extensions import db
from tracker.users.models import Agency, User


class UpdateRound(db.Model):
    __tablename__ = "update_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    deadline_date: Mapped[date] = mapped_column(Date)
    opened_date: Mapped[date] = mapped_column(Date, index=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_date: Mapped[date | None] = mapped_column(Date, index=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    opened_by: Mapped[User | None] = relationship(foreign_keys=[opened_by_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])

    @property
    def is_open(self) -> bool:
        return self.closed_date is None

    def __repr__(self) -> str:
        return f"<UpdateRound {self.id} {self.name!r}>"


class UpdateRequest(db.Model):
    """One action asked about in one round; `update_id` is set when the update comes in."""

    __tablename__ = "update_requests"
    __table_args__ = (
        UniqueConstraint("round_id", "action_id", name="round_action"),
        Index("ix_update_requests_round_agency", "round_id", "agency_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("update_rounds.id", ondelete="CASCADE"), index=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    update_id: Mapped[int | None] = mapped_column(ForeignKey("progress_updates.id", ondelete="SET NULL"),
                                                  index=True)
    responded_date: Mapped[date | None] = mapped_column(Date)

    round: Mapped[UpdateRound] = relationship()
    action: Mapped[Action] = relationship()
    agency: Mapped[Agency] = relationship()
    lead: Mapped[User | None] = relationship()
    update: Mapped[ProgressUpdate | None] = relationship()

    @property
    def answered(self) -> bool:
        return self.update_id is not None
