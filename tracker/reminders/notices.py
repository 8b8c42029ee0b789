"""One-off notices by email (a deputy named, ...), sent at once through the same mail server and
Mailer as the daily reminders, each recorded in the audit trail as sent or failed. Called by a view
after its commit, so nobody is told about a change that was rolled back; a mail failure never
undoes the change."""

from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid

from flask import current_app

from tracker.audit.services import log_event
from tracker.core.models_base import utcnow
from tracker.reminders.mail import Mailer, MailError, mail_status
from tracker.users.models import User


@dataclass(frozen=True)
class Notice:
    recipient: User
    subject: str
    text: str


def notice_message(notice: Notice, sender: str) -> EmailMessage:
    """A plain-text, automatic message (reopened-action emails are built by it too)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = formataddr((notice.recipient.name, notice.recipient.email))
    message["Subject"] = notice.subject
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].strip("> ") or None)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(notice.text)
    return message


def send_notices(notices: list[Notice]) -> list[str]:
    """Send each notice to an active recipient; returns the failures (empty when all went, or when
    email is not configured: then nothing is sent and the audit says so). The caller commits."""
    notices = [n for n in notices if n.recipient.active and n.recipient.email]
    if not notices:
        return []
    config = current_app.config
    if not mail_status(config).configured:
        for notice in notices:
            log_event("email_not_sent", summary=f"Email is not configured: {notice.subject} to {notice.recipient.email}")
        return []
    failures = []
    try:
        with Mailer(config) as mailer:
            for notice in notices:
                try:
                    mailer.send(notice_message(notice, config["MAIL_SENDER"]))
                except MailError as error:
                    failures.append(f"{notice.recipient.email}: {error}")
                    log_event("email_failed", summary=f"{notice.subject} to {notice.recipient.email} ({error})")
                else:
                    log_event("email_sent", summary=f"{notice.subject} to {notice.recipient.email}")
    except MailError as error:
        for notice in notices:
            failures.append(f"{notice.recipient.email}: {error}")
            log_event("email_failed", summary=f"{notice.subject} to {notice.recipient.email} ({error})")
    return failures
