"""Sign-in required on every page but the public ones; session lifetime on the server's terms: an
idle timeout (default 30 minutes) and an absolute limit (default 12 hours), both checked against
times kept in the signed session cookie; and a cookie that is Secure whenever the request came over
HTTPS."""

import secrets
import time

from flask import Flask, current_app, flash, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_login import logout_user

from tracker.users.current import signed_in_user
from tracker.web.views import is_public

SIGNED_IN_AT, LAST_SEEN, SESSION_ID = "signed_in_at", "last_seen", "sid"
IDLE_MESSAGE = "You were signed out because you had not used Follow Through for {minutes} minutes."
ABSOLUTE_MESSAGE = "You were signed out because you signed in more than {hours} hours ago. Sign in again."


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, Secure when served over HTTPS even if the setting is off."""

    def get_cookie_secure(self, app: Flask) -> bool:
        if app.config.get("SESSION_COOKIE_SECURE"):
            return True
        from flask import has_request_context

        return has_request_context() and request.is_secure


def start(user) -> None:
    """A brand-new session for a user who has just signed in: nothing carried over from before,
    a new identifier, and the clocks for the two timeouts started."""
    from flask_login import login_user

    session.clear()
    login_user(user)
    session[SESSION_ID] = secrets.token_urlsafe(18)
    stamp(session)


def stamp(store, *, signed_in: bool = True) -> None:
    """Start the session's clocks now: the idle clock, and (for a fresh sign-in) the absolute one.
    `store` is the session, or a test client's copy of it."""
    now = time.time()
    if signed_in:
        store[SIGNED_IN_AT] = now
    store[LAST_SEEN] = now


def idle_seconds() -> int:
    return int(current_app.config["IDLE_TIMEOUT_MINUTES"]) * 60


def _end(message: str):
    logout_user()
    session.clear()
    flash(message, "info")
    target = request.full_path.rstrip("?") if request.method == "GET" else None
    if request.blueprint == "auth" or request.path.startswith("/static"):
        target = None
    return redirect(url_for("auth.login", next=target) if target else url_for("auth.login"))


def register(app: Flask) -> None:
    app.session_interface = SessionInterface()

    @app.before_request
    def enforce_session_limits():
        if request.endpoint in (None, "static") or signed_in_user() is None:
            return None
        now = time.time()
        started, seen = session.get(SIGNED_IN_AT), session.get(LAST_SEEN)
        config = current_app.config
        if not isinstance(started, (int, float)) or now - started > int(config["ABSOLUTE_TIMEOUT_HOURS"]) * 3600:
            return _end(ABSOLUTE_MESSAGE.format(hours=config["ABSOLUTE_TIMEOUT_HOURS"]))
        if not isinstance(seen, (int, float)) or now - seen > idle_seconds():
            return _end(IDLE_MESSAGE.format(minutes=config["IDLE_TIMEOUT_MINUTES"]))
        stamp(session, signed_in=False)
        return None

    @app.before_request
    def require_sign_in():
        """The one way pages require sign-in: all of them, unless the view is marked @public. Nobody
        signed in is sent to the sign-in page (and back afterwards, for a GET)."""
        if signed_in_user() is None and not is_public(request.endpoint):
            return current_app.login_manager.unauthorized()
        return None
