"""flask import-review FILE [--dry-run] [--json] [--review REF | --title T --type TYPE]."""

import json
from collections import Counter
from pathlib import Path

import click
from flask import Blueprint
from sqlalchemy import func, select

from tracker.audit.services import as_system_job
from tracker.core.clock import today
from tracker.extensions import db
from tracker.imports import extract as ex
from tracker.reviews.models import Review, ReviewType

#: How the audit names the changes the command makes.
SYSTEM_JOB = "import-review command"


def register(bp: Blueprint) -> None:
    @bp.cli.command("import-review")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--dry-run", is_flag=True, help="Show what would be imported; save nothing.")
    @click.option("--json", "as_json", is_flag=True, help="Print the extracted items as JSON.")
    @click.option("--review", "reference", help="Reference of an existing review to add the items to.")
    @click.option("--title", help="Title of the new review (when --review is not given).")
    @click.option("--type", "review_type", type=click.Choice([t.value for t in ReviewType]), default="cspr",
                  show_default=True, help="Type of the new review.")
    @click.option("--reference", "new_reference", help="Reference of the new review (made up if not given).")
    def import_review_command(file: Path, dry_run: bool, as_json: bool, reference: str | None, title: str | None,
                              review_type: str, new_reference: str | None) -> None:
        """Find the recommendations and learning points in a review document (PDF, .docx, .html, .txt, .md)."""
        # Imported when the command runs: the document readers load PDFium and the OCR and Word
        # libraries, which `flask` itself, starting for any other command, has no need of.
        from tracker.imports import reading, services

        data = file.read_bytes()
        services.check_document(file.name, data, max(len(data), 1))
        result = reading.read_document(file.name, data,
                                       known_agencies=services.known_agency_names(services.all_agencies()))
        if as_json:
            click.echo(json.dumps([i.as_dict() for i in result.items], indent=2, ensure_ascii=False))
        else:
            counts = Counter(i.kind for i in result.items)
            click.echo(f"{file.name}: {counts[ex.RECOMMENDATION]} recommendations, "
                       f"{counts[ex.SINGLE_AGENCY]} single-agency recommendations, "
                       f"{counts[ex.LEARNING_POINT]} learning points")
            for owner, items in result.by_owner().items():
                click.echo(f"  {owner}: {len(items)}")
        for warning in result.warnings:
            click.echo(f"Warning: {warning}", err=True)
        if dry_run:
            return
        review = None
        if reference:
            review = db.session.scalar(select(Review).where(func.lower(Review.reference) == reference.lower()))
            if review is None:
                raise click.ClickException(f"No review with the reference {reference!r}.")
        elif not title:
            raise click.ClickException("Give --review REF to add to an existing review, or --title for a new one.")
        # Nobody is signed in: the review, its recommendations and their proposed actions are recorded
        # in the audit as made by this command, as a named system job.
        with as_system_job(SYSTEM_JOB):
            summary = services.import_file(filename=file.name, data=data, review=review,
                                           new_review={"title": title, "review_type": review_type,
                                                       "reference": new_reference or ""}, today=today())
            db.session.commit()
        click.echo(f"Saved: {summary.describe()}.", err=as_json)
