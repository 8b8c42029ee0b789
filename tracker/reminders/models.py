"""Every reminder email: to whom, when, what kind, its subject, the actions it covered, and whether
the mail server took it. One row per recipient, kind and day, so nobody gets the same reminder twice
in a day; a failed send stays on the row (and a later run that day retries it)."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.actions.models import Action
from tracker.core import lengths
from tracker.core.models_base import UTCDateTime, enum_column, utcnow
from tracker.extensions import db
from tracker.users.models import User


class MessageKind(StrEnum):
    LEAD_DIGEST = "lead_digest"
    WEEKLY_SUMMARY = "weekly_summary"

    @property
    def label(self) -> str:
        return {"lead_digest": "Reminder to the lead", "weekly_summary": "Weekly overdue summary"}[self.value]


class MessageStatus(StrEnum):
    SENT = "sent"
    FAILED = "failed"


class ReminderMessage(db.Model):
    __tablename__ = "reminder_messages"
    __table_args__ = (
        UniqueConstraint("recipient_email", "kind", "sent_date", name="once_a_day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[MessageKind] = mapped_column(enum_column(MessageKind, "kind", 20))
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    recipient_email: Mapped[str] = mapped_column(String(254))
    recipient_name: Mapped[str] = mapped_column(String(200), default="")
    sent_date: Mapped[date] = mapped_column(Date, index=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    subject: Mapped[str] = mapped_column(String(300))
    status: Mapped[MessageStatus] = mapped_column(enum_column(MessageStatus, "status", 10))
    error: Mapped[str] = mapped_column(String(lengths.SYSTEM_TEXT), default="")

    recipient: Mapped[User | None] = relationship()
    items: Mapped[list["ReminderItem"]] = relationship(back_populates="message", cascade="all, delete-orphan",
                                                       order_by="ReminderItem.id")

    @property
    def kind_label(self) -> str:
        return MessageKind(self.kind).label

    @property
    def failed(self) -> bool:
        return self.status == MessageStatus.FAILED


class ReminderItem(db.Model):
    """What a message covered, and under which heading (overdue, due soon, update requested, formal
    response owed...): an action, or for a formal response the recommendation it answers."""

    __tablename__ = "reminder_items"
    __table_args__ = (Index("ix_reminder_items_action_message", "action_id", "message_id"),
                      CheckConstraint("action_id IS NOT NULL OR recommendation_id IS NOT NULL", name="about_something"))

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("reminder_messages.id", ondelete="CASCADE"), index=True)
    action_id: Mapped[int | None] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"))
    recommendation_id: Mapped[int | None] = mapped_column(ForeignKey("recommendations.id", ondelete="CASCADE"),
                                                          index=True)
    section: Mapped[str] = mapped_column(String(40))

    message: Mapped[ReminderMessage] = relationship(back_populates="items")
    action: Mapped[Action | None] = relationship()
