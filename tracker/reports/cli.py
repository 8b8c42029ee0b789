"""`flask board-report`: generate and archive a board report from the command line."""

from datetime import date
from pathlib import Path

import click
from sqlalchemy import func, select

from tracker.core.clock import today
from tracker.extensions import db
from tracker.reports.models import ReportStatus
from tracker.reports.render import RenderError, html_to_pdf
from tracker.reports.schedule import run_schedule
from tracker.reports.services import generate_report, request_report, verified_pdf
from tracker.reports.yearly import build_chapter, chapter_docx, chapter_html
from tracker.users.models import User


def _iso_date(ctx, param, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("use the form YYYY-MM-DD, for example 2026-03-31") from None


def register(bp) -> None:
    @bp.cli.command("yearly-report")
    @click.option("--year", required=True, type=click.IntRange(2000, 2100),
                  help="The reporting year, by the year it starts in (2025: April 2025 to March 2026 by default).")
    @click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
                  help="Where to write it: a .docx file, or .pdf.")
    def yearly_report_command(year: int, output: Path) -> None:
        """Write the yearly report's chapter on learning from reviews, as Word or PDF."""
        suffix = output.suffix.lower()
        if suffix not in (".docx", ".pdf"):
            raise click.BadParameter("the file must end in .docx or .pdf", param_hint="--output")
        chapter = build_chapter(year, today())
        if suffix == ".docx":
            output.write_bytes(chapter_docx(chapter))
        else:
            try:
                output.write_bytes(html_to_pdf(chapter_html(chapter)).pdf)
            except RenderError as error:
                raise click.ClickException(str(error)) from None
        click.echo(f"Wrote {output}: {chapter.title} ({chapter.label}), {len(chapter.published)} reviews "
                   f"published, {len(chapter.implementation)} recommendations, "
                   f"{sum(line.evidence for line in chapter.impact)} evidence of impact.")

    @bp.cli.command("prepare-board-papers")
    @click.option("--today", "day", callback=lambda ctx, param, value: _iso_date(ctx, param, value) if value else None,
                  help="The day to run for, YYYY-MM-DD (default: today).")
    def prepare_board_papers_command(day: date | None) -> None:
        """Prepare the draft report and agency packs of every board meeting whose day has come, and email
        the links (the task queue does this every hour)."""
        result = run_schedule(day or today())
        click.echo(result.summary())
        if result.failed:
            raise SystemExit(1)

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
