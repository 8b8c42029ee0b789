"""Imports: upload or paste a review document, correct the draft, confirm it into the review."""


from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from tracker import permissions
from tracker.audit.services import log_event
from tracker.core.clock import today
from tracker.extensions import db
from tracker.imports import cli, limits, plans, services
from tracker.imports import extract as ex
from tracker.imports.forms import DocumentImportForm
from tracker.imports.models import DraftState, ImportDraft
from tracker.reports import tasks
from tracker.reviews.models import Review
from tracker.web.downloads import attachment
from tracker.web.views import attempt, parse_id, require, run_service, signed_in_user

bp = Blueprint("imports", __name__, url_prefix="/imports", cli_group=None)
cli.register(bp)


def _require_importer() -> None:
    require(permissions.can_import(signed_in_user()))


def _max_bytes() -> int:
    return int(current_app.config.get("EVIDENCE_MAX_BYTES", 10 * 1024 * 1024))


def _load_draft(draft_id: int) -> ImportDraft:
    draft = db.session.get(ImportDraft, draft_id)
    if draft is None or draft.user_id != signed_in_user().id:
        abort(404)  # another person's draft is not shown, nor said to exist
    return draft


@bp.route("/", methods=["GET", "POST"])
def new():
    _require_importer()
    form = DocumentImportForm()
    form.file.description = f"{form.file.description}. {limits.describe_document_limits(_max_bytes())}"
    reviews = list(db.session.execute(select(Review.id, Review.reference, Review.title)
                                      .order_by(Review.reference).limit(1000)))
    form.target.choices = [SelectChoice("new", "A new review")] + [
        SelectChoice(str(r.id), f"{r.reference}: {r.title}") for r in reviews]
    if request.method == "GET" and request.args.get("review", "").isdigit():
        form.target.data = request.args["review"]
    drafts = list(db.session.scalars(select(ImportDraft).where(ImportDraft.user_id == signed_in_user().id)
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
            draft = run_service(form, lambda: services.start_draft(
                by=signed_in_user(), filename=upload.filename if data else None, data=data,
                pasted=form.pasted.data or "", review=review,
                new_review={"title": form.title.data, "reference": form.reference.data,
                            "review_type": form.review_type.data}, max_bytes=_max_bytes()))
            if draft:
                tasks.enqueue_reading(draft.id)
                db.session.refresh(draft)
                if draft.state == DraftState.FAILED:  # read at once (immediate queue) and refused
                    form.file.errors = list(form.file.errors) + [draft.error]
                    services.discard_draft(draft)
                    db.session.commit()
                else:
                    if draft.state == DraftState.READY:
                        flash(f"Found {len(draft.items)} items in {draft.original_filename}. Check them before "
                              f"you confirm: nothing has been saved to the review yet.", "success")
                    return redirect(url_for("imports.draft", draft_id=draft.id))
    status = 200 if request.method == "GET" or not form.errors else 422
    return render_template("imports/new.html", form=form, drafts=drafts), status


def _items_from_form() -> list[dict]:
    count = min(parse_id(request.form.get("count")) or 0, 2000)
    return [{"kind": request.form.get(f"items-{i}-kind", ""), "number": request.form.get(f"items-{i}-number", ""),
             "text": request.form.get(f"items-{i}-text", ""), "owner": request.form.get(f"items-{i}-owner", ""),
             "section": request.form.get(f"items-{i}-section", "")} for i in range(count)]


@bp.route("/drafts/<id:draft_id>", methods=["GET", "POST"])
def draft(draft_id: int):
    _require_importer()
    draft = _load_draft(draft_id)
    if draft.state != DraftState.READY:
        if request.method == "POST":
            return redirect(url_for("imports.draft", draft_id=draft.id))
        return render_template("imports/reading.html", draft=draft)
    error = None
    if request.method == "POST":
        operation = request.form.get("op", "save")
        message = services.edit_draft(draft, _items_from_form(), "" if operation in ("save", "confirm") else operation)
        if operation == "confirm":
            summary, refusal = attempt(lambda: services.confirm_draft(draft, by=signed_in_user(), today=today()))
            if refusal:  # keep the corrections made on the page, though the import was refused
                draft = _load_draft(draft_id)
                services.edit_draft(draft, _items_from_form())
                db.session.commit()
                error = refusal.message
            else:
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


@bp.route("/drafts/<id:draft_id>/discard", methods=["POST"])
def discard(draft_id: int):
    _require_importer()
    draft = _load_draft(draft_id)
    services.discard_draft(draft)
    db.session.commit()
    flash("The draft import was discarded. Nothing was saved to any review.", "info")
    return redirect(url_for("imports.new"))


# --- Action plan spreadsheets --------------------------------------------------------------------


from tracker.imports import spreadsheet  # noqa: E402
from tracker.users.models import User  # noqa: E402


def _load_review(review_id: int) -> Review:
    review = db.session.get(Review, review_id)
    if review is None:
        abort(404)
    return review


@bp.route("/plans")
def plan_start():
    _require_importer()
    reviews = list(db.session.execute(select(Review.id, Review.reference, Review.title)
                                      .order_by(Review.reference).limit(1000)))
    return render_template("imports/plan_start.html", reviews=reviews)


@bp.route("/reviews/<id:review_id>/plan", methods=["GET", "POST"])
def plan_upload(review_id: int):
    _require_importer()
    review = _load_review(review_id)
    error = None
    if request.method == "POST":
        upload = request.files.get("file")
        data = upload.read(_max_bytes() + 1) if upload and upload.filename else b""
        draft, refusal = attempt(lambda: services.start_plan_draft(
            by=signed_in_user(), review=review, filename=upload.filename if data else "", data=data,
            max_bytes=_max_bytes()))
        if refusal:
            error = refusal.message
        else:
            return redirect(url_for("imports.plan_preview", draft_id=draft.id))
    return render_template("imports/plan_upload.html", review=review, error=error,
                           limits=limits.describe_plan_limits(_max_bytes())), (422 if error else 200)


@bp.route("/plan-drafts/<id:draft_id>", methods=["GET", "POST"])
def plan_preview(draft_id: int):
    _require_importer()
    draft = _load_draft(draft_id)
    if not draft.new_review.get("plan") or draft.review is None:
        abort(404)
    rows = draft.items
    header = rows[0]
    mapping = spreadsheet.guess_mapping(header)
    if request.method == "POST" and any(name.startswith("map-") for name in request.form):
        mapping = {}
        for key, _ in spreadsheet.FIELDS:
            value = request.form.get(f"map-{key}", "")
            if value.isdigit() and int(value) < len(header):
                mapping[key] = int(value)
    agencies = services.all_agencies()
    users = list(db.session.scalars(select(User).where(User.active.is_(True))))
    checked, refusal = attempt(lambda: spreadsheet.check_rows(rows, mapping, agencies, users), commit=False)
    error = refusal.message if refusal else None
    checked = checked or []
    if request.method == "POST" and request.form.get("op") == "import" and error is None:
        review_id = draft.review_id
        result, refusal = attempt(lambda: _import_plan(draft, checked))
        if refusal:
            draft = _load_draft(draft_id)
            error = refusal.message
        else:
            flash(f"Imported {result['recommendations']} recommendations and {result['actions']} actions; "
                  f"{result['changed']} actions updated, {result['unchanged']} rows unchanged"
                  + (f"; {result['measures']} measures and {result['measurements']} measurements added"
                     if result["measures"] or result["measurements"] else "")
                  + (f"; {result['skipped']} refused rows skipped" if result["skipped"] else "") + ".", "success")
            return redirect(url_for("reviews.show", review_id=review_id))
    # The dry run: the same services, rolled back, so the list is what the import will do.
    outcomes = plans.compare_plan(draft.review, checked, by=signed_in_user(), today=today(), save=False,
                                  sheets=draft.new_review.get("sheets")) if checked else []
    refused = [o for o in outcomes if o.kind == plans.REFUSED]
    counts = {kind: sum(o.kind == kind for o in outcomes) for kind in plans.OUTCOME_LABELS}
    status = 422 if (error and request.method == "POST") else 200
    return render_template("imports/plan_preview.html", draft=draft, header=header, mapping=mapping,
                           fields=spreadsheet.FIELDS, outcomes=outcomes, refused=refused, counts=counts,
                           labels=plans.OUTCOME_LABELS, error=error), status


def _import_plan(draft: ImportDraft, checked: list) -> dict:
    """Save the checked rows into the review; the draft has served its purpose."""
    result = plans.import_plan(draft.review, checked, by=signed_in_user(), today=today(),
                               skip_bad=request.form.get("skip_bad") == "yes", sheets=draft.new_review.get("sheets"))
    db.session.delete(draft)
    return result


@bp.route("/reviews/<id:review_id>/plan.<any(csv, xlsx):fmt>")
def plan_export(review_id: int, fmt: str):
    _require_importer()
    review = _load_review(review_id)
    data = spreadsheet.export_csv(review) if fmt == "csv" else spreadsheet.export_xlsx(review)
    log_event("export", obj=review, summary=f"Action plan of {review.reference} exported as {fmt.upper()}")
    db.session.commit()
    mimetype = "text/csv" if fmt == "csv" else \
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return attachment(data, f"action-plan-{review.reference}.{fmt}", mimetype)
