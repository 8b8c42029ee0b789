"""flask commands: create-user, create-admin, demo-data (and, from their packages, backup, restore,
send-reminders)."""

import functools
import os
import time
from datetime import date

import click
from flask import Flask, has_app_context
from sqlalchemy import func, select

from tracker.core.clock import today
from tracker.core.errors import DomainError
from tracker.demo.accounts import DEMO_PASSWORD, demo_accounts
from tracker.demo.builder import build_demo
from tracker.demo.large import build_large
from tracker.extensions import db
from tracker.library import cli as library_cli
from tracker.ops import backup, storage_commands
from tracker.ops import cli as ops_cli
from tracker.reminders import cli as reminders_cli
from tracker.reviews.models import Review
from tracker.search import index as search_index
from tracker.users.models import Agency, Role, User
from tracker.users.services import create_user


class Refused(click.ClickException):
    """A service's refusal on the command line: its message as click's "Error: ..." on stderr, and
    exit status 1, or the refusal's own `exit_status` (cron scripts tell "email not configured", 2,
    from a failed message, 1)."""

    def __init__(self, error: DomainError):
        super().__init__(error.message)
        self.exit_code = getattr(error, "exit_status", 1)


def report_refusals(group: click.Group) -> None:
    """The one place the command line catches domain errors: every command of the group (and of its
    subgroups) ends a DomainError by rolling back and exiting with the message. Commands call their
    services and let refusals rise."""
    for command in group.commands.values():
        if isinstance(command, click.Group):
            report_refusals(command)
        elif command.callback is not None and not getattr(command.callback, "reports_refusals", False):
            command.callback = _reporting(command.callback)


def _reporting(callback):
    @functools.wraps(callback)
    def run(*args, **kwargs):
        try:
            return callback(*args, **kwargs)
        except DomainError as error:
            if has_app_context():
                db.session.rollback()
            raise Refused(error) from error

    run.reports_refusals = True
    return run


def _password(prompt: bool = True) -> str:
    password = os.environ.get("TRACKER_PASSWORD")
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < 12:
        raise click.ClickException("The password must be at least 12 characters long.")
    return password


def register(app: Flask) -> None:
    @app.cli.command("create-user")
    @click.option("--email", required=True)
    @click.option("--name", required=True)
    @click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
    @click.option("--agency", help="Agency name or short name (agency leads only).")
    def create_user_command(email: str, name: str, role: str, agency: str | None) -> None:
        """Create a user. The password comes from TRACKER_PASSWORD or the prompt."""
        agency_obj = None
        if agency:
            agency_obj = db.session.scalar(select(Agency).where(
                (func.lower(Agency.name) == agency.lower()) | (func.lower(Agency.short_name) == agency.lower())))
            if agency_obj is None:
                raise click.ClickException(f"No agency called {agency!r}.")
        user = create_user(email=email, name=name, role=role, agency=agency_obj, password=_password())
        db.session.commit()
        click.echo(f"Created {user.role_label.lower()} {user.email}.")

    @app.cli.command("create-admin")
    @click.option("--email", required=True)
    @click.option("--name", default="Administrator", show_default=True)
    def create_admin_command(email: str, name: str) -> None:
        """Create an administrator. The password comes from TRACKER_PASSWORD or the prompt."""
        user = create_user(email=email, name=name, role=Role.ADMIN, agency=None, password=_password())
        db.session.commit()
        click.echo(f"Created administrator {user.email}.")

    @app.cli.command("demo-data")
    @click.option("--if-empty", is_flag=True, help="Do nothing if the database already has reviews.")
    @click.option("--today", "today_text", help="Build the demo around this date (YYYY-MM-DD).")
    @click.option("--scale", type=click.Choice(["demo", "large"]), default="demo", show_default=True,
                  help="demo: the two real reviews; large: ten years of a large partnership (about 400 "
                       "reviews, 12,000 actions, 60,000 updates, 300 users) on top of them.")
    @click.option("--seed", type=int, default=1, show_default=True, help="Random seed for --scale large.")
    def demo_data_command(if_empty: bool, today_text: str | None, scale: str, seed: int) -> None:
        """Load the two real reviews from the seeds with agencies, actions, updates and evidence."""
        if if_empty and db.session.scalar(select(func.count()).select_from(Review)):
            click.echo("The database already has data: demo data not loaded.")
            return
        day = date.fromisoformat(today_text) if today_text else today()
        started = time.monotonic()
        if scale == "large":
            summary = build_large(day, seed)
            search_index.rebuild(db.session.connection())  # the bulk inserts bypassed the session's listener
            summary += f" (seed {seed}, {time.monotonic() - started:.0f} s)"
        else:
            summary = build_demo(day)
        db.session.commit()
        click.echo(f"Loaded demo data: {summary}.")
        if not if_empty:  # `make run` passes --if-empty and prints the accounts itself
            click.echo(f"Demo accounts (password {DEMO_PASSWORD}):")
            for email, label in demo_accounts():
                click.echo(f"  {email:34} {label}")

    @app.cli.command("search-reindex")
    def search_reindex_command() -> None:
        """Write the search index again from the records (after loading data outside the app)."""
        count = search_index.rebuild(db.session.connection())
        db.session.commit()
        click.echo(f"Search index rebuilt: {count} entries.")

    @app.cli.command("sign-in-help")
    def sign_in_help_command() -> None:
        """Print the demo accounts, if the demo data is loaded."""
        accounts = [(e, label) for e, label in demo_accounts()
                    if db.session.scalar(select(User.id).where(User.email == e))]
        if not accounts:
            click.echo("Sign in with an account made by `flask create-admin`.")
            return
        click.echo(f"Sign in with one of these demo accounts; the password is {DEMO_PASSWORD}")
        for email, label in accounts:
            click.echo(f"  {email:34} {label}")
        click.echo("Administrators and the business unit also set up a time-based code at their first sign-in;")
        click.echo("for these demo accounts the current code is shown on screen.")
    backup.register(app)  # flask backup / flask restore
    storage_commands.register(app)  # flask storage check / sweep / migrate
    library_cli.register(app)  # flask import-national-listing
    reminders_cli.register(app)  # flask send-reminders
    ops_cli.register(app)  # flask check-config, flask migrate-once
    report_refusals(app.cli)  # last: the blueprints' commands (import-review, board-report) are in by now
