"""The search index: one row per searchable record, with the text searched and the review and
action it belongs to (the action decides who may see it, as its page does). The full-text index
over these rows is made by migration e18d4f5a6b04 per database and kept out of the metadata: an
FTS5 table kept in step by triggers on SQLite, a GIN expression index on PostgreSQL."""

from datetime import date

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tracker.core import lengths
from tracker.extensions import db


class SearchEntry(db.Model):
    __tablename__ = "search_entries"
    __table_args__ = (UniqueConstraint("kind", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The registered kind's name ("action", "update" ...): which page the result links to.
    kind: Mapped[str] = mapped_column(String(20), index=True)
    object_id: Mapped[int] = mapped_column(Integer)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    #: None: anyone who reads reviews may find it; else only those who may see this action.
    action_id: Mapped[int | None] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    #: The short reference (as the board report prints it), searched with the heaviest weight.
    reference: Mapped[str] = mapped_column(String(120), default="")
    title: Mapped[str] = mapped_column(String(lengths.SEARCH_TEXT), default="")
    body: Mapped[str] = mapped_column(String(lengths.SEARCH_TEXT), default="")
    #: The date a result shows (an update's date, evidence's effective date), if it has one.
    entry_date: Mapped[date | None] = mapped_column(Date)
