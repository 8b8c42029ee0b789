"""Board report pages: the archive, generating a report (in the background), its progress page,
downloads of the stored PDF and the XLSX and CSV exports, and the dashboard of charts.

Board members and the scrutineer list and download; only the business unit and admins generate."""

from flask import abort, current_app, flash, redirect, render_template, url_for
from sqlalchemy import select

from tracker import permissions
from tracker.audit.services import log_event
from tracker.core.clock import today
from tracker.extensions import db
from tracker.reports import exports, services
from tracker.reports.blueprint import bp, load_report
from tracker.reports.charts import report_charts
from tracker.reports.forms import NewReportForm
from tracker.reports.models import BoardMeeting, BoardReport, ReportStatus
from tracker.reports.tasks import enqueue_report
from tracker.reviews.models import Review
from tracker.themes.models import Theme
from tracker.users.models import Agency, AgencyKind
from tracker.web.downloads import attachment, stored_attachment
from tracker.web.filters import govuk_date
from tracker.web.views import require, run_service, signed_in_user


def _page_size() -> int:
    return max(1, min(int(current_app.config.get("PAGE_SIZE", 25)), 100))


@bp.get("/")
def index():
    page = db.paginate(select(BoardReport).order_by(BoardReport.requested_at.desc(), BoardReport.id.desc()),
                       per_page=_page_size(), error_out=False)
    return render_template("reports/index.html", page=page, ReportStatus=ReportStatus)


def _choices(form: NewReportForm) -> None:
    form.review.choices = [("", "All reviews")] + [
        (ref, f"{ref}: {title}") for ref, title in
        db.session.execute(select(Review.reference, Review.title).order_by(Review.reference))]
    form.agency.choices = [("", "All agencies")] + [
        (name, name) for (name,) in db.session.execute(
            select(Agency.name).where(Agency.kind != AgencyKind.NATIONAL).order_by(Agency.name))]
    form.theme.choices = [("", "All themes")] + [
        (name, name) for (name,) in db.session.execute(select(Theme.name).order_by(Theme.name))]
    form.meeting.choices = [("", "No meeting")] + [
        (str(meeting_id), f"{title}, {govuk_date(day)}") for meeting_id, title, day in db.session.execute(
            select(BoardMeeting.id, BoardMeeting.title, BoardMeeting.meeting_date)
            .where(BoardMeeting.meeting_date >= today()).order_by(BoardMeeting.meeting_date).limit(50))]


@bp.route("/new", methods=["GET", "POST"])
def new():
    require(permissions.can_generate_reports(signed_in_user()))
    form = NewReportForm()
    _choices(form)
    if not form.is_submitted():
        form.as_at.data = today()
    if form.validate_on_submit():
        draft = bool(form.draft.data)
        chosen = form.meeting.data or ""
        meeting = db.session.get(BoardMeeting, int(chosen)) if chosen.isdigit() and len(chosen) < 10 else None
        report = run_service(form, lambda: services.request_report(
            as_at=form.as_at.data, today=today(), review=form.review.data or None, agency=form.agency.data or None,
            theme=form.theme.data or None, by=signed_in_user(), draft=draft, meeting=meeting))
        if report and draft:
            db.session.commit()
            flash("The draft is started. Write the commentary, preview it, then publish it.", "success")
            return redirect(url_for("reports.commentary_page", report_id=report.id))
        if report:
            enqueue_report(report.id)
            flash("The report is being generated. This page shows when it is ready.", "success")
            return redirect(url_for("reports.show", report_id=report.id))
    return render_template("reports/new.html", form=form, back_href=url_for("reports.index")), \
        (200 if not form.errors else 422)


@bp.get("/<id:report_id>")
def show(report_id: int):
    report = load_report(report_id)
    return render_template("reports/show.html", report=report, back_href=url_for("reports.index"))


@bp.get("/<id:report_id>/report.pdf")
def download(report_id: int):
    report = load_report(report_id)
    if report.status != ReportStatus.DONE:
        abort(404)
    return stored_attachment(
        report.pdf_key, report.sha256, report.filename, "application/pdf",
        audit=lambda: log_event("report_download", obj=report,
                                summary=f"Downloaded board report {report.id} ({report.sha256})"),
        ETag=f'"{report.sha256}"', X_Content_SHA256=report.sha256)


def _export(report_id: int, kind: str):
    report = load_report(report_id)
    data = services.report_data(report)
    if kind == "csv":
        body, mimetype = exports.to_csv(data), "text/csv; charset=utf-8"
    else:
        body, mimetype = exports.to_xlsx(data), \
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    log_event("report_export", obj=report, summary=f"Exported the actions of board report {report.id} as {kind}")
    db.session.commit()
    return attachment(body, exports.filename(data, kind), mimetype)


@bp.get("/<id:report_id>/actions.csv")
def export_csv(report_id: int):
    return _export(report_id, "csv")


@bp.get("/<id:report_id>/actions.xlsx")
def export_xlsx(report_id: int):
    return _export(report_id, "xlsx")


@bp.get("/dashboard")
def dashboard():
    data = services.dashboard_data(today())
    return render_template("reports/dashboard.html", data=data, charts=report_charts(data, prefix="dash"))


from tracker.reports import paper_views  # noqa: F401 - its routes are on this blueprint
from tracker.reports.cli import register as _register_cli  # noqa: E402

_register_cli(bp)
