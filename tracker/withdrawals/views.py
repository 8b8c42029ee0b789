"""The withdraw pages: one reason box, then back to the action."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField, TextAreaField
from wtforms.validators import DataRequired

from tracker import permissions
from tracker.actions.models import Action, DueDateRequest, ProgressUpdate
from tracker.comments.models import Comment
from tracker.core import lengths
from tracker.evidence.models import Evidence
from tracker.extensions import db
from tracker.web.forms import CountedTextArea, within
from tracker.web.views import form_status, require, run_service, signed_in_user
from tracker.withdrawals import services

bp = Blueprint("withdrawals", __name__, url_prefix="/actions")


class WithdrawForm(FlaskForm):
    reason = TextAreaField("Why are you withdrawing it?", widget=CountedTextArea(),
                           validators=[DataRequired("Enter the reason for withdrawing it"),
                                       within(lengths.REASON, "The reason")])
    submit = SubmitField("Withdraw it", widget=GovSubmitInput())


def _page(model, action_id: int, entry_id: int, what: str):
    user = signed_in_user()
    action = db.session.get(Action, action_id)
    if action is None or not permissions.can_view_action(user, action):
        abort(404)
    entry = db.session.get(model, entry_id)
    if entry is None or entry.action_id != action.id:
        abort(404)
    require(permissions.can_withdraw_entry(user, action, entry))
    form = WithdrawForm()
    if form.validate_on_submit() and run_service(form, lambda: services.withdraw(
            action, entry, by=user, reason=form.reason.data)):
        flash(f"The {what} was withdrawn. It stays in the audit trail.", "success")
        if model is Comment:
            return redirect(url_for("timeline.show", action_id=action.id))
        return redirect(url_for("actions.show", action_id=action.id))
    return render_template("withdrawals/withdraw.html", form=form, action=action, entry=entry, what=what), \
        form_status(form)


@bp.route("/<id:action_id>/updates/<id:update_id>/withdraw", methods=["GET", "POST"])
def update(action_id: int, update_id: int):
    return _page(ProgressUpdate, action_id, update_id, "update")


@bp.route("/<id:action_id>/evidence/<id:evidence_id>/withdraw", methods=["GET", "POST"])
def evidence(action_id: int, evidence_id: int):
    return _page(Evidence, action_id, evidence_id, "evidence")


@bp.route("/<id:action_id>/comments/<id:comment_id>/withdraw", methods=["GET", "POST"])
def comment(action_id: int, comment_id: int):
    return _page(Comment, action_id, comment_id, "comment")


@bp.route("/<id:action_id>/due-date-requests/<id:request_id>/withdraw", methods=["GET", "POST"])
def due_date_request(action_id: int, request_id: int):
    user = signed_in_user()
    action = db.session.get(Action, action_id)
    if action is None or not permissions.can_view_action(user, action):
        abort(404)
    entry = db.session.get(DueDateRequest, request_id)
    if entry is None or entry.action_id != action.id:
        abort(404)
    require(permissions.can_withdraw_due_date_request(user, action, entry))
    form = WithdrawForm()
    if form.validate_on_submit() and run_service(form, lambda: services.withdraw_due_date_request(
            action, entry, by=user, reason=form.reason.data)):
        flash("The due-date request was withdrawn. It stays in the audit trail.", "success")
        return redirect(url_for("actions.show", action_id=action.id))
    return render_template("withdrawals/withdraw.html", form=form, action=action, entry=entry,
                           what="due-date request"), form_status(form)
