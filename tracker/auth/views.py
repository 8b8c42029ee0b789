"""Signing in and out, the second factor, and the account's own security page.

Sign-in is two steps when the account has (or must have) a second factor: the password puts a
short-lived "pending" marker in a fresh session, and only the code (or setting up the app) turns it
into a signed-in session."""

import time
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, request, session, url_for
from flask_login import logout_user

from tracker.auth import reauth, services, sessions
from tracker.auth.forms import ChangePasswordForm, CodeForm, ConfirmForm, ConfirmPasswordForm, EnrolForm, SignInForm
from tracker.demo.accounts import DEMO_PASSWORD, demo_accounts, is_demo_sign_in
from tracker.extensions import db, limiter
from tracker.users.models import User
from tracker.web.views import public, run_service, signed_in_user

bp = Blueprint("auth", __name__)

PENDING = "pending_sign_in"
PENDING_SECONDS = 5 * 60


def _safe_next(target: str | None) -> str:
    """Only a path on this site: no scheme, no host, no backslash tricks."""
    if not target:
        return url_for("main.home")
    parts = urlsplit(target)
    if (parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target
            or any(ord(ch) < 32 or ord(ch) == 127 for ch in target)):
        return url_for("main.home")
    return target


def _sign_in_limit() -> str:
    return current_app.config["SIGN_IN_RATE_LIMIT"]


def _is_demo_account(email: str, password: str) -> bool:
    """In demo mode only, a published demo account that still has the published demo password: its
    sign-in screens show the current code, since whoever tries the demo has no authenticator app set up
    for it."""
    return bool(current_app.config.get("DEMO_MODE")) and is_demo_sign_in(email, password)


def _demo_help() -> dict:
    """In demo mode, the published demo accounts that exist here and their password, for the sign-in page."""
    if not current_app.config.get("DEMO_MODE"):
        return {}
    accounts = demo_accounts()
    present = services.existing_emails([email for email, _ in accounts])
    return {"demo_accounts": [(email, label) for email, label in accounts if email in present],
            "demo_password": DEMO_PASSWORD}


def _pending_user() -> User | None:
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        session.pop(PENDING, None)
        return None
    user = db.session.get(User, pending.get("user"))
    if user is None or not user.active or user.session_version != pending.get("version"):
        return None
    return user


def _finish(user: User, method: str):
    """The user is who they say: start a new session and go where they were going."""
    target = _safe_next((session.get(PENDING) or {}).get("next") or request.args.get("next"))
    services.complete_sign_in(user, method=method)
    db.session.commit()
    sessions.start(user)
    return redirect(target)


def _enable_and_sign_in(user: User, secret: str, code: str) -> list[str]:
    """The first sign-in of an account that must have a second factor: set it up and sign in, in one
    transaction."""
    codes = services.enable_totp(user, secret, code)
    services.complete_sign_in(user, method="password and new code")
    return codes


@bp.route("/sign-in", methods=["GET", "POST"])
@public
@limiter.limit(_sign_in_limit, methods=["POST"])
def login():
    if signed_in_user() is not None:
        return redirect(url_for("main.home"))
    form = SignInForm()
    if form.validate_on_submit():
        result = services.check_password(form.email.data, form.password.data)
        if result.user is None:
            db.session.commit()
            form.email.errors.append(result.error)
            return render_template("auth/login.html", form=form, locked=result.locked_until is not None,
                                   **_demo_help()), 200
        user = result.user
        if not user.has_totp and not services.totp_required(user):
            return _finish(user, "password")
        session.clear()  # a fresh session: nothing from before sign-in is carried over
        session[PENDING] = {"user": user.id, "version": user.session_version, "at": time.time(),
                            "next": request.args.get("next") or "",
                            "demo": _is_demo_account(form.email.data, form.password.data)}
        db.session.commit()
        if user.has_totp:
            return redirect(url_for("auth.second_factor"))
        return redirect(url_for("auth.set_up_second_factor"))
    return render_template("auth/login.html", form=form, **_demo_help())


@bp.route("/sign-in/code", methods=["GET", "POST"])
@public
@limiter.limit(_sign_in_limit, methods=["POST"])
def second_factor():
    user = _pending_user()
    if signed_in_user() is not None:
        return redirect(url_for("main.home"))
    if user is None or not user.has_totp:
        flash("Sign in again: the sign-in was not finished in time.", "info")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        result = services.check_second_factor(user, form.code.data)
        if result.user is not None:
            return _finish(user, "password and code")
        db.session.commit()
        form.code.errors.append(result.error)
        if result.locked_until is not None:
            session.pop(PENDING, None)
    demo_code = services.current_code(user.totp_secret) if session.get(PENDING, {}).get("demo") else None
    return render_template("auth/code.html", form=form, demo_code=demo_code), 200 if not form.errors else 422


