"""Telling account owners, by email, what happened to their account: a lock after failed sign-ins
(which the sign-in page itself no longer reveals), a changed password, email address or second
factor. Sent through the reminders' mail module when mail is configured; a failure is logged, never
shown, so it cannot block a sign-in or a change.

A message is built at once but sent only when the database session commits (and dropped if it rolls
back): the owner is never told of a change that did not happen."""

from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from tracker.core.models_base import utcnow
from tracker.extensions import db
from tracker.reminders.mail import MailError, Mailer, mail_status
from tracker.users.models import User

SIGN_OFF = ("If this was not you, contact your safeguarding partnership's business unit straight away.\n\n"
            "This is an automatic message from Follow Through.")


def account_locked(user: User) -> None:
    minutes = int(current_app.config["LOCKOUT_MINUTES"])
    _send(user, "Your Follow Through account has been locked for a short time",
          f"There were several failed attempts to sign in to your Follow Through account ({user.email}). "
          f"To protect it, the account is locked for {minutes} minutes. After that you can sign in as usual, "
          f"or an administrator can reset your password.")


def account_changed(user: User, what: str, *, to: str | None = None) -> None:
    """`what`: "password", "email address", "second factor"; `to`: another address to tell as well
    (the old one, when the email address changes)."""
    text = f"The {what} of your Follow Through account was changed."
    _send(user, f"Your Follow Through {what} was changed", text)
    if to and to.lower() != user.email.lower():
        _send(user, f"Your Follow Through {what} was changed", text, address=to)


def _send(user: User, subject: str, text: str, *, address: str | None = None) -> None:
    config = current_app.config
    if not mail_status(config).configured:
        return
    sender = config["MAIL_SENDER"]
    message = EmailMessage()
    message["From"] = sender
    message["To"] = formataddr((user.name, address or user.email))
    message["Subject"] = subject
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].strip("> ") or None)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(f"{text}\n\n{SIGN_OFF}\n")
    session = db.session()
    session.info.setdefault(PENDING, []).append((current_app._get_current_object(), user.id, message))


PENDING = "pending_account_notices"


@event.listens_for(Session, "after_commit")
def _send_pending(session: Session) -> None:
    for app, user_id, message in session.info.pop(PENDING, []):
        try:
            with Mailer(app.config) as mailer:
                mailer.send(message)
        except MailError as error:
            app.logger.warning("Account notice to user %s not sent: %s", user_id, error)


@event.listens_for(Session, "after_soft_rollback")
def _drop_pending(session: Session, previous_transaction) -> None:
    session.info.pop(PENDING, None)
