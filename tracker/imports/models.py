from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.core import lengths
from tracker.core.models_base import UTCDateTime, enum_column, utcnow
from tracker.extensions import db
from tracker.reviews.models import Review
from tracker.users.models import User


class SourceDocument(db.Model):
    """A review document (or pasted text) that recommendations and learning points were imported
    from: kept unchanged under the instance folder with its SHA-256, as evidence of where they came from."""

    __tablename__ = "source_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    original_filename: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(120))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    summary: Mapped[str] = mapped_column(String(lengths.SYSTEM_TEXT), default="")
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    review: Mapped[Review] = relationship()
    uploaded_by: Mapped[User | None] = relationship()


class DraftState(StrEnum):
    """A document's draft is "reading" while the import queue parses it (text recognition of a scan
    takes minutes), then "ready" with its items, or "failed" with the message to show."""

    READING = "reading"
    READY = "ready"
    FAILED = "failed"


class ImportDraft(db.Model):
    """What was extracted from a document, as the user corrects it; nothing reaches the review until
    the user confirms. Kept server-side, keyed to the user who started it."""

    __tablename__ = "import_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    review_id: Mapped[int | None] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"))
    new_review: Mapped[dict] = mapped_column(JSON, default=dict)  # title, reference, review_type
    original_filename: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(80))
    content_type: Mapped[str] = mapped_column(String(120))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    items: Mapped[list] = mapped_column(JSON, default=list)
    warnings: Mapped[list] = mapped_column(JSON, default=list)
    state: Mapped[DraftState] = mapped_column(enum_column(DraftState, "state", 10), default=DraftState.READY,
                                              server_default="ready")
    progress: Mapped[str] = mapped_column(String(200), default="", server_default="")
    error: Mapped[str] = mapped_column(String(lengths.SYSTEM_TEXT), default="", server_default="")
    #: The text came from text recognition of a scanned PDF, so the user checks it more closely.
    ocr: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    review: Mapped[Review | None] = relationship()
    user: Mapped[User] = relationship()
