from sqlalchemy import Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column

from tracker.core import lengths
from tracker.extensions import db

review_themes = Table(
    "review_themes",
    db.metadata,
    Column("review_id", ForeignKey("reviews.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True, index=True),
)

recommendation_themes = Table(
    "recommendation_themes",
    db.metadata,
    Column("recommendation_id", ForeignKey("recommendations.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Theme(db.Model):
    """A controlled list, so that recurring learning across reviews shows up."""

    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(String(lengths.THEME_DESCRIPTION), default="")

    def __repr__(self) -> str:
        return f"<Theme {self.name}>"


class ThemeAlias(db.Model):
    """Another name that means a theme: a theme's old name after a rename or a merge, or a library
    keyword mapped onto it, so that importing the national listing again links to the kept theme
    instead of making the old one again."""

    __tablename__ = "theme_aliases"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: tracker.library.listing.keyword_key of the name: case, hyphens and plurals aside.
    key: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id", ondelete="CASCADE"), index=True)
