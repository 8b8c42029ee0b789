"""A lead names a deputy for a period from their account; both are told by email."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from tracker import permissions
from tracker.core.clock import today
from tracker.deputies import services
from tracker.deputies.forms import DeputyForm
from tracker.deputies.models import Deputy
from tracker.extensions import db
from tracker.reminders.mail import external_url
from tracker.reminders.notices import Notice, send_notices
from tracker.users.models import Agency, Role, User
from tracker.web.filters import govuk_date
from tracker.web.views import attempt, form_status, parse_id, require, run_service, signed_in_user

bp = Blueprint("deputies", __name__, url_prefix="/account/deputies")


def _deputy_choices(lead: User) -> list[SelectChoice]:
    people = db.session.execute(
        select(User.id, User.name, Agency.short_name, Agency.name).join(Agency, Agency.id == User.agency_id)
        .where(User.role == Role.AGENCY_LEAD, User.active.is_(True), User.id != lead.id)
        .order_by(Agency.name, User.name)).all()
    return [SelectChoice("", "Choose your deputy")] + [
        SelectChoice(str(i), f"{name} ({short or agency})") for i, name, short, agency in people]


def _tell_both(record: Deputy, ended: bool = False) -> None:
    period = f"from {govuk_date(record.start_date)} to {govuk_date(record.end_date)}"
    link = external_url("actions.index")
    if ended:
        subject = f"Follow Through: {record.deputy.name} no longer deputises for {record.lead.name}"
        text = f"{record.lead.name} has ended the cover {period}. {record.deputy.name} no longer acts on their actions."
    else:
        subject = f"Follow Through: {record.deputy.name} deputises for {record.lead.name}"
        text = (f"{record.lead.name} has named {record.deputy.name} as their deputy {period}.\n\n"
                f"During that time {record.deputy.name} can post updates, add evidence, ask for due dates and "
                f"submit on {record.lead.name}'s actions.\n\nThe actions: {link}\n")
    send_notices([Notice(record.lead, subject, text), Notice(record.deputy, subject, text)])
    db.session.commit()  # the audit records of the emails


@bp.route("/", methods=["GET", "POST"])
def index():
    user, day = signed_in_user(), today()
    require(permissions.can_name_deputy(user))
    form = DeputyForm()
    form.deputy_id.choices = _deputy_choices(user)
    if form.validate_on_submit():
        deputy_id = parse_id(form.deputy_id.data)
        deputy = db.session.get(User, deputy_id) if deputy_id else None
        record = run_service(form, lambda: services.name_deputy(
            user, deputy, start=form.start_date.data, end=form.end_date.data, by=user, today=day))
        if record:
            _tell_both(record)
            flash(f"{record.deputy.name} is your deputy from {govuk_date(record.start_date)} to "
                  f"{govuk_date(record.end_date)}. You have both been sent an email.", "success")
            return redirect(url_for("deputies.index"))
    return render_template("deputies/index.html", form=form, covers=services.covers_for(user, day),
                           covering=services.covering(user, day)), form_status(form)


@bp.route("/<id:deputy_id>/end", methods=["POST"])
def end(deputy_id: int):
    user = signed_in_user()
    record = db.session.get(Deputy, deputy_id)
    if record is None or record.lead_id != user.id:
        abort(404)
    _, refusal = attempt(lambda: services.end_cover(record, user))
    if refusal is None:
        _tell_both(record, ended=True)
        flash(f"{record.deputy.name} no longer deputises for you.", "success")
    else:
        flash(refusal.message, "error")
    return redirect(url_for("deputies.index"))
