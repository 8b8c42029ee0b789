from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import BigInteger, CheckConstraint, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.actions.models import Action
from tracker.core import lengths
from tracker.core.models_base import UTCDateTime, enum_column, utcnow
from tracker.extensions import db
from tracker.users.models import User


class EvidenceKind(StrEnum):
    COMPLETION = "completion"
    IMPACT = "impact"

    @property
    def label(self) -> str:
        return {"completion": "Evidence of completion", "impact": "Evidence of impact"}[self.value]


class Evidence(db.Model):
    """A file or a link showing an action was done (completion) or changed practice (impact)."""

    __tablename__ = "evidence"
    __table_args__ = (
        CheckConstraint("(link_url IS NULL) != (stored_name IS NULL)", name="file_or_link"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    kind: Mapped[EvidenceKind] = mapped_column(enum_column(EvidenceKind, "kind", 20))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(String(lengths.DESCRIPTION), default="")
    link_url: Mapped[str | None] = mapped_column(String(2000))
    stored_name: Mapped[str | None] = mapped_column(String(80), unique=True)
    original_filename: Mapped[str | None] = mapped_column(String(255))
    content_type: Mapped[str | None] = mapped_column(String(120))
    size_bytes: Mapped[int | None] = mapped_column(BigInteger)
    sha256: Mapped[str | None] = mapped_column(String(64))
    supplied_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    effective_date: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Withdrawn as a mistake (tracker/withdrawals): kept, but no longer current.
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    withdrawal_reason: Mapped[str] = mapped_column(String(lengths.REASON), default="", server_default="")

    action: Mapped[Action] = relationship(back_populates="evidence")
    supplied_by: Mapped[User | None] = relationship(foreign_keys=[supplied_by_id])

    @property
    def kind_label(self) -> str:
        return EvidenceKind(self.kind).label

    @property
    def is_impact(self) -> bool:
        return self.kind == EvidenceKind.IMPACT

    @property
    def is_file(self) -> bool:
        return self.stored_name is not None
