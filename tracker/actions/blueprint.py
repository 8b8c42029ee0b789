"""The actions' blueprint, shared by views.py (the action page, creating and editing, one form per
workflow verb) and list_views.py (the lists and their exports), with the loader every action page
starts from."""

from flask import Blueprint, abort, url_for

from tracker import permissions
from tracker.actions.models import Action
from tracker.extensions import db
from tracker.web.views import signed_in_user

bp = Blueprint("actions", __name__, url_prefix="/actions")


def load_action(action_id: int, *options) -> Action:
    """The action, or 404 when it is missing or the user may not see it (another agency's)."""
    action = db.session.get(Action, action_id, options=options)
    if action is None or not permissions.can_view_action(signed_in_user(), action):
        abort(404)
    return action


def back_href(action: Action) -> str:
    """The action's page: where its forms go back to."""
    return url_for("actions.show", action_id=action.id)
