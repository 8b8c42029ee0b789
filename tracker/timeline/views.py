"""The action's timeline page."""

from flask import Blueprint, abort

from tracker import permissions
from tracker.actions.models import Action
from tracker.comments.views import timeline_page
from tracker.extensions import db
from tracker.web.views import signed_in_user

bp = Blueprint("timeline", __name__, url_prefix="/actions")


@bp.route("/<id:action_id>/timeline")
def show(action_id: int):
    user = signed_in_user()
    action = db.session.get(Action, action_id)
    if action is None or not permissions.can_view_action(user, action):
        abort(404)
    return timeline_page(action)
