"""Verbs on board reports: request one, generate it (gather, render HTML, lay out the PDF), store it.

The PDF is stored exactly as WeasyPrint produced it, with its SHA-256, and is never changed again: in the
file store (tracker.storage, area `reports`) with its Word version, both written before the row says it
is done (or neither). The partnership's Word template is kept in the store the same way."""

from __future__ import annotations

import hashlib
import io
import secrets
from collections.abc import Callable
from datetime import date

from flask import current_app
from sqlalchemy import select

from tracker.core import lengths
from tracker.core.errors import DomainError
from tracker.core.lengths import cut
from tracker.core.models_base import utcnow
from tracker.extensions import db
from tracker.reports import commentary
from tracker.reports.data import (
    RATED,
    ReportData,
    ReportScope,
    build_report_data,
    resolve_scope,
)
from tracker.reports.docx_render import render_docx
from tracker.reports.models import (
    BoardMeeting,
    BoardReport,
    ReportStatus,
    ReportTemplate,
)
from tracker.reports.render import RenderError, html_to_pdf, render_report_html
from tracker.reports.report_template import TemplateError, check_in_limited_process, check_template
from tracker.settings import load_settings
from tracker.storage import StorageError, key_for, open_verified, put_all_with_row, put_with_row, storage
from tracker.users.models import User

COMMAND_LINE = "command line"
STORE_DOWN = "The report could not be kept: the file store is not answering. Generate it again later."


def request_report(*, as_at: date, today: date, review: str | None = None, agency: str | None = None,
                   theme: str | None = None, by: User | None = None, draft: bool = False,
                   meeting: BoardMeeting | None = None) -> BoardReport:
    """A queued report (or, with `draft`, a draft waiting for its commentary); the filters must name a
    real review, agency and theme (DomainError if not), and the as-at date cannot be in the future:
    nothing is recorded about it yet."""
    if as_at > today:
        raise DomainError("The as at date must be today or in the past.", field="as_at")
    scope = resolve_scope(as_at, review, agency, theme)
    report = BoardReport(
        status=ReportStatus.DRAFT if draft else ReportStatus.QUEUED, as_at_date=scope.as_at, review_reference=scope.review_reference,
        agency_name=scope.agency_name, theme_name=scope.theme_name, requested_by_id=by.id if by else None,
        requested_by_name=by.name if by else COMMAND_LINE, requested_at=utcnow(),
        progress="Draft" if draft else "Waiting to start", commentary={} if draft else None,
        meeting_id=meeting.id if meeting else None,
    )
    db.session.add(report)
    db.session.flush()
    return report


def save_commentary(report: BoardReport, values: dict[str, str | None]) -> dict[str, str]:
    """Keep the draft's commentary (cleaned, bounded: commentary.check). Only a draft can change: a
    published report's words are frozen with its figures."""
    if not report.is_draft:
        raise DomainError("This report has been published: its commentary can no longer change.")
    cleaned, errors = commentary.check(values)
    if errors:
        key, message = next(iter(errors.items()))
        raise DomainError(message, field=key)
    report.commentary = cleaned
    db.session.flush()
    return cleaned


def publish(report: BoardReport) -> BoardReport:
    """The draft, with its commentary as it stands, goes to the queue to be laid out and archived."""
    if not report.is_draft:
        raise DomainError("This report has already been published.")
    report.status = ReportStatus.QUEUED
    report.progress = "Waiting to start"
    db.session.flush()
    return report


def upload_template(filename: str, content: bytes, by: User | None) -> ReportTemplate:
    """Keep the partnership's Word template once it passes the checks (DomainError saying what is wrong
    if not: the default layout stays in use)."""
    try:
        check_in_limited_process(content)
    except TemplateError as error:
        raise DomainError(str(error), field="template") from None
    name = f"report-template-{secrets.token_hex(16)}.docx"
    try:
        written = put_with_row(db.session, key_for("reports", name), io.BytesIO(content))
    except StorageError as error:
        raise DomainError("The template could not be saved: the file store is not answering. The template in use "
                          "has not changed; try again in a few minutes.", field="template") from error
    template = ReportTemplate(filename=(filename or "template.docx")[:255], stored_name=name,
                              sha256=written.sha256, size_bytes=written.size,
                              uploaded_by_id=by.id if by else None, uploaded_at=utcnow())
    db.session.add(template)
    db.session.flush()
    return template


def latest_template() -> ReportTemplate | None:
    return db.session.scalar(select(ReportTemplate).order_by(ReportTemplate.uploaded_at.desc(),
                                                             ReportTemplate.id.desc()).limit(1))


