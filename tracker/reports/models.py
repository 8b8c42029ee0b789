"""The archive of board reports: each PDF kept unchanged with its SHA-256, its parameters, who and when.

Every file here is in the store (tracker.storage, area `reports`), never in the database: a row keeps
its file's name (the key is `reports/<name>`), size and SHA-256, and a row that says its file exists has
it (the check constraints). Migration f22b4c5d6e08 moved the bytes of older rows out of their columns."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.core import lengths
from tracker.core.models_base import UTCDateTime, enum_column, utcnow
from tracker.extensions import db
from tracker.storage import key_for
from tracker.users.models import User


class ReportStatus(StrEnum):
    DRAFT = "draft"
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"

    @property
    def label(self) -> str:
        return {"draft": "Draft: commentary being written", "queued": "Waiting to start", "running": "Being generated", "done": "Ready",
                "failed": "Failed"}[self.value]


class QueuedJob:
    """What the pages ask of a queued job, a board report or a run of the agency packs: its state
    (from the class's own `status` column)."""

    @property
    def is_draft(self) -> bool:
        return self.status == ReportStatus.DRAFT

    @property
    def is_done(self) -> bool:
        return self.status == ReportStatus.DONE

    @property
    def is_failed(self) -> bool:
        return self.status == ReportStatus.FAILED

    @property
    def is_finished(self) -> bool:
        return self.status in (ReportStatus.DONE, ReportStatus.FAILED)

    @property
    def status_label(self) -> str:
        return ReportStatus(self.status).label


class BoardMeeting(db.Model):
    """A board meeting: its papers are drafted `draft_days_before` days ahead by the periodic job."""

    __tablename__ = "board_meetings"
    __table_args__ = (CheckConstraint("draft_days_before BETWEEN 0 AND 90", name="draft_days_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_date: Mapped[date] = mapped_column(Date, unique=True)
    title: Mapped[str] = mapped_column(String(200))
    draft_days_before: Mapped[int] = mapped_column(Integer, default=7)
    # When the agency packs were sent to each agency's leads (None: not yet).
    packs_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The record of what was sent for the meeting: [{"at", "to", "what", "status", "error"}], oldest first.
    sent: Mapped[list | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def draft_date(self) -> date:
        return self.meeting_date - timedelta(days=self.draft_days_before)

    def __repr__(self) -> str:
        return f"<BoardMeeting {self.id} {self.meeting_date}>"


class BoardReport(QueuedJob, db.Model):
    """One generated (or requested) board assurance report. The PDF and Word files never change once
    stored."""

    __tablename__ = "board_reports"
    __table_args__ = (
        CheckConstraint("status != 'done' OR (sha256 IS NOT NULL AND stored_name IS NOT NULL)", name="done_has_pdf"),
        CheckConstraint("(docx_sha256 IS NULL AND docx_stored_name IS NULL) OR "
                        "(docx_sha256 IS NOT NULL AND docx_stored_name IS NOT NULL)", name="docx_has_file"),
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
    error: Mapped[str] = mapped_column(String(lengths.SYSTEM_TEXT), default="")
    action_count: Mapped[int | None] = mapped_column(Integer)
    page_count: Mapped[int | None] = mapped_column(Integer)
    # Counts by rating (red, amber, green, blue) as at the report's date: the "ratings over time" chart.
    rating_counts: Mapped[dict | None] = mapped_column(JSON)
    size_bytes: Mapped[int | None] = mapped_column(Integer)
    sha256: Mapped[str | None] = mapped_column(String(64))
    # The business manager's words beside the figures (tracker/reports/commentary.py: section key -> text,
    # plus the cover sheet's purpose and what the board is asked to do). Frozen once published.
    commentary: Mapped[dict | None] = mapped_column(JSON)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("board_meetings.id"), index=True)
    docx_sha256: Mapped[str | None] = mapped_column(String(64))
    # The PDF's name in the store.
    stored_name: Mapped[str | None] = mapped_column(String(80), unique=True)
    # The Word version, made with the PDF by the queue worker and kept unchanged beside it.
    docx_stored_name: Mapped[str | None] = mapped_column(String(80), unique=True)
    docx_size_bytes: Mapped[int | None] = mapped_column(Integer)

    requested_by: Mapped[User | None] = relationship()
    meeting: Mapped[BoardMeeting | None] = relationship(foreign_keys=[meeting_id])

    @property
    def pdf_key(self) -> str:
        return key_for("reports", self.stored_name or "")

    @property
    def docx_key(self) -> str:
        return key_for("reports", self.docx_stored_name or "")

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


class ReportTemplate(db.Model):
    """The partnership's Word template for board papers (report_template.py checks it before it is
    kept). The newest row is the one used; older ones stay as the record of what was used when."""

    __tablename__ = "report_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    @property
    def key(self) -> str:
        return key_for("reports", self.stored_name)


class PackRun(QueuedJob, db.Model):
    """One run of the agency packs: every agency's pack (PDF and DOCX) for an as-at date, in one zip,
    made by the queue worker. Agency leads download their own agency's files from the newest run."""

    __tablename__ = "pack_runs"
    __table_args__ = (
        CheckConstraint("status != 'done' OR (sha256 IS NOT NULL AND stored_name IS NOT NULL)", name="done_has_zip"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[ReportStatus] = mapped_column(enum_column(ReportStatus, "status", 10), default=ReportStatus.QUEUED,
                                                 index=True)
    as_at_date: Mapped[date] = mapped_column(Date)
    requested_by_name: Mapped[str] = mapped_column(String(200))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    progress: Mapped[str] = mapped_column(String(200), default="")
    error: Mapped[str] = mapped_column(String(lengths.SYSTEM_TEXT), default="")
    # {agency name: [file names in the zip]}: which files belong to which agency (the leads' downloads).
    files: Mapped[dict | None] = mapped_column(JSON)
    size_bytes: Mapped[int | None] = mapped_column(Integer)
    sha256: Mapped[str | None] = mapped_column(String(64))
    # The zip's name in the store.
    stored_name: Mapped[str | None] = mapped_column(String(80), unique=True)

    @property
    def key(self) -> str:
        return key_for("reports", self.stored_name or "")
