"""Action pages: the action page, creating and editing, and one form per workflow verb (the lists are
in list_views.py, on the same blueprint).

Each view loads the action (404 when missing or another agency's, so nothing leaks), checks a
predicate from tracker.permissions (403), calls one service, commits once and redirects."""

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from tracker import permissions
from tracker.actions import services
from tracker.actions.blueprint import back_href, bp, load_action
from tracker.actions.forms import (
    CloseForm,
    DecisionForm,
    DueDateDecisionForm,
    DueDateForm,
    DueDateRequestForm,
    EditActionForm,
    EmptyForm,
    ImpactReviewForm,
    NewActionForm,
    ProgressForm,
    SubmitForm,
    choices,
)
from tracker.actions.models import (
    Action,
    ActionStatus,
    AssuranceDecision,
    DueDateChange,
    DueDateRequest,
    ImpactReview,
    ProgressUpdate,
    StatusChange,
)
from tracker.actions.queries import submission_context
from tracker.actions.ratings import rate
from tracker.challenges.services import live_challenges_on
from tracker.core.clock import today
from tracker.evidence.models import Evidence
from tracker.extensions import db
from tracker.measures.rules import standings
from tracker.measures.services import (
    MeasurementFields,
    measures_for_action,
    record_impact_review,
)
from tracker.recommendations.models import Recommendation
from tracker.reminders.models import ReminderItem, ReminderMessage
from tracker.rounds.models import UpdateRequest
from tracker.settings import load_settings
from tracker.users.models import Agency, AgencyKind, Role, User
from tracker.web import conflicts
from tracker.web.views import (
    attempt,
    form_status,
    parse_id,
    require,
    run_service,
    signed_in_user,
)

#: The latest reminders listed on an action's page.
REMINDERS_SHOWN = 20
SECTION_LABELS = {"overdue": "Overdue", "at_risk": "Due soon", "update_requested": "Update requested"}


# --- the action page -------------------------------------------------------------------------------------


@bp.route("/<id:action_id>")
def show(action_id: int):
    day, settings = today(), load_settings()
    # The action's own references joined into its query (one each, so no rows multiply: five queries
    # fewer than a selectinload each, 11.9 -> 10.6 ms of CPU a request on the ten-year data). Each
    # history collection in one query, with its people and rounds joined into it: a nested selectinload
    # would add a query only when some row has one, so the page's query count would depend on the
    # action's history (the benchmark checks it does not).
    action = load_action(
        action_id,
        joinedload(Action.recommendation), joinedload(Action.review), joinedload(Action.owner_agency),
        joinedload(Action.lead), joinedload(Action.submitted_by),
        selectinload(Action.updates).joinedload(ProgressUpdate.author),
        selectinload(Action.updates).joinedload(ProgressUpdate.round),
        selectinload(Action.evidence).joinedload(Evidence.supplied_by),
        selectinload(Action.decisions).joinedload(AssuranceDecision.decided_by),
        selectinload(Action.due_date_changes).joinedload(DueDateChange.changed_by),
        selectinload(Action.status_changes).joinedload(StatusChange.changed_by),
        selectinload(Action.due_date_requests).joinedload(DueDateRequest.requested_by),
        selectinload(Action.due_date_requests).joinedload(DueDateRequest.decided_by),
        selectinload(Action.impact_reviews).joinedload(ImpactReview.recorded_by),
    )
    reminders: dict[int, tuple[ReminderMessage, list[str]]] = {}  # one row per message, with its headings
    for message, section in db.session.execute(
            select(ReminderMessage, ReminderItem.section)
            .join(ReminderItem, ReminderItem.message_id == ReminderMessage.id)
            .where(ReminderItem.action_id == action.id)
            .order_by(ReminderMessage.sent_at.desc(), ReminderMessage.id.desc())
            .limit(len(SECTION_LABELS) * (REMINDERS_SHOWN + 1))):
        reminders.setdefault(message.id, (message, []))[1].append(SECTION_LABELS.get(section, section))
    reminders = list(reminders.values())
    requests = db.session.scalars(
        select(UpdateRequest).where(UpdateRequest.action_id == action.id)
        .options(joinedload(UpdateRequest.round)).order_by(UpdateRequest.id.desc()).limit(5)).all()
    return render_template(
        "actions/show.html", action=action, rating=rate(action, day, settings), settings=settings, today=day,
        challenges=live_challenges_on(signed_in_user(), action_id=action.id),
        reminders=reminders[:REMINDERS_SHOWN], more_reminders=len(reminders) > REMINDERS_SHOWN,
        requests=requests, measures=measures_for_action(action),
        pending_request=services.pending_due_date_request(action),
        latest_request=action.due_date_requests[-1] if action.due_date_requests else None,
        review_href=url_for("reviews.show", review_id=action.review_id),
        recommendation_href=url_for("recommendations.show", recommendation_id=action.recommendation_id),
    )


