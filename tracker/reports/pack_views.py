"""Agency packs: the business unit starts a run (made in the background, progress shown) and downloads
the zip of every agency's pack; each agency lead downloads only their own agency's pack, from the newest
finished run (checked here, on the server, by role and agency)."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from sqlalchemy import select

from tracker import permissions
from tracker.audit.services import log_event
from tracker.core.clock import today
from tracker.core.errors import DomainError
from tracker.extensions import db
from tracker.main.errors import error_page
from tracker.reports.forms import PacksForm
from tracker.reports.models import PackRun, ReportStatus
from tracker.reports.packs import agency_file, request_packs
from tracker.reports.tasks import enqueue_packs
from tracker.storage import NotStored, StorageError
from tracker.users.models import Agency
from tracker.web.downloads import attachment, stored_attachment
from tracker.web.views import require, run_service, signed_in_user

bp = Blueprint("packs", __name__, url_prefix="/agency-packs")
TYPES = {"pdf": "application/pdf",
         "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


def _staff() -> None:
    require(permissions.can_generate_reports(signed_in_user()))


def _load(run_id: int) -> PackRun:
    run = db.session.get(PackRun, run_id)
    if run is None:
        abort(404)
    return run


def latest_done() -> PackRun | None:
    return db.session.scalar(select(PackRun).where(PackRun.status == ReportStatus.DONE)
                             .order_by(PackRun.requested_at.desc(), PackRun.id.desc()).limit(1))


@bp.route("/", methods=["GET", "POST"])
def index():
    _staff()
    form = PacksForm()
    if not form.is_submitted():
        form.as_at.data = today()
    if form.validate_on_submit():
        def start() -> PackRun:
            if form.as_at.data > today():
                raise DomainError("The as at date must be today or in the past.", field="as_at")
            return request_packs(form.as_at.data, signed_in_user().name)

        run = run_service(form, start)
        if run:
            db.session.commit()
            enqueue_packs(run.id)
            flash("The packs are being made. This page shows when they are ready.", "success")
            return redirect(url_for("packs.show", run_id=run.id))
    runs = db.session.scalars(select(PackRun).order_by(PackRun.requested_at.desc(), PackRun.id.desc())
                              .limit(20)).all()
    return render_template("reports/packs.html", form=form, runs=runs,
                           back_href=url_for("reports.index")), (200 if not form.errors else 422)


@bp.get("/<id:run_id>")
def show(run_id: int):
    _staff()
    return render_template("reports/pack_run.html", run=_load(run_id), back_href=url_for("packs.index"))


@bp.get("/<id:run_id>/packs.zip")
def download_zip(run_id: int):
    _staff()
    run = _load(run_id)
    if not run.is_done:
        abort(404)
    return stored_attachment(
        run.key, run.sha256, f"agency-packs-{run.as_at_date.isoformat()}-{run.id}.zip", "application/zip",
        audit=lambda: log_event("report_download", obj=run,
                                summary=f"Downloaded the agency packs of run {run.id} ({run.sha256})"),
        ETag=f'"{run.sha256}"', X_Content_SHA256=run.sha256)


def _mine(kind: str):
    """An agency lead's own agency's pack from the newest finished run. Nobody else's: the agency is the
    signed-in lead's own, never taken from the address."""
    user = signed_in_user()
    require(permissions.can_download_own_pack(user))
    agency = db.session.get(Agency, user.agency_id)
    run = latest_done()
    try:
        content = agency_file(run, agency.id, f".{kind}") if run and agency else None
    except NotStored:
        current_app.logger.error("Agency packs of run %s missing from storage: %s", run.id, run.stored_name)
        abort(404)
    except StorageError as error:
        current_app.logger.error("Agency packs of run %s unreadable: %s", run.id, error.message)
        return error_page("errors/503.html", 503)
    if content is None:
        abort(404)
    log_event("report_download", obj=run, summary=f"Downloaded the {kind.upper()} agency pack of {agency.name}")
    db.session.commit()
    return attachment(content, f"agency-pack-{run.as_at_date.isoformat()}.{kind}", TYPES[kind])


@bp.get("/mine.pdf")
def mine_pdf():
    return _mine("pdf")


@bp.get("/mine.docx")
def mine_docx():
    return _mine("docx")


@bp.get("/mine")
def mine_page():
    user = signed_in_user()
    require(permissions.can_download_own_pack(user))
    agency = db.session.get(Agency, user.agency_id)
    run = latest_done()
    has_pack = bool(run and agency and str(agency.id) in (run.files or {}))
    return render_template("reports/pack_mine.html", run=run, agency=agency, has_pack=has_pack)
