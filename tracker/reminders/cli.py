"""`flask send-reminders`: the daily run, for a cron job (the task queue runs the same service)."""

from __future__ import annotations

from datetime import date

import click
from flask import Flask

from tracker.core.clock import today
from tracker.reminders.services import run_daily_reminders


def register(app: Flask) -> None:
    @app.cli.command("send-reminders")
    @click.option("--today", "today_text", help="Send the reminders of this day (YYYY-MM-DD); default today.")
    def send_reminders_command(today_text: str | None) -> None:
        """Email each lead their overdue and due-soon actions and the updates asked of them, and on its
        weekday the business unit's overdue summary. Nobody gets the same reminder twice in a day.
        Exits with status 1 if any message failed, 2 if email is not configured."""
        try:
            day = date.fromisoformat(today_text) if today_text else today()
        except ValueError as error:
            raise click.BadParameter("use the form YYYY-MM-DD", param_hint="--today") from error
        result = run_daily_reminders(day)  # not configured: MailNotConfigured, exit status 2 (tracker.cli)
        for line in result.sent:
            click.echo(f"Sent: {line}")
        for line in result.failed:
            click.echo(f"Failed: {line}", err=True)
        click.echo(f"{len(result.sent)} sent, {result.already_sent} already sent today, "
                   f"{len(result.failed)} failed.")
        if not result.ok:
            raise SystemExit(1)