# --- create and edit -------------------------------------------------------------------------------------


def _owner_choices():
    agencies = db.session.scalars(select(Agency).where(Agency.active.is_(True)).order_by(Agency.name)).all()
    return choices([("", "Choose an owner")] + [(str(a.id), a.name) for a in agencies])


def _lead_choices(include: User | None = None):
    leads = db.session.scalars(
        select(User).join(User.agency).where(User.role == Role.AGENCY_LEAD, User.active.is_(True))
        .order_by(Agency.name, User.name)
    ).all()
    if include is not None and include not in leads:
        leads.append(include)
    return choices([("", "No lead yet")] + [
        (str(u.id), f"{u.name} ({u.agency.short_name or u.agency.name})" if u.agency else u.name) for u in leads])


def _chosen(form) -> tuple[Agency | None, User | None]:
    owner = db.session.get(Agency, int(form.owner_agency_id.data)) if parse_id(form.owner_agency_id.data) else None
    lead = db.session.get(User, int(form.lead_id.data)) if parse_id(form.lead_id.data) else None
    return owner, lead


@bp.route("/new", methods=["GET", "POST"])
def new():
    user = signed_in_user()
    require(permissions.can_manage_reviews(user))
    recommendation = db.session.get(Recommendation, parse_id(request.args.get("recommendation_id")) or 0,
                                    options=[selectinload(Recommendation.addressees),
                                             selectinload(Recommendation.review)])
    if recommendation is None:
        abort(404)
    form = NewActionForm()
    form.owner_agency_id.choices = _owner_choices()
    form.lead_id.choices = _lead_choices()
    if request.method == "GET":
        first = next((a for a in recommendation.addressees if a.kind == AgencyKind.AGENCY and a.active), None)
        form.owner_agency_id.data = str(first.id) if first else ""
        form.open_now.data = True
    if form.validate_on_submit():
        owner, lead = _chosen(form)
        action = run_service(form, lambda: services.create_action(
            recommendation, description=form.description.data, owner=owner, lead=lead,
            due_date=form.due_date.data, success_measure=form.success_measure.data or "", by=user,
            today=today(), open_now=form.open_now.data, new_work=True, confirmed=form.confirm_far_date.data))
        if action:
            flash("Action created." if form.open_now.data else "Action saved as a draft.", "success")
            return redirect(back_href(action))
    return render_template("actions/new.html", form=form, recommendation=recommendation,
                           back_href=url_for("reviews.show", review_id=recommendation.review_id)), form_status(form)


@bp.route("/<id:action_id>/edit", methods=["GET", "POST"])
def edit(action_id: int):
    user = signed_in_user()
    action = load_action(action_id)
    form = EditActionForm(obj=action if request.method == "GET" else None)
    form.owner_agency_id.choices = _owner_choices()
    form.lead_id.choices = _lead_choices(include=action.lead)
    if refused := _moved_on(user, action, permissions.can_edit_action(user, action), permissions.is_staff(user),
                            form, "actions/edit.html"):
        return refused
    if request.method == "GET":
        form.owner_agency_id.data = str(action.owner_agency_id)
        form.lead_id.data = str(action.lead_id) if action.lead_id else ""
        conflicts.stamp(form, action)
    if form.validate_on_submit():
        owner, lead = _chosen(form)
        if conflicts.save_edit(form, action, lambda: services.edit_action(
                action, description=form.description.data, owner=owner, lead=lead,
                success_measure=form.success_measure.data or ""),
                reload=lambda: load_action(action_id), kind="action", title=f"Edit action {action_id}",
                back_href=back_href(action)):
            flash("Action updated.", "success")
            return redirect(back_href(action))
    return render_template("actions/edit.html", form=form, action=action, back_href=back_href(action)), form_status(form)


@bp.route("/<id:action_id>/due-date", methods=["GET", "POST"])
def move_due_date(action_id: int):
    user = signed_in_user()
    action = load_action(action_id)
    form = DueDateForm()
    if refused := _moved_on(user, action, permissions.can_move_due_date(user, action), permissions.is_staff(user),
                            form, "actions/due_date.html"):
        return refused
    if form.validate_on_submit():
        if run_service(form, lambda: services.move_due_date(action, form.due_date.data, form.reason.data, user,
                                                           today(), confirmed=form.confirm_far_date.data)):
            flash("Due date moved.", "success")
            return redirect(back_href(action))
    return render_template("actions/due_date.html", form=form, action=action, back_href=back_href(action)), form_status(form)


