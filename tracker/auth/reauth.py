"""The password again within the last few minutes before a change to how an account signs in (its
second factor, its email address): the time of the last confirmation is kept in the session."""

import time

from flask import current_app, redirect, request, session, url_for

CONFIRMED_AT = "password_confirmed_at"


def minutes() -> int:
    return int(current_app.config["REAUTH_MINUTES"])


def record() -> None:
    session[CONFIRMED_AT] = time.time()


def recently_confirmed() -> bool:
    at = session.get(CONFIRMED_AT)
    return isinstance(at, (int, float)) and 0 <= time.time() - at <= minutes() * 60


def confirm_first(back: str | None = None):
    """To the "confirm your password" step, and then back to `back` (by default this page if it was
    a GET, else the account page)."""
    if back is None:
        back = request.path if request.method == "GET" else url_for("auth.account")
    return redirect(url_for("auth.confirm_password", next=back))
