"""The archive of board reports: each PDF kept unchanged with its SHA-256, its parameters, who and when.
The PDF is in the store (tracker.storage, area `reports`) under `stored_name`; reports archived before
issue 15 keep their bytes in the `pdf` column and are read from there."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from tracker.extensions import db
from tracker.models_base import UTCDateTime, enum_column, utcnow
from tracker.users.models import User


class ReportStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"

    @property
    def label(self) -> str:
        return {"queued": "Waiting to start", "running": "Being generated", "done": "Ready",
                "failed": "Failed"}[self.value]


class BoardReport(db.Model):
    """One generated (or requested) board assurance report. The PDF bytes never change once stored."""

    __tablename__ = "board_reports"
    __table_args__ = (
        CheckConstraint("status != 'done' OR (sha256 IS NOT NULL AND (pdf IS NOT NULL OR stored_name IS NOT NULL))",
                        name="done_has_pdf"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[ReportStatus] = mapped_column(enum_column(ReportStatus, "status", 10), default=ReportStatus.QUEUED,
                                                 index=True)
    as_at_date: Mapped[date] = mapped_column(Date, index=True)
    review_reference: Mapped[str | None] = mapped_column(String(40))
    agency_name: Mapped[str | None] = mapped_column(String(200))
    theme_name: Mapped[str | None] = mapped_column(String(120))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The name printed on every page: a user's name, or "command line".
    requested_by_name: Mapped[str] = mapped_column(String(200))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    progress: Mapped[str] = mapped_column(String(200), default="")
    error: Mapped[str] = mapped_column(Text, default="")
    action_count: Mapped[int | None] = mapped_column(Integer)
    page_count: Mapped[int | None] = mapped_column(Integer)
    # Counts by rating (red, amber, green, blue) as at the report's date: the "ratings over time" chart.
    rating_counts: Mapped[dict | None] = mapped_column(JSON)
    size_bytes: Mapped[int | None] = mapped_column(Integer)
    sha256: Mapped[str | None] = mapped_column(String(64))
    pdf: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    stored_name: Mapped[str | None] = mapped_column(String(80), unique=True)

    requested_by: Mapped[User | None] = relationship()

    AUDIT_EXCLUDE = ("pdf",)

    @property
    def status_label(self) -> str:
        return ReportStatus(self.status).label

    @property
    def is_finished(self) -> bool:
        return self.status in (ReportStatus.DONE, ReportStatus.FAILED)

    @property
    def is_done(self) -> bool:
        return self.status == ReportStatus.DONE

    @property
    def is_failed(self) -> bool:
        return self.status == ReportStatus.FAILED

    @property
    def parameters(self) -> dict[str, str | None]:
        return {"review": self.review_reference, "agency": self.agency_name, "theme": self.theme_name}

    @property
    def filename(self) -> str:
        parts = ["board-report", self.as_at_date.isoformat()]
        parts += [p for p in (self.review_reference, self.agency_name, self.theme_name) if p]
        safe = "-".join(parts).lower()
        safe = "".join(ch if ch.isalnum() or ch in "-." else "-" for ch in safe)
        return f"{safe}-{self.id}.pdf"

    def __repr__(self) -> str:
        return f"<BoardReport {self.id} {self.as_at_date} {self.status}>"
