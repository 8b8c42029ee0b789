"""Update round pages: the list, opening a round, a round's responses by agency, closing it.

Every signed-in role reads them; an agency lead sees only its own agency's requests and counts. Only
the business unit and administrators open and close rounds."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from tracker import permissions
from tracker.actions.models import Action, ProgressUpdate
from tracker.actions.queries import impact_review_due
from tracker.core.clock import today
from tracker.extensions import db
from tracker.rounds import services
from tracker.rounds.forms import CloseRoundForm, NewRoundForm, RequestFilterForm
from tracker.rounds.models import UpdateRequest, UpdateRound
from tracker.users.models import Agency
from tracker.web.downloads import BATCH, Column, each, export_items
from tracker.web.views import form_status, page_size, parse_id, require, run_service, signed_in_user

bp = Blueprint("rounds", __name__, url_prefix="/update-rounds")


def load_round(round_id: int) -> UpdateRound:
    round_ = db.session.get(UpdateRound, round_id)
    if round_ is None:
        abort(404)
    return round_


def _page() -> int:
    return parse_id(request.args.get("page")) or 1


ROUNDS = select(UpdateRound).order_by(UpdateRound.opened_date.desc(), UpdateRound.id.desc())


@bp.route("/")
def index():
    user = signed_in_user()
    require(permissions.can_view_rounds(user))
    page = db.paginate(ROUNDS, page=_page(), per_page=page_size(), max_per_page=100, error_out=False)
    agency_id = permissions.round_agency_scope(user)
    progress = services.progress_by_round([r.id for r in page.items], agency_id)
    return render_template("rounds/index.html", page=page, progress=progress, own_agency_only=agency_id is not None,
                           empty=services.Progress(0, 0))


ROUND_COLUMNS: list[Column] = [
    ("Round", 40, lambda r: r[0].name),
    ("Opened", 12, lambda r: r[0].opened_date),
    ("Deadline", 12, lambda r: r[0].deadline_date),
    ("Status", 10, lambda r: "Open" if r[0].is_open else "Closed"),
    ("Closed", 12, lambda r: r[0].closed_date),
    ("Asked", 10, lambda r: r[1].requested),
    ("Responded", 10, lambda r: r[1].responded),
    ("Not yet", 10, lambda r: r[1].outstanding),
    ("Response rate (%)", 12, lambda r: r[1].rate),
]


@bp.route("/export.<any(csv, xlsx):fmt>")
def export(fmt: str):
    """Every round, newest first, with the counts the list shows (an agency lead's: their agency's)."""
    user = signed_in_user()
    require(permissions.can_view_rounds(user))
    agency_id = permissions.round_agency_scope(user)

    def rows():
        rounds = db.session.scalars(ROUNDS).all()
        for start in range(0, len(rounds), BATCH):
            batch = rounds[start:start + BATCH]
            progress = services.progress_by_round([r.id for r in batch], agency_id)
            yield from ((r, progress.get(r.id, services.Progress(0, 0))) for r in batch)

    return export_items(fmt, rows(), ROUND_COLUMNS, what="Update rounds",
                        name=f"update-rounds-{today().isoformat()}.{fmt}")


@bp.route("/new", methods=["GET", "POST"])
def new():
    user = signed_in_user()
    require(permissions.can_manage_rounds(user))
    form = NewRoundForm()
    if form.validate_on_submit():
        round_ = run_service(form, lambda: services.open_round(name=form.name.data, deadline=form.deadline.data,
                                                               by=user, today=today()))
        if round_:
            flash(f"Round opened: updates asked for on {services.progress_by_round([round_.id])[round_.id].requested} "
                  "actions.", "success")
            return redirect(url_for("rounds.show", round_id=round_.id))
    return render_template("rounds/new.html", form=form), form_status(form)


def _requests(round_: UpdateRound, scope: int | None):
    """A round's requests as filtered on its page (agency, responded or not), by agency then due date:
    the filter form, the counts by agency and the statement."""
    by_agency = services.progress_by_agency(round_, scope)
    form = RequestFilterForm(request.args)
    form.agency.choices = [("", "All agencies")] + [(str(a.agency_id), a.name) for a in by_agency]
    if form.state.data not in ("outstanding", "responded", "all"):
        form.state.data = "outstanding"
    agency_id = scope if scope is not None else parse_id(form.agency.data)
    stmt = (select(UpdateRequest).where(UpdateRequest.round_id == round_.id)
            .join(Action, Action.id == UpdateRequest.action_id).join(Agency, Agency.id == UpdateRequest.agency_id)
            .options(selectinload(UpdateRequest.action).selectinload(Action.lead),
                     selectinload(UpdateRequest.action).selectinload(Action.review),
                     selectinload(UpdateRequest.action).selectinload(Action.recommendation),
                     selectinload(UpdateRequest.agency), selectinload(UpdateRequest.lead),
                     selectinload(UpdateRequest.update).selectinload(ProgressUpdate.author))
            .order_by(Agency.name, Action.due_date, UpdateRequest.id))
    if agency_id is not None:
        stmt = stmt.where(UpdateRequest.agency_id == agency_id)
    if form.state.data == "outstanding":
        stmt = stmt.where(UpdateRequest.update_id.is_(None))
    elif form.state.data == "responded":
        stmt = stmt.where(UpdateRequest.update_id.is_not(None))
    return form, by_agency, stmt


@bp.route("/<id:round_id>")
def show(round_id: int):
    """Who has and has not responded: counts by agency, then the requests themselves, filtered and paged."""
    user = signed_in_user()
    require(permissions.can_view_rounds(user))
    round_ = load_round(round_id)
    scope = permissions.round_agency_scope(user)
    form, by_agency, stmt = _requests(round_, scope)
    page = db.paginate(stmt, page=_page(), per_page=page_size(), max_per_page=100, error_out=False)
    total = services.Progress(sum(a.progress.requested for a in by_agency),
                              sum(a.progress.responded for a in by_agency))
    # The business unit's side of a round: the impact reviews that fall due by its deadline.
    impact_reviews = (db.session.scalar(select(func.count()).select_from(Action)
                                        .where(impact_review_due(round_.deadline_date)))
                      if permissions.can_view_assurance_queue(user) else 0)
    return render_template("rounds/show.html", round=round_, by_agency=by_agency, total=total, page=page,
                           impact_reviews=impact_reviews,
                           filter_form=form, own_agency_only=scope is not None, close_form=CloseRoundForm(),
                           today=today())


REQUEST_COLUMNS: list[Column] = [
    ("Reference", 24, lambda r: r.action.short_reference),
    ("Review", 16, lambda r: r.action.review.reference),
    ("Action", 60, lambda r: r.action.description),
    ("Agency", 30, lambda r: r.agency.name),
    ("Lead", 24, lambda r: r.action.lead.name if r.action.lead else ""),
    ("Asked of", 24, lambda r: r.lead.name if r.lead else ""),
    ("Due", 12, lambda r: r.action.due_date),
    ("Responded", 12, lambda r: r.responded_date),
    ("Late", 8, lambda r: "Yes" if r.responded_date and r.responded_date > r.round.deadline_date else ""),
    ("Update by", 24, lambda r: r.update.author.name if r.update and r.update.author else ""),
]


@bp.route("/<id:round_id>/export.<any(csv, xlsx):fmt>")
def requests_export(round_id: int, fmt: str):
    """The round's requests as filtered on its page (every row, not one page), by agency then due date."""
    user = signed_in_user()
    require(permissions.can_view_rounds(user))
    round_ = load_round(round_id)
    _, _, stmt = _requests(round_, permissions.round_agency_scope(user))
    return export_items(fmt, each(stmt), REQUEST_COLUMNS, what=round_.name,
                        name=f"update-round-{round_.id}-{today().isoformat()}.{fmt}")


@bp.route("/<id:round_id>/close", methods=["GET", "POST"])
def close(round_id: int):
    user = signed_in_user()
    require(permissions.can_manage_rounds(user))
    round_ = load_round(round_id)
    form = CloseRoundForm()
    if form.validate_on_submit():
        if run_service(form, lambda: services.close_round(round_, by=user, today=today())):
            flash("Round closed. Updates posted from now on are not counted in it.", "success")
            return redirect(url_for("rounds.show", round_id=round_.id))
    progress = services.progress_by_round([round_.id]).get(round_.id, services.Progress(0, 0))
    return render_template("rounds/close.html", form=form, round=round_, progress=progress), form_status(form)
