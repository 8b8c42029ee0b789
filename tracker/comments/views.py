"""Posting a comment (on the action's timeline page) and choosing how mentions arrive (account page)."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSubmitInput,
)
from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from tracker import permissions
from tracker.actions.models import Action
from tracker.comments import services
from tracker.core import lengths
from tracker.extensions import db
from tracker.reminders.mail import external_url
from tracker.reminders.notices import Notice, send_notices
from tracker.timeline.services import LIMIT, action_timeline
from tracker.web.forms import CountedTextArea, within
from tracker.web.views import run_service, signed_in_user

bp = Blueprint("comments", __name__)


class CommentForm(FlaskForm):
    text = TextAreaField("Add a comment", widget=CountedTextArea(), validators=[within(lengths.MESSAGE, "A comment")],
                         description="Mention someone with @ and their full name or email address: they are "
                                     "emailed if they may see this action.")
    submit = SubmitField("Post the comment", widget=GovSubmitInput())


class DigestForm(FlaskForm):
    choice = RadioField("When someone mentions you in a comment", widget=GovRadioInput(),
                        choices=[SelectChoice("now", "Email me at once"),
                                 SelectChoice("digest", "Gather them into one email the next morning")],
                        validators=[DataRequired("Choose when to be told")])
    submit = SubmitField("Save", widget=GovSubmitInput())


def timeline_page(action: Action, form: CommentForm | None = None, status: int = 200):
    user = signed_in_user()
    entries, more = action_timeline(action.id, user)
    return render_template("timeline/show.html", action=action, entries=entries, more=more, limit=LIMIT,
                           form=form or CommentForm()), status


@bp.route("/actions/<id:action_id>/comments", methods=["POST"])
def post(action_id: int):
    user = signed_in_user()
    action = db.session.get(Action, action_id)
    if action is None or not permissions.can_view_action(user, action):
        abort(404)
    if not permissions.can_comment(user, action):
        abort(403)
    form = CommentForm()
    result = run_service(form, lambda: services.post_comment(action, by=user, text=form.text.data))
    if not result:
        return timeline_page(action, form, 422)
    comment, people = result
    link = external_url("timeline.show", action_id=action.id)
    subject = f"Follow Through: {user.name} mentioned you on an action"
    text = f"{user.name} wrote on '{action.description[:120]}':\n\n{comment.text}\n\nRead and reply: {link}\n"
    send_notices([Notice(person, subject, text) for person in people if not person.notify_digest])
    db.session.commit()  # the audit records of the emails
    flash("Your comment is posted" + (f" and {', '.join(p.name for p in people)} told." if people else "."),
          "success")
    return redirect(url_for("timeline.show", action_id=action.id))


@bp.route("/account/notifications", methods=["GET", "POST"])
def notifications():
    user = signed_in_user()
    form = DigestForm(data={"choice": "digest" if user.notify_digest else "now"})
    if form.validate_on_submit() and run_service(form, lambda: services.set_digest_choice(
            user, form.choice.data == "digest")):
        flash("Your choice is saved.", "success")
        return redirect(url_for("auth.account"))
    return render_template("comments/notifications.html", form=form), 422 if form.errors else 200
