"""Sending email with the standard library: smtplib over STARTTLS, implicit TLS or (for a relay on the
same machine) plain SMTP, and absolute links that work from the command line, where there is no request
to take the host from."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import urlsplit

from flask import current_app, has_request_context, request

SECURITY_CHOICES = ("starttls", "ssl", "none")


@dataclass(frozen=True)
class MailStatus:
    """Whether reminders can be sent, and if not, which settings are missing (shown on the admin pages
    and by the command)."""

    missing: tuple[str, ...]
    problems: tuple[str, ...] = ()
    server: str = ""
    sender: str = ""
    security: str = ""

    @property
    def configured(self) -> bool:
        return not self.missing and not self.problems

    @property
    def summary(self) -> str:
        if self.configured:
            return f"Email reminders are sent through {self.server} ({self.security}) from {self.sender}."
        parts = []
        if self.missing:
            names = list(self.missing)
            listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
            parts.append(f"{listed} {'is' if len(names) == 1 else 'are'} not set (in instance/config.py, or as "
                         f"TRACKER_{names[0]} and so on in the environment)")
        parts.extend(self.problems)
        return "Email reminders are not configured: " + "; ".join(parts) + "."


def mail_status(config) -> MailStatus:
    server = (config.get("MAIL_SERVER") or "").strip()
    sender = (config.get("MAIL_SENDER") or "").strip()
    security = (config.get("MAIL_SECURITY") or "starttls").strip().lower()
    missing = [name for name, value in (("MAIL_SERVER", server), ("MAIL_SENDER", sender),
                                        ("BASE_URL", config.get("BASE_URL") or config.get("SERVER_NAME")))
               if not value]
    problems = [] if security in SECURITY_CHOICES else ["MAIL_SECURITY must be starttls, ssl or none"]
    port = config.get("MAIL_PORT")
    return MailStatus(tuple(missing), tuple(problems), server=f"{server}:{port}" if server else "", sender=sender,
                      security={"starttls": "STARTTLS", "ssl": "TLS", "none": "no encryption"}.get(security, security))


def external_url(endpoint: str, **values) -> str:
    """An absolute link to a page: from BASE_URL (or SERVER_NAME), else the current request's host."""
    config = current_app.config
    base = config.get("BASE_URL")
    if not base and config.get("SERVER_NAME"):
        base = f"{config.get('PREFERRED_URL_SCHEME', 'http')}://{config['SERVER_NAME']}{config.get('APPLICATION_ROOT') or ''}"
    if not base and has_request_context():
        base = request.host_url
    parts = urlsplit(base or "http://localhost")
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path.rstrip("/") or "/",
                                       url_scheme=parts.scheme or "http")
    return adapter.build(endpoint, values, force_external=True)


class MailError(Exception):
    """The mail server could not be reached or refused the message; the text says why."""


class Mailer:
    """One connection for a run: `with Mailer(config) as mailer: mailer.send(message)`."""

    def __init__(self, config):
        self.host = config["MAIL_SERVER"]
        self.port = int(config.get("MAIL_PORT") or 587)
        self.security = (config.get("MAIL_SECURITY") or "starttls").lower()
        self.username = config.get("MAIL_USERNAME")
        self.password = config.get("MAIL_PASSWORD") or ""
        self.timeout = int(config.get("MAIL_TIMEOUT_SECONDS") or 30)
        self.context = ssl.create_default_context(cafile=config.get("MAIL_CA_FILE") or None)
        self.smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Mailer:
        try:
            if self.security == "ssl":
                self.smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=self.context)
            else:
                self.smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
                if self.security == "starttls":
                    self.smtp.starttls(context=self.context)
            if self.username:
                self.smtp.login(self.username, self.password)
        except (OSError, smtplib.SMTPException) as error:
            self._close()
            raise MailError(f"Could not connect to the mail server {self.host}:{self.port}: {error}") from error
        return self

    def send(self, message: EmailMessage) -> None:
        try:
            refused = self.smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as error:
            raise MailError(f"The mail server did not accept the message: {error}") from error
        if refused:
            raise MailError(f"The mail server refused {', '.join(refused)}.")

    def __exit__(self, *exc) -> None:
        self._close()

    def _close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                self.smtp.close()
            self.smtp = None
