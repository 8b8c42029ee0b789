"""A comment on an action (its whole text in one column, for search), and the people it mentions."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.actions.models import Action
from tracker.core import lengths
from tracker.core.models_base import UTCDateTime, utcnow
from tracker.extensions import db
from tracker.users.models import User


class Comment(db.Model):
    __tablename__ = "comments"
    __table_args__ = (Index("ix_comments_action_created", "action_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    text: Mapped[str] = mapped_column(String(lengths.MESSAGE))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # Withdrawn as a mistake (tracker/withdrawals): kept, but no longer shown.
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    withdrawal_reason: Mapped[str] = mapped_column(String(lengths.REASON), default="", server_default="")

    action: Mapped[Action] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])


class CommentMention(db.Model):
    """Someone named in a comment (@name or @email), who may see the action; the daily digest finds
    the mentions of those who chose it here."""

    __tablename__ = "comment_mentions"

    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
