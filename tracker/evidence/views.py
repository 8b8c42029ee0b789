"""Adding evidence to an action, and serving evidence files only through a permission check."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from werkzeug.exceptions import RequestEntityTooLarge

from tracker import permissions
from tracker.actions.models import Action
from tracker.audit.services import log_event
from tracker.core.clock import today
from tracker.evidence import services
from tracker.evidence.forms import EvidenceForm
from tracker.evidence.models import Evidence
from tracker.extensions import db
from tracker.main.errors import error_page
from tracker.settings import load_settings
from tracker.storage import NotStored, StorageError, storage
from tracker.web.downloads import attachment
from tracker.web.views import parse_id, require, run_service, signed_in_user

bp = Blueprint("evidence", __name__, url_prefix="/evidence")

MB = 1024 * 1024


def max_upload_bytes() -> int:
    """The partnership's setting, never more than the server accepts."""
    from_settings = load_settings().evidence_max_mb * MB
    configured = current_app.config.get("EVIDENCE_MAX_BYTES") or from_settings
    return min(from_settings, configured)


def size_text(max_bytes: int) -> str:
    return f"{max_bytes // MB} MB" if max_bytes >= MB else f"{max(1, max_bytes // 1024)} KB"


def _action_from_args() -> Action | None:
    """The action named by ?action_id=, if it exists and the user may see it."""
    raw = request.args.get("action_id", "")
    action_id = parse_id(raw)
    action = db.session.get(Action, action_id) if action_id is not None else None
    if action is None or not permissions.can_view_action(signed_in_user(), action):
        return None
    return action


def _render(form: EvidenceForm, action: Action, status: int = 200):
    return render_template("evidence/new.html", form=form, action=action, max_text=size_text(max_upload_bytes()),
                           back_href=url_for("actions.show", action_id=action.id)), status


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error):
    """A body over MAX_CONTENT_LENGTH cannot be read at all: show the form again with the limit on
    the file field (what was typed is lost with the body) rather than a bare error page."""
    action = _action_from_args() if request.endpoint == "evidence.new" else None
    if action is None or not permissions.can_add_evidence(signed_in_user(), action):
        return error_page("errors/413.html", 413, max_upload_text=size_text(max_upload_bytes()))
    form = EvidenceForm(formdata=None)
    form.effective_date.data = today()
    form.file.errors = [f"The selected file must be smaller than {size_text(max_upload_bytes())}"]
    return _render(form, action, 413)


@bp.route("/new", methods=["GET", "POST"])
def new():
    user, day = signed_in_user(), today()
    action = _action_from_args()
    if action is None:
        abort(404)
    require(permissions.can_add_evidence(user, action))
    form = EvidenceForm()  # reads the body: a body too large raises RequestEntityTooLarge, handled above
    if request.method == "GET":
        form.effective_date.data = day
    if form.validate_on_submit():
        if run_service(form, lambda: services.add_evidence(
                action, by=user, kind=form.kind.data, title=form.title.data, description=form.description.data,
                effective_date=form.effective_date.data, today=day, upload=form.file.data,
                link_url=form.link_url.data or "", max_bytes=max_upload_bytes())):
            flash("Evidence added.", "success")
            return redirect(url_for("actions.show", action_id=action.id))
    return _render(form, action, 200 if not form.errors else 422)


@bp.route("/<id:evidence_id>/download")
def download(evidence_id: int):
    """Files are served only here, after the same check as the action page, as attachments."""
    evidence = db.session.get(Evidence, evidence_id)
    if evidence is None or not permissions.can_download_evidence(signed_in_user(), evidence):
        abort(404)
    if not evidence.is_file:
        abort(404)
    try:
        opened = storage().open(services.evidence_key(evidence))
    except NotStored:
        current_app.logger.error("Evidence file missing from storage: %s", evidence.stored_name)
        abort(404)
    except StorageError as error:
        current_app.logger.error("Evidence file %s unreadable: %s", evidence.stored_name, error.message)
        return error_page("errors/503.html", 503)
    log_event("evidence_downloaded", obj=evidence, summary=evidence.original_filename or "")
    db.session.commit()
    # The body is the store's stream, chunk by chunk: memory does not grow with the file.
    response = attachment(opened, evidence.original_filename or evidence.stored_name,
                          evidence.content_type or "application/octet-stream", X_Content_Type_Options="nosniff")
    response.content_length = opened.size
    return response