@bp.route("/sign-in/set-up-code", methods=["GET", "POST"])
@public
@limiter.limit(_sign_in_limit, methods=["POST"])
def set_up_second_factor():
    """First sign-in of an account whose role requires a second factor: set up the app now."""
    user = _pending_user()
    if signed_in_user() is not None:
        return redirect(url_for("auth.two_step"))
    if user is None or user.has_totp:
        flash("Sign in again: the sign-in was not finished in time.", "info")
        return redirect(url_for("auth.login"))
    pending = session[PENDING]
    if not pending.get("secret"):
        pending["secret"] = services.new_totp_secret()
        session.modified = True
    form = EnrolForm()
    if form.validate_on_submit():
        target = _safe_next(pending.get("next") or request.args.get("next"))
        codes = run_service(form, lambda: _enable_and_sign_in(user, pending["secret"], form.code.data))
        if codes:
            sessions.start(user)
            return render_template("auth/recovery_codes.html", codes=codes, next_href=target, first_time=True)
    secret = pending["secret"]
    return render_template("auth/set_up.html", form=form, secret=secret, uri=services.totp_uri(user, secret),
                           demo_code=services.current_code(secret) if pending.get("demo") else None,
                           required=True), 200 if not form.errors else 422


@bp.route("/sign-out", methods=["POST"])
def logout():
    """Signing out ends every session of this user, in every browser."""
    services.sign_out_everywhere(signed_in_user())
    db.session.commit()
    logout_user()
    session.clear()
    flash("You have signed out.", "success")
    return redirect(url_for("auth.login"))


@bp.route("/session/keep-alive", methods=["POST"])
def keep_alive():
    """The "stay signed in" button of the timeout warning: the request itself resets the idle clock."""
    return jsonify({"idle_seconds": sessions.idle_seconds()})


# --- the account's own page ------------------------------------------------------------------------------


@bp.route("/account")
def account():
    user = signed_in_user()
    return render_template("auth/account.html", user=user, required=services.totp_required(user),
                           codes_left=len(user.recovery_codes or []), form=ConfirmForm())


@bp.route("/account/confirm-password", methods=["GET", "POST"])
def confirm_password():
    """The password again within the last few minutes before the second factor or an email address
    changes (the password change asks for the current one on its own form)."""
    user = signed_in_user()
    form = ConfirmPasswordForm()
    if form.validate_on_submit():
        confirmed = services.confirm_password(user, form.password.data)
        db.session.commit()  # a failure counts towards the lock
        if confirmed:
            reauth.record()
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors.append("Your password is not right")
    return render_template("auth/confirm_password.html", form=form, minutes=reauth.minutes(),
                           back_href=url_for("auth.account")), 200 if not form.errors else 422


@bp.route("/account/password", methods=["GET", "POST"])
def change_password():
    user = signed_in_user()
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if run_service(form, lambda: services.change_password(user, form.current_password.data, form.password.data)):
            sessions.start(user)  # this session goes on; every other one has ended
            flash("Your password has been changed. You have been signed out everywhere else.", "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/change_password.html", form=form, back_href=url_for("auth.account")), \
        200 if not form.errors else 422


@bp.route("/account/two-step", methods=["GET", "POST"])
def two_step():
    """Set up (or move to a new phone) the second factor, from the account page."""
    user = signed_in_user()
    if not reauth.recently_confirmed():
        return reauth.confirm_first()
    secret = session.get("new_totp_secret")
    if not secret or request.method == "GET":
        secret = session["new_totp_secret"] = services.new_totp_secret()
    form = EnrolForm()
    if form.validate_on_submit():
        codes = run_service(form, lambda: services.enable_totp(user, secret, form.code.data))
        if codes:
            session.pop("new_totp_secret", None)
            return render_template("auth/recovery_codes.html", codes=codes, next_href=url_for("auth.account"),
                                   first_time=True)
    return render_template("auth/set_up.html", form=form, secret=secret, uri=services.totp_uri(user, secret),
                           demo_code=None, required=services.totp_required(user),
                           back_href=url_for("auth.account")), 200 if not form.errors else 422


@bp.route("/account/recovery-codes", methods=["POST"])
def recovery_codes():
    user = signed_in_user()
    form = ConfirmForm()
    if not user.has_totp or not form.validate_on_submit():
        return redirect(url_for("auth.account"))
    if not reauth.recently_confirmed():
        return reauth.confirm_first()
    codes = services.replace_recovery_codes(user)
    db.session.commit()
    return render_template("auth/recovery_codes.html", codes=codes, next_href=url_for("auth.account"),
                           first_time=False)
