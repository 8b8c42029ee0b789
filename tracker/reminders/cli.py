"""`flask send-reminders`: the daily run, for a cron job (the task queue runs the same service)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import click
from flask import Flask

from tracker.extensions import db

if TYPE_CHECKING:
    from tracker.reminders.services import RunResult


def run_reminders(day: date) -> RunResult:
    """Send the day's reminders, committing after each message."""
    from tracker.reminders.services import send_reminders
    from tracker.settings import load_settings

    return send_reminders(day, load_settings(), on_recorded=db.session.commit)


def register(app: Flask) -> None:
    @app.cli.command("send-reminders")
    @click.option("--today", "today_text", help="Send the reminders of this day (YYYY-MM-DD); default today.")
    def send_reminders_command(today_text: str | None) -> None:
        """Email each lead their overdue and due-soon actions and the updates asked of them, and on its
        weekday the business unit's overdue summary. Nobody gets the same reminder twice in a day.
        Exits with status 1 if any message failed, 2 if email is not configured."""
        from tracker.clock import today

        try:
            day = date.fromisoformat(today_text) if today_text else today()
        except ValueError as error:
            raise click.BadParameter("use the form YYYY-MM-DD", param_hint="--today") from error
        result = run_reminders(day)  # not configured: MailNotConfigured, exit status 2 (tracker.cli)
        for line in result.sent:
            click.echo(f"Sent: {line}")
        for line in result.failed:
            click.echo(f"Failed: {line}", err=True)
        click.echo(f"{len(result.sent)} sent, {result.already_sent} already sent today, "
                   f"{len(result.failed)} failed.")
        if not result.ok:
            raise SystemExit(1)