# --- the workflow ----------------------------------------------------------------------------------------


@bp.route("/<id:action_id>/update", methods=["GET", "POST"])
def update(action_id: int):
    user, day, settings = signed_in_user(), today(), load_settings()
    action = load_action(action_id)
    form = ProgressForm()
    form.set_labels(settings)
    if refused := _moved_on(user, action, permissions.can_update_progress(user, action), _works_on(user, action),
                            form, "actions/update.html"):
        return refused
    if request.method == "GET":
        form.update_date.data = day
    if form.validate_on_submit():
        if run_service(form, lambda: services.record_progress(
                action, by=user, narrative=form.narrative.data, proposed_rating=form.proposed_rating.data,
                update_date=form.update_date.data, today=day)):
            flash("Update posted.", "success")
            return redirect(back_href(action))
    return render_template("actions/update.html", form=form, action=action, back_href=back_href(action)), form_status(form)


@bp.route("/<id:action_id>/submit", methods=["GET", "POST"])
def submit(action_id: int):
    user = signed_in_user()
    action = load_action(action_id, selectinload(Action.evidence).selectinload(Evidence.supplied_by))
    form = SubmitForm()
    if refused := _moved_on(user, action, permissions.can_submit(user, action), _works_on(user, action),
                            form, "actions/submit.html"):
        return refused
    if form.validate_on_submit():
        if run_service(form, lambda: services.submit_for_assurance(action, user, today(), note=form.note.data or "")):
            flash("Action submitted for assurance.", "success")
            return redirect(back_href(action))
    return render_template("actions/submit.html", form=form, action=action, back_href=back_href(action)), form_status(form)


CHANGED_MEANWHILE = ("Someone else changed this action while you were working on it: it is now {status}. "
                     "Open the action to see what changed.")


def _moved_on(user: User, action: Action, allowed: bool, may_work_on_it: bool, form, template: str):
    """Two people act on one action at once (one submits while the other posts an update, one closes
    while the other moves its date): the loser, who may still work on the action and is refused only
    because its status moved on, gets the form again with what they typed and a message, not a bare
    403. (On SQLite the second request waits and reads the moved action; on PostgreSQL the version
    check stops it at its write: run_service's `changed_meanwhile`.) None when the request may go on."""
    if allowed:
        return None
    if request.method == "POST" and may_work_on_it:
        form.form_errors.append(CHANGED_MEANWHILE.format(status=action.status_label.lower()))
        return render_template(template, form=form, action=action, back_href=back_href(action)), 422
    abort(403)


def _works_on(user: User, action: Action) -> bool:
    return permissions.is_staff(user) or permissions.is_own_agency(user, action)


ALREADY_DECIDED = "Someone else has already accepted or returned this action. Open the action to see their decision."


def _decided_meanwhile(user: User, action: Action) -> bool:
    """Two officers decide the same action at once: the second is told it was decided, with what they
    typed still on the form, rather than refused (403) for an action no longer waiting. (On SQLite the
    second request waits for the first and reads the decided action; on PostgreSQL both read it waiting
    and the version check stops the second at its write: run_service's `changed_meanwhile`.)"""
    return (request.method == "POST" and permissions.is_staff(user) and action.status != ActionStatus.SUBMITTED
            and bool(action.decisions))


@bp.route("/<id:action_id>/decide", methods=["GET", "POST"])
def decide(action_id: int):
    user = signed_in_user()
    action = load_action(action_id, selectinload(Action.evidence).selectinload(Evidence.supplied_by))
    form = DecisionForm()
    if not form.is_submitted():
        form.impact_review_months.data = str(load_settings().impact_review_months)
    if _decided_meanwhile(user, action):
        form.form_errors.append(ALREADY_DECIDED)
        return render_template("actions/decide.html", form=form, action=action,
                               back_href=back_href(action)), form_status(form)
    require(permissions.can_decide(user, action))
    if form.validate_on_submit():
        accept = form.decision.data == "accept"
        months = form.impact_review_months.number
        months = load_settings().impact_review_months if months is None else months
        if run_service(form, lambda: services.accept_action(action, user, form.reason.data, today(), months,
                                                            justification=form.justification.data or "")
                       if accept else services.return_action(action, user, form.reason.data, today()),
                       changed_meanwhile=ALREADY_DECIDED):
            flash("Action accepted as assured." if form.decision.data == "accept"
                  else "Action returned to the agency.", "success")
            return redirect(back_href(action))
    return render_template("actions/decide.html", form=form, action=action, back_href=back_href(action),
                           standings=standings(action.id, action.recommendation_id),
                           submission=submission_context(action)), form_status(form)


