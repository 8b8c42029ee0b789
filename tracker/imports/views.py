"""Imports: upload or paste a review document, correct the draft, confirm it into the review."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from tracker import permissions
from tracker.clock import today
from tracker.errors import DomainError
from tracker.extensions import db
from tracker.imports import cli, services
from tracker.imports import extract as ex
from tracker.imports.forms import DocumentImportForm
from tracker.imports.models import ImportDraft
from tracker.reviews.models import Review
from tracker.views_common import parse_id

bp = Blueprint("imports", __name__, url_prefix="/imports", cli_group=None)
cli.register(bp)


def _user():
    return current_user._get_current_object()


def _require_importer() -> None:
    if not permissions.can_import(_user()):
        abort(403)


def _max_bytes() -> int:
    return int(current_app.config.get("EVIDENCE_MAX_BYTES", 10 * 1024 * 1024))


def _load_draft(draft_id: int) -> ImportDraft:
    draft = db.session.get(ImportDraft, draft_id)
    if draft is None or draft.user_id != _user().id:
        abort(404)  # another person's draft is not shown, nor said to exist
    return draft


@bp.route("/", methods=["GET", "POST"])
@login_required
def new():
    _require_importer()
    form = DocumentImportForm()
    reviews = list(db.session.execute(select(Review.id, Review.reference, Review.title)
                                      .order_by(Review.reference).limit(1000)))
    form.target.choices = [SelectChoice("new", "A new review")] + [
        SelectChoice(str(r.id), f"{r.reference}: {r.title}") for r in reviews]
    if request.method == "GET" and request.args.get("review", "").isdigit():
        form.target.data = request.args["review"]
    drafts = list(db.session.scalars(select(ImportDraft).where(ImportDraft.user_id == _user().id)
                                     .order_by(ImportDraft.created_at.desc()).limit(20)))
    if form.validate_on_submit():
        review = None
        if form.target.data != "new":
            review = db.session.get(Review, int(form.target.data)) if form.target.data.isdigit() else None
            if review is None:
                form.target.errors = ["Select a review, or a new review"]
        if not form.target.errors:
            upload = form.file.data
            data = upload.read(_max_bytes() + 1) if upload and getattr(upload, "filename", "") else None
            try:
                draft = services.start_draft(
                    by=_user(), filename=upload.filename if data else None, data=data, pasted=form.pasted.data or "",
                    review=review, new_review={"title": form.title.data, "reference": form.reference.data,
                                               "review_type": form.review_type.data}, max_bytes=_max_bytes())
            except DomainError as error:
                db.session.rollback()
                field = error.field if error.field in form else None
                if field:
                    form[field].errors = list(form[field].errors) + [error.message]
                else:
                    form.form_errors.append(error.message)
            else:
                db.session.commit()
                flash(f"Found {len(draft.items)} items in {draft.original_filename}. Check them before you "
                      f"confirm: nothing has been saved to the review yet.", "success")
                return redirect(url_for("imports.draft", draft_id=draft.id))
    status = 200 if request.method == "GET" or not form.errors else 422
    return render_template("imports/new.html", form=form, drafts=drafts), status


def _items_from_form() -> list[dict]:
    count = min(parse_id(request.form.get("count")) or 0, 2000)
    return [{"kind": request.form.get(f"items-{i}-kind", ""), "number": request.form.get(f"items-{i}-number", ""),
             "text": request.form.get(f"items-{i}-text", ""), "owner": request.form.get(f"items-{i}-owner", ""),
             "section": request.form.get(f"items-{i}-section", "")} for i in range(count)]


@bp.route("/drafts/<int:draft_id>", methods=["GET", "POST"])
@login_required
def draft(draft_id: int):
    _require_importer()
    draft = _load_draft(draft_id)
    error = None
    if request.method == "POST":
        operation = request.form.get("op", "save")
        message = services.edit_draft(draft, _items_from_form(), "" if operation in ("save", "confirm") else operation)
        if operation == "confirm":
            try:
                summary = services.confirm_draft(draft, by=_user(), today=today())
            except DomainError as problem:
                db.session.rollback()
                draft = _load_draft(draft_id)
                services.edit_draft(draft, _items_from_form())
                db.session.commit()
                error = problem.message
            else:
                db.session.commit()
                flash(f"Imported: {summary.describe()}.", "success")
                return redirect(url_for("reviews.show", review_id=summary.review.id))
        else:
            db.session.commit()
            flash(message, "info")
            anchor = operation.partition(":")[2]
            return redirect(url_for("imports.draft", draft_id=draft.id) + (f"#item-{anchor}" if anchor.isdigit() else ""))
    agencies = services.all_agencies()
    matches = services.match_owners(draft.items, agencies)
    fallback = services.default_owner(agencies)
    proposals = [services.proposed_actions(item, match) if item.get("kind") != ex.LEARNING_POINT else []
                 for item, match in zip(draft.items, matches)]
    flagged = [n for n, item in enumerate(draft.items) if item.get("doubts")]
    return render_template("imports/draft.html", draft=draft,
                           items=list(enumerate(zip(draft.items, matches, proposals))), flagged=flagged,
                           kinds=ex.KIND_LABELS, agencies=agencies, fallback=fallback, error=error), (422 if error else 200)


@bp.route("/drafts/<int:draft_id>/discard", methods=["POST"])
@login_required
def discard(draft_id: int):
    _require_importer()
    draft = _load_draft(draft_id)
    services.discard_draft(draft)
    db.session.commit()
    flash("The draft import was discarded. Nothing was saved to any review.", "info")
    return redirect(url_for("imports.new"))


# --- Action plan spreadsheets --------------------------------------------------------------------

from flask import Response  # noqa: E402

from tracker.imports import spreadsheet  # noqa: E402
from tracker.users.models import User  # noqa: E402


def _load_review(review_id: int) -> Review:
    review = db.session.get(Review, review_id)
    if review is None:
        abort(404)
    return review


@bp.route("/plans")
@login_required
def plan_start():
    _require_importer()
    reviews = list(db.session.execute(select(Review.id, Review.reference, Review.title)
                                      .order_by(Review.reference).limit(1000)))
    return render_template("imports/plan_start.html", reviews=reviews)


@bp.route("/reviews/<int:review_id>/plan", methods=["GET", "POST"])
@login_required
def plan_upload(review_id: int):
    _require_importer()
    review = _load_review(review_id)
    error = None
    if request.method == "POST":
        upload = request.files.get("file")
        data = upload.read(_max_bytes() + 1) if upload and upload.filename else b""
        try:
            if not data:
                raise DomainError("Select an action plan spreadsheet (.xlsx or .csv)", field="file")
            if len(data) > _max_bytes():
                raise DomainError("The selected file is too big.", field="file")
            ext = upload.filename.lower().rsplit(".", 1)[-1]
            if ext not in ("xlsx", "csv"):
                raise DomainError("The selected file must be an Excel (.xlsx) or CSV file.", field="file")
            services.check_file(f"plan.{ext}", data, _max_bytes())
            rows = spreadsheet.read_rows(upload.filename, data)
        except DomainError as problem:
            error = problem.message
        else:
            import hashlib

            draft = ImportDraft(user_id=_user().id, review_id=review.id, new_review={"plan": True},
                                original_filename=upload.filename[:255], stored_name="", content_type=ext,
                                size_bytes=len(data), sha256=hashlib.sha256(data).hexdigest(), items=rows,
                                warnings=[])
            db.session.add(draft)
            db.session.commit()
            return redirect(url_for("imports.plan_preview", draft_id=draft.id))
    return render_template("imports/plan_upload.html", review=review, error=error), (422 if error else 200)


@bp.route("/plan-drafts/<int:draft_id>", methods=["GET", "POST"])
@login_required
def plan_preview(draft_id: int):
    _require_importer()
    draft = _load_draft(draft_id)
    if not draft.new_review.get("plan") or draft.review is None:
        abort(404)
    rows = draft.items
    header = rows[0]
    mapping = spreadsheet.guess_mapping(header)
    if request.method == "POST":
        mapping = {}
        for key, _ in spreadsheet.FIELDS:
            value = request.form.get(f"map-{key}", "")
            if value.isdigit() and int(value) < len(header):
                mapping[key] = int(value)
    error = None
    checked = []
    agencies = services.all_agencies()
    users = list(db.session.scalars(select(User).where(User.active.is_(True))))
    try:
        checked = spreadsheet.check_rows(rows, mapping, agencies, users)
    except DomainError as problem:
        error = problem.message
    if request.method == "POST" and request.form.get("op") == "import" and error is None:
        try:
            result = spreadsheet.import_plan(draft.review, checked, by=_user(), today=today(),
                                             skip_bad=request.form.get("skip_bad") == "yes")
        except DomainError as problem:
            db.session.rollback()
            draft = _load_draft(draft_id)
            error = problem.message
        else:
            review_id = draft.review_id
            db.session.delete(draft)
            db.session.commit()
            flash(f"Imported {result['recommendations']} recommendations and {result['actions']} actions"
                  + (f"; {result['skipped']} bad rows skipped" if result["skipped"] else "") + ".", "success")
            return redirect(url_for("reviews.show", review_id=review_id))
    bad = [r for r in checked if not r.ok]
    status = 422 if (error and request.method == "POST") else 200
    return render_template("imports/plan_preview.html", draft=draft, header=header, mapping=mapping,
                           fields=spreadsheet.FIELDS, checked=checked, bad=bad, error=error), status


@bp.route("/reviews/<int:review_id>/plan.<any(csv, xlsx):fmt>")
@login_required
def plan_export(review_id: int, fmt: str):
    _require_importer()
    review = _load_review(review_id)
    from tracker.audit.services import log_event

    data = spreadsheet.export_csv(review) if fmt == "csv" else spreadsheet.export_xlsx(review)
    log_event("export", obj=review, summary=f"Action plan of {review.reference} exported as {fmt.upper()}")
    db.session.commit()
    mimetype = "text/csv" if fmt == "csv" else \
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    name = "".join(c if c.isalnum() or c in "-_" else "-" for c in review.reference)
    return Response(data, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="action-plan-{name}.{fmt}"'})
