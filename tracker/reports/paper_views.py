"""Board papers: a draft's commentary, its preview, publishing; the Word version and the web version of
a published report; the partnership's Word template.

The business unit and admins write and publish; every reader of reports downloads and reads."""

from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from tracker import permissions
from tracker.audit.services import log_event
from tracker.core.clock import today
from tracker.extensions import db
from tracker.reports import commentary, schedule, services
from tracker.reports.blueprint import bp, load_report
from tracker.reports.charts import report_charts
from tracker.reports.forms import CommentaryForm, MeetingForm, TemplateForm
from tracker.reports.models import BoardMeeting, BoardReport, ReportStatus
from tracker.reports.render import commentary_context
from tracker.reports.report_template import MAX_BYTES
from tracker.reports.tasks import enqueue_report
from tracker.web.downloads import stored_attachment
from tracker.web.views import require, run_service, signed_in_user

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _staff() -> None:
    require(permissions.can_generate_reports(signed_in_user()))


@bp.route("/<id:report_id>/commentary", methods=["GET", "POST"])
def commentary_page(report_id: int):
    _staff()
    report = load_report(report_id)
    if not report.is_draft:
        flash("This report has been published: its commentary can no longer change.", "success")
        return redirect(url_for("reports.show", report_id=report.id))
    form = CommentaryForm()
    if not form.is_submitted():
        for key, text in (report.commentary or {}).items():
            if key in form:
                form[key].data = text
    if form.validate_on_submit():
        values = {key: form[key].data for key in commentary.FIELDS}
        saved = run_service(form, lambda: services.save_commentary(report, values))
        if saved is not None and form.publish.data:
            saved = run_service(form, lambda: services.publish(report))
            if saved is not None:
                db.session.commit()
                enqueue_report(report.id)
                flash("The report is published and being generated. This page shows when it is ready.", "success")
                return redirect(url_for("reports.show", report_id=report.id))
        elif saved is not None:
            db.session.commit()
            flash("The commentary is saved.", "success")
            return redirect(url_for("reports.commentary_page", report_id=report.id))
    return render_template("reports/commentary.html", form=form, report=report, fields=commentary.FIELDS,
                           limits={key: commentary.limit_for(key) for key in commentary.FIELDS},
                           back_href=url_for("reports.show", report_id=report.id)), (200 if not form.errors else 422)


def _page(report: BoardReport, *, preview: bool):
    data = services.report_data(report)
    title = ("Preview: board report as at " if preview else "Board report as at ") + \
        f"{report.as_at_date.day} {report.as_at_date:%B %Y}"
    return render_template("reports/board_report_page.html", data=data, report=report, preview=preview,
                           charts=report_charts(data, prefix="web"), page_title=title,
                           back_href=url_for("reports.show", report_id=report.id),
                           **commentary_context(report.commentary))


@bp.get("/<id:report_id>/preview")
def preview(report_id: int):
    """The draft as it will read, in the browser: today's figures for its date and the saved commentary."""
    _staff()
    report = load_report(report_id)
    if not report.is_draft:
        return redirect(url_for("reports.web_version", report_id=report.id))
    return _page(report, preview=True)


@bp.get("/<id:report_id>/report.html")
def web_version(report_id: int):
    """The accessible web version of a published report: the same sections, headings and tables as the
    PDF, with the commentary it was published with."""
    report = load_report(report_id)
    if report.status != ReportStatus.DONE:
        abort(404)
    return _page(report, preview=False)


@bp.get("/<id:report_id>/report.docx")
def download_docx(report_id: int):
    report = load_report(report_id)
    if report.status != ReportStatus.DONE or not report.docx_stored_name:
        abort(404)
    return stored_attachment(
        report.docx_key, report.docx_sha256, report.filename.removesuffix(".pdf") + ".docx", DOCX_TYPE,
        audit=lambda: log_event("report_download", obj=report, summary=f"Downloaded the Word version of board "
                                f"report {report.id} ({report.docx_sha256})"),
        ETag=f'"{report.docx_sha256}"', X_Content_SHA256=report.docx_sha256)


@bp.route("/template", methods=["GET", "POST"])
def template():
    _staff()
    form = TemplateForm()
    if form.validate_on_submit():
        upload = request.files.get("template")
        if upload is None or not upload.filename:
            form.template.errors = [*form.template.errors, "Select a Word document (.docx)"]
        else:
            content = upload.read(MAX_BYTES + 1)
            saved = run_service(form, lambda: services.upload_template(upload.filename, content, signed_in_user()))
            if saved is not None:
                db.session.commit()
                flash("The template is saved: reports published from now on use it.", "success")
                return redirect(url_for("reports.template"))
    return render_template("reports/template.html", form=form, current=services.latest_template(),
                           back_href=url_for("reports.index")), (200 if not form.errors else 422)


@bp.route("/meetings", methods=["GET", "POST"])
def meetings():
    """Board meeting dates: each one's papers are prepared its chosen number of days before it."""
    _staff()
    form = MeetingForm()
    if form.validate_on_submit():
        meeting = run_service(form, lambda: schedule.add_meeting(
            form.meeting_date.data, form.title.data, form.draft_days_before.data, today()))
        if meeting is not None:
            db.session.commit()
            flash(f"The meeting is added: its papers are prepared on {meeting.draft_date.day} "
                  f"{meeting.draft_date:%B %Y}.", "success")
            return redirect(url_for("reports.meetings"))
    rows = db.session.execute(
        select(BoardMeeting, BoardReport.id).outerjoin(BoardReport, BoardReport.meeting_id == BoardMeeting.id)
        .where(BoardMeeting.meeting_date >= today() - timedelta(days=120))
        .order_by(BoardMeeting.meeting_date, BoardReport.id).limit(60)).all()
    drafts: dict[int, int] = {}
    listed: dict[int, BoardMeeting] = {}
    for meeting, report_id in rows:
        listed.setdefault(meeting.id, meeting)
        if report_id is not None:
            drafts.setdefault(meeting.id, report_id)
    return render_template("reports/meetings.html", form=form, meetings=list(listed.values()), drafts=drafts, today=today(),
                           back_href=url_for("reports.index")), (200 if not form.errors else 422)
