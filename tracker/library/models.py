from datetime import datetime

from sqlalchemy import Column, ForeignKey, Integer, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.core import lengths
from tracker.core.models_base import UTCDateTime, utcnow
from tracker.extensions import db
from tracker.themes.models import Theme

library_review_themes = Table(
    "library_review_themes",
    db.metadata,
    Column("library_review_id", ForeignKey("library_reviews.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class LibraryReview(db.Model):
    """A review published by another area, from the national repository listing. Public data:
    every signed-in role reads it. The full-text index over it (FTS5 on SQLite, a GIN expression
    index on PostgreSQL) lives only in the migration: see tracker/library/search.py."""

    __tablename__ = "library_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    natural_key: Mapped[str] = mapped_column(String(255), unique=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    area: Mapped[str] = mapped_column(String(200), index=True)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(String(lengths.LIBRARY_TEXT), default="")
    learning: Mapped[str] = mapped_column(String(lengths.LIBRARY_TEXT), default="")
    recommendations: Mapped[str] = mapped_column(String(lengths.LIBRARY_TEXT), default="")
    #: The keywords as the listing gives them, comma separated (themes carry the recurring ones).
    keywords: Mapped[str] = mapped_column(String(lengths.LIBRARY_TEXT), default="")
    #: Position on the listing page, to keep its order within a year.
    position: Mapped[int] = mapped_column(Integer, default=0)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    themes: Mapped[list[Theme]] = relationship(secondary=library_review_themes, order_by=Theme.name)

    @property
    def keyword_list(self) -> list[str]:
        return [k.strip() for k in self.keywords.split(",") if k.strip()]

    @property
    def learning_points(self) -> list[str]:
        return as_points(self.learning)

    @property
    def recommendation_points(self) -> list[str]:
        return as_points(self.recommendations)

    def __repr__(self) -> str:
        return f"<LibraryReview {self.year} {self.area} {self.title}>"


def as_points(text: str) -> list[str]:
    """The listing writes learning and recommendations as one sentence of points joined by "; "
    ("a; b; and c."): the points, each starting with a capital, when there are three or more."""
    parts = [p.strip() for p in text.split("; ") if p.strip()]
    if len(parts) < 3:
        return []
    parts[-1] = parts[-1].removeprefix("and ")
    return [p[:1].upper() + p[1:] for p in parts]