def current_template() -> bytes | None:
    """The newest uploaded template's bytes if they are as uploaded and still pass the checks; otherwise
    None (the default). A store that does not answer raises StorageError: the report fails and says so,
    rather than going out quietly in the default layout."""
    template = latest_template()
    if template is None:
        return None
    content = storage().open(template.key).read_all()
    if hashlib.sha256(content).hexdigest() != template.sha256:
        current_app.logger.warning("report template %s no longer matches its SHA-256: default used", template.id)
        return None
    try:
        check_template(content)
    except TemplateError:
        current_app.logger.warning("report template %s no longer passes the checks: default used", template.id)
        return None
    return content


def scope_of(report: BoardReport) -> ReportScope:
    return resolve_scope(report.as_at_date, report.review_reference, report.agency_name, report.theme_name)


def report_data(report: BoardReport) -> ReportData:
    """The plain data behind a report (also the source of its XLSX and CSV exports)."""
    return build_report_data(scope_of(report), load_settings(),
                             partnership=current_app.config["PARTNERSHIP_NAME"],
                             generated_by=report.requested_by_name, generated_at=report.requested_at)


def generate_report(report: BoardReport, on_progress: Callable[[str], None] = lambda text: None) -> BoardReport:
    """Gather, render and store. On failure the report is marked failed with the reason; never half-stored."""
    report.status = ReportStatus.RUNNING
    report.progress = "Gathering the data (step 1 of 4)"
    on_progress(report.progress)
    try:
        data = report_data(report)
        report.progress = f"Laying out {len(data.actions)} actions as a PDF (step 2 of 4)"
        on_progress(report.progress)
        html = render_report_html(data, report.commentary)
        rendered = html_to_pdf(html)
        report.progress = "Writing the Word version (step 3 of 4)"
        on_progress(report.progress)
        document = render_docx(data, report.commentary, meeting=report.meeting, template=current_template())
    except RenderError as error:
        return _fail(report, str(error))
    except StorageError:
        return _fail(report, STORE_DOWN)
    except Exception as error:  # noqa: BLE001 - the report page must say it failed, whatever the cause
        current_app.logger.exception("board report %s failed", report.id)
        return _fail(report, f"The report could not be generated ({type(error).__name__}).")
    try:
        store_files(report, rendered.pdf, document)
    except StorageError:
        return _fail(report, STORE_DOWN)
    _done(report, pages=rendered.pages, data=data)
    return report


def store_files(report: BoardReport, pdf: bytes, docx: bytes | None = None) -> None:
    """The PDF and its Word version into the file store, both or neither (StorageError), their names,
    sizes and SHA-256 on the row. Named by the row and the content: a report's files never change."""
    names = [f"board-report-{report.id}-{hashlib.sha256(pdf).hexdigest()[:16]}.pdf"]
    items = [(key_for("reports", names[0]), io.BytesIO(pdf))]
    if docx is not None:
        names.append(f"board-report-{report.id}-{hashlib.sha256(docx).hexdigest()[:16]}.docx")
        items.append((key_for("reports", names[1]), io.BytesIO(docx)))
    written = put_all_with_row(db.session, items)
    report.stored_name, report.sha256, report.size_bytes = names[0], written[0].sha256, written[0].size
    if docx is not None:
        report.docx_stored_name, report.docx_sha256, report.docx_size_bytes = \
            names[1], written[1].sha256, written[1].size


def _done(report: BoardReport, *, pages: int, data: ReportData) -> None:
    report.page_count = pages
    report.action_count = len(data.actions)
    report.rating_counts = {r: data.counts[r] for r in RATED + ("none",)}
    report.status = ReportStatus.DONE
    report.progress = "Ready (step 4 of 4)"
    report.finished_at = utcnow()
    db.session.flush()


def _fail(report: BoardReport, message: str) -> BoardReport:
    report.status = ReportStatus.FAILED
    report.error = cut(message, lengths.SYSTEM_TEXT)
    report.progress = "Failed"
    report.finished_at = utcnow()
    db.session.flush()
    return report


def verified_pdf(report: BoardReport) -> bytes:
    """The stored PDF, checked against the SHA-256 taken when it was stored (Damaged if not), in memory:
    for the command line and the tests. The download view streams it (tracker.web.downloads)."""
    with open_verified(report.pdf_key, report.sha256).file as copy:
        return copy.read()


def verified_docx(report: BoardReport) -> bytes:
    """The stored Word version, checked against its SHA-256, in memory."""
    with open_verified(report.docx_key, report.docx_sha256).file as copy:
        return copy.read()


def dashboard_data(day: date) -> ReportData:
    """Today's figures for the dashboard, the same builder and charts as the PDF."""
    return build_report_data(resolve_scope(day), load_settings(), partnership=current_app.config["PARTNERSHIP_NAME"],
                             generated_by="", generated_at=utcnow())
