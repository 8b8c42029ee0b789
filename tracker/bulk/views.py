"""Bulk change pages: choose the change, see exactly what it will do, confirm. Every step re-reads
the actions and re-checks permission; the confirm step commits once (one transaction) and refuses
anything that changed since its preview."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from tracker import permissions
from tracker.bulk import services
from tracker.bulk.forms import OPERATIONS, AgencyActionsForm, BulkChangeForm, ConfirmForm, HandOverForm, choices
from tracker.core.clock import today
from tracker.core.errors import DomainError
from tracker.extensions import db
from tracker.recommendations.models import Recommendation
from tracker.rounds.models import UpdateRound
from tracker.users.models import Agency, Role, User
from tracker.web.forms import GovukDateField
from tracker.web.views import attempt, form_status, parse_id, require, show_error, signed_in_user

bp = Blueprint("bulk", __name__)


def _chosen_ids() -> list[int]:
    return [i for i in (parse_id(v) for v in request.form.getlist("action_id")) if i is not None]


def _versions() -> dict[int, int]:
    """The `id:version` pairs the preview page carried to the confirm button."""
    out = {}
    for value in request.form.getlist("version"):
        action_id, _, version = value.partition(":")
        if parse_id(action_id) is not None and parse_id(version) is not None:
            out[parse_id(action_id)] = parse_id(version)
    return out


def _lead_choices() -> list[tuple[str, str]]:
    leads = db.session.execute(
        select(User.id, User.name, Agency.short_name, Agency.name).join(Agency, Agency.id == User.agency_id)
        .where(User.role == Role.AGENCY_LEAD, User.active.is_(True)).order_by(Agency.name, User.name)).all()
    return choices([("", "Choose the new lead")] + [(str(i), f"{name} ({short or agency})")
                                                    for i, name, short, agency in leads])


def _round_choices() -> list[tuple[str, str]]:
    rounds = db.session.execute(select(UpdateRound.id, UpdateRound.name).where(UpdateRound.closed_date.is_(None))
                                .order_by(UpdateRound.opened_date.desc(), UpdateRound.id.desc())).all()
    return choices([("", "Choose an open round")] + [(str(i), name) for i, name in rounds])


def _bulk_form() -> BulkChangeForm:
    form = BulkChangeForm()
    form.lead_id.choices = _lead_choices()
    form.round_id.choices = _round_choices()
    return form


def _selection(form, user):
    """The chosen actions, or None with the refusal on the form (nothing chosen, too many)."""
    actions, refusal = attempt(lambda: services.load_actions(_chosen_ids(), user), commit=False)
    if refusal is not None:
        show_error(form, refusal)
    return actions


def _preview(form: BulkChangeForm, actions, user) -> services.Preview:
    operation = form.operation.data
    if operation == "lead":
        lead = db.session.get(User, parse_id(form.lead_id.data)) if parse_id(form.lead_id.data) else None
        return services.preview_reassign(actions, lead, user)
    if operation == "due_date":
        return services.preview_move_due_dates(actions, form.due_date.data, form.reason.data or "", user)
    round_ = db.session.get(UpdateRound, parse_id(form.round_id.data)) if parse_id(form.round_id.data) else None
    return services.preview_add_to_round(actions, round_, user)


def _apply(form: BulkChangeForm, actions, user, versions) -> services.Preview:
    operation = form.operation.data
    if operation == "lead":
        lead = db.session.get(User, parse_id(form.lead_id.data)) if parse_id(form.lead_id.data) else None
        return services.apply_reassign(actions, lead, user, versions)
    if operation == "due_date":
        return services.apply_move_due_dates(actions, form.due_date.data, form.reason.data or "", user, versions)
    round_ = db.session.get(UpdateRound, parse_id(form.round_id.data)) if parse_id(form.round_id.data) else None
    return services.apply_add_to_round(actions, round_, user, versions)


def _choose_page(form, actions):
    return render_template("bulk/choose.html", form=form, actions=actions or []), 422 if form.errors else 200


@bp.route("/actions/bulk", methods=["GET", "POST"])
def choose():
    """The selected actions (from the actions list's checkboxes) and what to change about them."""
    user = signed_in_user()
    require(permissions.can_bulk_change(user))
    if request.method == "GET":
        return redirect(url_for("actions.index"))
    form = _bulk_form()
    actions = _selection(form, user)
    if actions is None:
        return render_template("bulk/choose.html", form=form, actions=[]), 422
    return render_template("bulk/choose.html", form=form, actions=actions)


@bp.route("/actions/bulk/preview", methods=["POST"])
def preview():
    """Exactly what the change will do to each action, or why it leaves one alone; nothing changes yet."""
    user = signed_in_user()
    require(permissions.can_bulk_change(user))
    form = _bulk_form()
    actions = _selection(form, user)
    if actions is None or not form.validate():
        return _choose_page(form, actions)
    result, refusal = attempt(lambda: _preview(form, actions, user), commit=False)
    if refusal is not None:
        show_error(form, refusal)
        return _choose_page(form, actions)
    return render_template("bulk/preview.html", form=form, preview=result, confirm=ConfirmForm(),
                           operation=OPERATIONS[form.operation.data])


@bp.route("/actions/bulk/confirm", methods=["POST"])
def confirm():
    """Apply the previewed change in one transaction, or show the fresh preview with the reason why not."""
    user = signed_in_user()
    require(permissions.can_bulk_change(user))
    form = _bulk_form()
    actions = _selection(form, user)
    if actions is None or not form.validate():
        return _choose_page(form, actions)
    result, refusal = attempt(lambda: _apply(form, actions, user, _versions()))
    if refusal is None:
        flash(f"{len(result.changing)} {'action' if len(result.changing) == 1 else 'actions'} changed: "
              f"{OPERATIONS[form.operation.data].lower()}.", "success")
        return redirect(url_for("actions.index"))
    show_error(form, refusal)
    actions = services.load_actions(_chosen_ids(), user)
    fresh, again = attempt(lambda: _preview(form, actions, user), commit=False)
    if again is not None:
        show_error(form, again)
        return _choose_page(form, actions)
    return render_template("bulk/preview.html", form=form, preview=fresh, confirm=ConfirmForm(),
                           operation=OPERATIONS[form.operation.data]), 409


# --- hand over when a person leaves ----------------------------------------------------------------------


def _successor_choices(person: User) -> list[tuple[str, str]]:
    people = db.session.execute(
        select(User.id, User.name, User.email).where(User.active.is_(True), User.id != person.id)
        .order_by(User.name)).all()
    return choices([("", "Choose who takes over")] + [(str(i), f"{name} ({email})") for i, name, email in people])


@bp.route("/admin/users/<id:user_id>/hand-over", methods=["GET", "POST"])
def hand_over(user_id: int):
    """Everything a leaver holds, handed to one successor: preview first, then confirm."""
    user = signed_in_user()
    require(permissions.can_hand_over(user))
    person = db.session.get(User, user_id) or abort(404)
    form = HandOverForm()
    form.successor_id.choices = _successor_choices(person)
    held = services.holdings(person)
    successor = None
    if request.method == "POST" and form.validate():
        successor = db.session.get(User, parse_id(form.successor_id.data)) if parse_id(form.successor_id.data) else None
        if request.form.get("confirm"):
            result, refusal = attempt(lambda: services.hand_over(person, successor, request.form.get("fingerprint", "")))
            if refusal is None:
                flash(f"Everything {person.name} held is now with {successor.name}.", "success")
                return redirect(url_for("admin.edit_user", user_id=person.id))
            show_error(form, refusal)
            held = services.holdings(person)
        else:
            _, refusal = attempt(lambda: services.check_successor(held, successor), commit=False)
            if refusal is not None:
                show_error(form, refusal)
    previewing = successor is not None and not form.errors
    return render_template("bulk/hand_over.html", form=form, person=person, held=held, successor=successor,
                           previewing=previewing, confirm=ConfirmForm()), form_status(form)


# --- one action per agency from a recommendation ---------------------------------------------------------


def _agency_rows(form, agencies: list[Agency]) -> list[services.AgencyRow]:
    """The chosen agencies' rows: `agency` values, with `lead-<id>` and `due-<id>` (day, month, year)."""
    chosen = {parse_id(v) for v in request.form.getlist("agency")}
    rows = []
    for agency in agencies:
        if agency.id not in chosen:
            continue
        lead_id = parse_id(request.form.get(f"lead-{agency.id}"))
        lead = db.session.get(User, lead_id) if lead_id else None
        field = GovukDateField(f"Due date for {agency.name}", required=False).bind(form, f"due-{agency.id}")
        field.process_formdata(request.form.getlist(f"due-{agency.id}"))
        if field._message:
            raise DomainError(field._message, field="agencies")
        rows.append(services.AgencyRow(agency, lead, field.data))
    return rows


@bp.route("/recommendations/<id:recommendation_id>/actions-per-agency", methods=["GET", "POST"])
def per_agency(recommendation_id: int):
    """One action for each chosen agency in one step, each with its lead and due date."""
    user = signed_in_user()
    require(permissions.can_manage_reviews(user))
    recommendation = db.session.get(Recommendation, recommendation_id) or abort(404)
    agencies = list(db.session.scalars(select(Agency).where(Agency.active.is_(True)).order_by(Agency.name)))
    leads = db.session.execute(select(User.id, User.name, User.agency_id).where(
        User.role == Role.AGENCY_LEAD, User.active.is_(True)).order_by(User.name)).all()
    leads_by_agency: dict[int, list] = {}
    for lead_id, name, agency_id in leads:
        leads_by_agency.setdefault(agency_id, []).append((lead_id, name))
    form = AgencyActionsForm()
    rows, previewing = [], False
    if request.method == "POST" and form.validate():
        def check() -> None:  # the rows stay on the page when the check refuses them
            rows.extend(_agency_rows(form, agencies))
            services.check_agency_rows(rows, form.description.data, today())

        _, refusal = attempt(check, commit=False)
        if refusal is not None:
            show_error(form, refusal)
        else:
            if request.form.get("confirm"):
                made, refusal = attempt(lambda: services.create_for_agencies(
                    recommendation, rows, description=form.description.data,
                    success_measure=form.success_measure.data or "", by=user, today=today()))
                if refusal is None:
                    flash(f"{len(made)} actions created on recommendation {recommendation.number}.", "success")
                    return redirect(url_for("recommendations.show", recommendation_id=recommendation.id))
                show_error(form, refusal)
            else:
                previewing = True
    addressed = {a.id for a in recommendation.addressees}
    chosen = {parse_id(v) for v in request.form.getlist("agency")} if request.method == "POST" else addressed
    return render_template("bulk/per_agency.html", form=form, recommendation=recommendation, agencies=agencies,
                           leads_by_agency=leads_by_agency, chosen=chosen, rows=rows, previewing=previewing,
                           confirm=ConfirmForm()), form_status(form)
