"""Who is signed in: the one way Python code asks. (Templates read Flask-Login's `current_user`.)"""

from flask import has_request_context
from flask_login import current_user

from tracker.users.models import User


def signed_in_user() -> User | None:
    """The signed-in User (the real object, not Flask-Login's proxy, so it can be handed to services
    and compared), or None when nobody is signed in or there is no request (the command line). Every
    page but the public ones requires sign-in first, so a view always gets a User."""
    if not has_request_context():
        return None
    user = current_user._get_current_object()
    return user if user.is_authenticated else None
