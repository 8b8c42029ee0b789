"""Scrutiny challenges: the list, raising one, the thread, answering and closing.

An agency lead sees only the challenges addressed to their agency (404 for any other); board members
read; the scrutineer and the business unit raise, answer back and close; the addressed agency's lead
answers."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker import permissions
from tracker.actions.models import Action
from tracker.challenges import services
from tracker.challenges.forms import CloseChallengeForm, MessageForm, RaiseChallengeForm
from tracker.challenges.models import Challenge, ChallengeMessage, ChallengeStatus, describe_subject
from tracker.core.clock import today
from tracker.extensions import db
from tracker.recommendations.models import Recommendation
from tracker.reviews.models import Review
from tracker.users.models import Agency, Role, User
from tracker.web.downloads import Column, each, export_items
from tracker.web.views import form_status, page_size, parse_id, require, run_service, signed_in_user

bp = Blueprint("challenges", __name__, url_prefix="/challenges")

STATUS_CHOICES = [("live", "Not closed"), ("open", "Waiting for the agency"), ("answered", "Answered"),
                  ("closed", "Closed"), ("all", "All")]
SUBJECTS = {"review": Review, "recommendation": Recommendation, "action": Action}


def _filters(user: User) -> tuple[services.ChallengeFilters, bool]:
    filters = services.ChallengeFilters.from_args(request.args)
    agency_view = user.has_role(Role.AGENCY_LEAD)
    if agency_view:
        filters.agency_id = None  # their own agency's only, through the visibility filter
    return filters, agency_view


@bp.route("/")
def index():
    user = signed_in_user()
    filters, agency_view = _filters(user)
    page = db.paginate(services.challenges_query(user, filters), page=parse_id(request.args.get("page")) or 1,
                       per_page=page_size(), max_per_page=100, error_out=False, count=True)
    agencies = [] if agency_view else list(db.session.scalars(select(Agency).order_by(Agency.name)))
    return render_template("challenges/index.html", page=page, challenges=page.items, filters=filters,
                           statuses=STATUS_CHOICES, agencies=agencies, agency_view=agency_view, today=today(),
                           age=services.age_in_days)


def _columns(day) -> list[Column]:
    return [("Challenge", 10, lambda c: c.id),
            ("About", 60, lambda c: c.subject_label),
            ("Review", 16, lambda c: c.review_reference),
            ("Addressed to", 30, lambda c: c.agency.name),
            ("Raised", 18, lambda c: c.created_at),
            ("Raised by", 24, lambda c: c.raised_by.name if c.raised_by else ""),
            ("Status", 22, lambda c: c.status_label),
            ("Closed", 18, lambda c: c.closed_at),
            ("Days open", 10, lambda c: None if c.is_closed else services.age_in_days(c, day))]


@bp.route("/export.<any(csv, xlsx):fmt>")
def export(fmt: str):
    """The challenges as filtered on the list (every row, not one page), newest first, with its
    visibility: an agency lead's own agency's only."""
    user, day = signed_in_user(), today()
    filters, _ = _filters(user)
    return export_items(fmt, each(services.challenges_query(user, filters)), _columns(day), what="Challenges",
                        name=f"challenges-{day.isoformat()}.{fmt}")


def _subject():
    """The review, recommendation or action named in the query string: exactly one, or 404."""
    named = [(kind, parse_id(request.args.get(kind))) for kind in SUBJECTS if request.args.get(kind)]
    if len(named) != 1 or named[0][1] is None:
        abort(404)
    kind, ident = named[0]
    subject = db.session.get(SUBJECTS[kind], ident)
    if subject is None:
        abort(404)
    return kind, subject


def _subject_href(kind: str, subject) -> str:
    return url_for(f"{kind}s.show", **{f"{kind}_id": subject.id})


@bp.route("/new", methods=["GET", "POST"])
def new():
    user = signed_in_user()
    require(permissions.can_raise_challenge(user))
    kind, subject = _subject()
    form = RaiseChallengeForm()
    agencies = db.session.scalars(select(Agency).where(Agency.active.is_(True)).order_by(Agency.name)).all()
    form.agency_id.choices = [("", "Select an agency")] + [(str(a.id), a.name) for a in agencies]
    if request.method == "GET" and kind == "action":
        form.agency_id.data = str(subject.owner_agency_id)
    if form.validate_on_submit():
        agency_id = parse_id(form.agency_id.data)
        agency = db.session.get(Agency, agency_id) if agency_id else None
        challenge = run_service(form, lambda: services.raise_challenge(subject, agency=agency, by=user,
                                                                       text=form.text.data))
        if challenge:
            flash(f"Challenge raised with {challenge.agency.name}", "success")
            return redirect(url_for("challenges.show", challenge_id=challenge.id))
    return render_template("challenges/new.html", form=form, subject_label=describe_subject(kind, subject),
                           back_href=_subject_href(kind, subject)), form_status(form)


def _load(challenge_id: int) -> Challenge:
    """The challenge, if this user may see it: another agency's is not said to exist."""
    challenge = db.session.scalar(
        services._with_subjects(select(Challenge).where(Challenge.id == challenge_id))
        .options(selectinload(Challenge.messages).selectinload(ChallengeMessage.author).selectinload(User.agency),
                 selectinload(Challenge.closed_by)))
    if challenge is None or not permissions.can_view_challenge(signed_in_user(), challenge):
        abort(404)
    return challenge




def _show(challenge: Challenge, message_form=None, close_form=None, status=200):
    message_form = message_form or MessageForm()
    close_form = close_form or CloseChallengeForm(prefix="close")
    form = close_form if close_form.errors else message_form
    return render_template("challenges/show.html", challenge=challenge, form=form, message_form=message_form,
                           close_form=close_form, subject_href=_subject_href(challenge.subject_kind, challenge.subject),
                           age=services.age_in_days(challenge, today()),
                           back_href=url_for("challenges.index"), back_text="All challenges"), status


@bp.route("/<id:challenge_id>")
def show(challenge_id: int):
    return _show(_load(challenge_id))


@bp.route("/<id:challenge_id>/messages", methods=["POST"])
def reply(challenge_id: int):
    user = signed_in_user()
    challenge = _load(challenge_id)
    require(permissions.can_post_on_challenge(user, challenge))
    form = MessageForm()
    if form.validate_on_submit() and run_service(form, lambda: services.post_message(challenge, by=user,
                                                                                     text=form.text.data)):
        flash("Your answer was sent" if challenge.status == ChallengeStatus.ANSWERED
              else "Your message was sent to the agency", "success")
        return redirect(url_for("challenges.show", challenge_id=challenge.id, _anchor="thread"))
    return _show(challenge, message_form=form, status=422)


@bp.route("/<id:challenge_id>/close", methods=["POST"])
def close(challenge_id: int):
    user = signed_in_user()
    challenge = _load(challenge_id)
    require(permissions.can_close_challenge(user, challenge))
    form = CloseChallengeForm(prefix="close")
    if form.validate_on_submit() and run_service(form, lambda: services.close_challenge(challenge, by=user,
                                                                                        note=form.note.data)):
        flash("Challenge closed", "success")
        return redirect(url_for("challenges.show", challenge_id=challenge.id))
    return _show(challenge, close_form=form, status=422)
