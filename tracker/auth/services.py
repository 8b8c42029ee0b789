"""Signing in: passwords with a temporary lock after repeated failures, and time-based one-time
codes (TOTP, RFC 6238) with single-use recovery codes as a second factor. Every outcome is audited."""

import functools
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp
from flask import current_app
from sqlalchemy import func
from werkzeug.security import check_password_hash, generate_password_hash

from tracker.audit.services import log_event
from tracker.auth import notices
from tracker.core.errors import DomainError
from tracker.core.models_base import utcnow
from tracker.core.wording import govuk_datetime
from tracker.extensions import db
from tracker.users.models import Role, User
from tracker.users.services import reset_password

RECOVERY_CODE_COUNT = 10
NOT_RIGHT = "The email address or password is not right"


@dataclass
class SignInResult:
    user: User | None
    error: str = ""
    locked_until: datetime | None = None


def _lock_message(until: datetime) -> str:
    return (f"This account is locked for a short time after too many failed sign-ins. Try again after "
            f"{govuk_datetime(until)}, or ask an administrator to reset your password.")


def is_locked(user: User, now: datetime) -> bool:
    return user.locked_until is not None and user.locked_until > now


def record_failure(user: User | None, now: datetime, what: str) -> None:
    """One more failure in a row for this account; at the threshold, lock it for a while."""
    if user is None:
        return
    user.failed_sign_ins = (user.failed_sign_ins or 0) + 1
    if user.failed_sign_ins >= int(current_app.config["LOCKOUT_THRESHOLD"]):
        user.locked_until = now + timedelta(minutes=int(current_app.config["LOCKOUT_MINUTES"]))
        user.failed_sign_ins = 0
        log_event("account_locked", obj=user, summary=f"{user.email} locked after repeated failed {what}",
                  changes={"locked_until": [None, user.locked_until.isoformat()]})
        notices.account_locked(user)


@functools.cache
def _dummy_hash() -> str:
    """A hash of a random password, made once by the same function (so the same method and cost) as
    User.set_password: an unknown email costs the same work as a known one."""
    return generate_password_hash(secrets.token_urlsafe(16))


def _password_matches(user: User | None, password: str) -> bool:
    """Exactly one password hash checked, whether or not the account exists, is active or is locked."""
    if user is None:
        check_password_hash(_dummy_hash(), password or "")
        return False
    return user.check_password(password or "")


def check_password(email: str, password: str) -> SignInResult:
    """The first factor. A locked account is refused even with the right password, in the same words
    as a wrong password and after the same work as any other attempt, so the page tells nobody
    whether an email has an account or whether it is locked; the owner learns of a lock by email."""
    now = utcnow()
    email = (email or "").strip()
    user = db.session.scalar(db.select(User).where(func.lower(User.email) == email.lower()))
    matches = _password_matches(user, password)
    if user is not None and is_locked(user, now):
        log_event("sign_in_failed", obj=user, summary=f"Refused sign-in for {email[:254]}: account locked")
        return SignInResult(None, NOT_RIGHT)
    if user is None or not user.active or not matches:
        log_event("sign_in_failed", obj=user, summary=f"Failed sign-in for {email[:254]}")
        record_failure(user if user is not None and user.active else None, now, "sign-ins")
        return SignInResult(None, NOT_RIGHT)
    return SignInResult(user)


def authenticate(email: str, password: str) -> User | None:
    """The active, unlocked user with this email and password, or None; both outcomes are audited.
    (The password only: the views ask for the second factor when the account has one.)"""
    result = check_password(email, password)
    if result.user is not None:
        complete_sign_in(result.user)
    return result.user


def complete_sign_in(user: User, *, method: str = "password") -> None:
    user.last_sign_in_at = utcnow()
    user.failed_sign_ins, user.locked_until = 0, None
    log_event("sign_in", obj=user, actor=user, summary=f"{user.email} signed in ({method})")


def totp_required(user: User) -> bool:
    config = current_app.config
    if config.get("TOTP_REQUIRED_FOR_ALL"):
        return True
    return user.role in {Role(r).value for r in config.get("TOTP_REQUIRED_ROLES", ())}


# --- second factor ---------------------------------------------------------------------------------------


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=current_app.config["TOTP_ISSUER"])


def current_code(secret: str, now: datetime | None = None) -> str:
    return pyotp.TOTP(secret).at(now or utcnow())