@bp.route("/<id:action_id>/close", methods=["GET", "POST"])
def close(action_id: int):
    user = signed_in_user()
    action = load_action(action_id)
    form = CloseForm()
    if refused := _moved_on(user, action, permissions.can_withdraw(user, action), permissions.is_staff(user),
                            form, "actions/close.html"):
        return refused
    if form.validate_on_submit():
        if run_service(form, lambda: services.close_action(
                action, ActionStatus(form.status.data), user, form.reason.data, today())):
            flash(f"Action {ActionStatus(form.status.data).label.lower()}.", "success")
            return redirect(back_href(action))
    return render_template("actions/close.html", form=form, action=action, back_href=back_href(action)), form_status(form)


@bp.route("/<id:action_id>/open", methods=["POST"], endpoint="open")
def open_action(action_id: int):
    user = signed_in_user()
    action = load_action(action_id)
    require(permissions.can_open(user, action))
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    _, refusal = attempt(lambda: services.move_status(action, ActionStatus.OPEN, user, today=today()))
    if refusal is None:
        flash("Action opened.", "success")
    else:
        flash(refusal.message, "error")
    return redirect(back_href(action))


# --- due-date requests ---------------------------------------------------------------------------------


@bp.route("/<id:action_id>/due-date-request", methods=["GET", "POST"])
def request_due_date(action_id: int):
    """The agency lead asks the business unit for a new due date; one request waits at a time."""
    user, day = signed_in_user(), today()
    action = load_action(action_id, selectinload(Action.due_date_requests))
    require(permissions.can_request_due_date(user, action))
    form = DueDateRequestForm()
    pending = services.pending_due_date_request(action)
    if form.validate_on_submit():
        if run_service(form, lambda: services.request_due_date(action, form.due_date.data, form.reason.data,
                                                                 user, day, confirmed=form.confirm_far_date.data)):
            flash("Your request for a new due date has been sent to the business unit.", "success")
            return redirect(back_href(action))
    return render_template("actions/due_date_request.html", form=form, action=action, pending=pending,
                           back_href=back_href(action)), form_status(form)


@bp.route("/<id:action_id>/due-date-request/decision", methods=["GET", "POST"])
def decide_due_date(action_id: int):
    """The business unit approves (the date moves, into the history) or declines with a note."""
    user = signed_in_user()
    action = load_action(action_id, selectinload(Action.due_date_requests).selectinload(DueDateRequest.requested_by))
    require(permissions.can_decide_due_date_requests(user))
    pending = services.pending_due_date_request(action)
    if pending is None:
        flash("There is no request for a new due date waiting on this action.", "info")
        return redirect(back_href(action))
    form = DueDateDecisionForm()
    if form.validate_on_submit():
        approve = form.decision.data == "approve"
        if run_service(form, lambda: services.approve_due_date_request(pending, user, form.note.data or "")
                       if approve else services.decline_due_date_request(pending, user, form.note.data or "")):
            flash("Request approved: the due date has moved." if approve else "Request declined.", "success")
            return redirect(url_for("actions.due_date_requests"))
    return render_template("actions/due_date_decision.html", form=form, action=action, pending=pending,
                           back_href=url_for("actions.due_date_requests")), form_status(form)


@bp.route("/<id:action_id>/impact-review", methods=["GET", "POST"])
def impact_review(action_id: int):
    """The business unit records whether the change has lasted."""
    user, day = signed_in_user(), today()
    action = load_action(action_id, selectinload(Action.impact_reviews))
    require(permissions.can_record_impact_review(user, action))
    form = ImpactReviewForm()
    measures = {m.id: m for m in measures_for_action(action)}
    form.measure_id.choices = choices([("", "None re-measured")] + [(str(i), m.description) for i, m in measures.items()])
    if form.validate_on_submit():
        measure, reading = measures.get(parse_id(form.measure_id.data)), None
        if measure is not None:
            reading = MeasurementFields(measured_date=day, value=form.value.number,
                                        sample_size=form.sample_size.number, source=form.source.data or "")
        if run_service(form, lambda: record_impact_review(
                action, outcome=form.outcome.data, note=form.note.data or "",
                next_review_date=form.next_review_date.data, by=user, today=day,
                new_due_date=form.new_due_date.data, measure=measure, reading=reading)):
            flash("Impact review recorded.", "success")
            return redirect(back_href(action))
    return render_template("actions/impact_review.html", form=form, action=action, today=day,
                           back_href=back_href(action), measures=list(measures.values())), form_status(form)


from tracker.actions import list_views  # noqa: E402, F401 - its routes are on this blueprint
