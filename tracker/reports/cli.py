"""`flask board-report`: generate and archive a board report from the command line."""

from datetime import date
from pathlib import Path

import click
from sqlalchemy import func, select

from tracker.clock import today
from tracker.extensions import db
from tracker.reports.models import ReportStatus
from tracker.reports.services import generate_report, request_report, verified_pdf
from tracker.users.models import User


def _iso_date(ctx, param, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("use the form YYYY-MM-DD, for example 2026-03-31") from None


def register(bp) -> None:
    @bp.cli.command("board-report")
    @click.option("--as-at", "as_at", required=True, callback=_iso_date, help="The as-at date, YYYY-MM-DD.")
    @click.option("--review", help="Only this review (its reference).")
    @click.option("--agency", help="Only actions owned by this agency (name or short name).")
    @click.option("--theme", help="Only recommendations and reviews with this theme.")
    @click.option("--as-user", "as_user", help="Email of the user named as generating it (default: command line).")
    @click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
                  help="Where to write the PDF.")
    def board_report_command(as_at: date, review, agency, theme, as_user, output: Path) -> None:
        """Generate a board assurance report, keep it in the archive and write the PDF to a file."""
        user = None
        if as_user:
            user = db.session.scalar(select(User).where(func.lower(User.email) == as_user.strip().lower()))
            if user is None:
                raise click.ClickException(f"No user with the email {as_user}.")
        report = request_report(as_at=as_at, today=today(), review=review, agency=agency, theme=theme, by=user)
        db.session.commit()
        generate_report(report, on_progress=lambda text: click.echo(text))
        db.session.commit()
        if report.status != ReportStatus.DONE:
            raise click.ClickException(report.error or "The report could not be generated.")
        output.write_bytes(verified_pdf(report))
        click.echo(f"Wrote {output} ({report.page_count} pages, {report.action_count} actions, "
                   f"{report.size_bytes:,} bytes). Archived as report {report.id}, SHA-256 {report.sha256}.")