def _matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step (30 s) the code belongs to, allowing one step of clock drift either way."""
    totp = pyotp.TOTP(secret)
    step = totp.timecode(now)
    for candidate in (step, step - 1, step + 1):
        if secrets.compare_digest(totp.generate_otp(candidate), code):
            return candidate
    return None


def _clean(code: str) -> str:
    return "".join(ch for ch in (code or "") if ch.isascii() and ch.isalnum()).lower()


def _hash_code(code: str) -> str:
    return hashlib.sha256(_clean(code).encode()).hexdigest()


def new_recovery_codes(user: User) -> list[str]:
    """Ten fresh single-use codes (the old ones stop working); only their hashes are kept."""
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODE_COUNT)]
    user.recovery_codes = [_hash_code(c) for c in codes]
    log_event("recovery_codes_issued", obj=user, summary=f"New recovery codes for {user.email}")
    return codes


def enable_totp(user: User, secret: str, code: str) -> list[str]:
    """Turn on the second factor once the user shows a code from their app; gives recovery codes."""
    now = utcnow()
    step = _matching_step(secret, _clean(code), now)
    if step is None:
        raise DomainError("The code is not right. Enter the 6-digit code your app shows now.", field="code")
    user.totp_secret, user.totp_enabled_at, user.totp_last_step = secret, now, step
    log_event("two_factor_enabled", obj=user, summary=f"{user.email} set up a second factor")
    codes = new_recovery_codes(user)
    notices.account_changed(user, "second factor")
    return codes


def replace_recovery_codes(user: User) -> list[str]:
    """New recovery codes from the account page: a change to the second factor, so the owner is told."""
    codes = new_recovery_codes(user)
    notices.account_changed(user, "second factor")
    return codes


def confirm_password(user: User, password: str) -> bool:
    """The password again, before a change to how the account signs in; a wrong one counts towards
    the lock as a failed sign-in does (so the caller commits either way)."""
    now = utcnow()
    if not is_locked(user, now) and user.check_password(password or ""):
        log_event("password_confirmed", obj=user, actor=user, summary=f"{user.email} confirmed their password")
        return True
    if not is_locked(user, now):
        record_failure(user, now, "password confirmations")
    log_event("password_confirmation_failed", obj=user, summary=f"Wrong password confirmation for {user.email}")
    return False


def check_second_factor(user: User, code: str) -> SignInResult:
    """A current TOTP code (never one already used) or an unused recovery code."""
    now = utcnow()
    if is_locked(user, now):
        return SignInResult(None, _lock_message(user.locked_until), user.locked_until)
    cleaned = _clean(code)
    if cleaned.isdigit() and len(cleaned) == 6 and user.totp_secret:
        step = _matching_step(user.totp_secret, cleaned, now)
        if step is not None and (user.totp_last_step is None or step > user.totp_last_step):
            user.totp_last_step = step
            return SignInResult(user)
    elif len(cleaned) == 12 and _hash_code(cleaned) in (user.recovery_codes or []):
        user.recovery_codes = [h for h in user.recovery_codes if h != _hash_code(cleaned)]
        log_event("recovery_code_used", obj=user, actor=user,
                  summary=f"{user.email} used a recovery code ({len(user.recovery_codes)} left)")
        return SignInResult(user)
    log_event("sign_in_failed", obj=user, summary=f"Wrong second-factor code for {user.email}")
    record_failure(user, now, "codes")
    if is_locked(user, now):
        return SignInResult(None, _lock_message(user.locked_until), user.locked_until)
    return SignInResult(None, "The code is not right. Enter the 6-digit code your app shows now, "
                              "or one of your recovery codes.")


def disable_totp(user: User) -> None:
    user.totp_secret = user.totp_enabled_at = user.totp_last_step = None
    user.recovery_codes = []
    log_event("two_factor_disabled", obj=user, summary=f"Second factor removed for {user.email}")
    notices.account_changed(user, "second factor")


def change_password(user: User, current: str, new: str) -> None:
    """The user's own change: the current password first; then every session of the user ends."""
    if not user.check_password(current or ""):
        raise DomainError("Your current password is not right", field="current_password")
    if current == new:
        raise DomainError("The new password must be different from the current one", field="password")
    reset_password(user, new)
    log_event("password_changed", obj=user, summary=f"{user.email} changed their password")
    notices.account_changed(user, "password")


def sign_out_everywhere(user: User) -> None:
    """Every session of this user, in every browser, ends now."""
    user.session_version += 1
    log_event("sign_out", obj=user, summary=f"{user.email} signed out")


def existing_emails(emails: list[str]) -> set[str]:
    """Which of these addresses have an account here (in lower case), in one query."""
    wanted = [email.lower() for email in emails]
    return set(db.session.scalars(db.select(func.lower(User.email)).where(func.lower(User.email).in_(wanted))))
