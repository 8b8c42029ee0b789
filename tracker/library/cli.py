"""flask import-national-listing FILE: load the national case review repository listing."""

from pathlib import Path

import click
from flask import Flask

from tracker.extensions import db
from tracker.library.listing import parse_listing
from tracker.library.services import import_listing


def register(app: Flask) -> None:
    @app.cli.command("import-national-listing")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    def import_national_listing_command(file: Path) -> None:
        """Load the listing into the library. Run again with a newer listing: entries already there
        are updated, none is doubled."""
        entries = parse_listing(file.read_text(encoding="utf-8", errors="replace"))
        if not entries:
            raise click.ClickException(f"No reviews found in {file}: is it the national repository listing?")
        with click.progressbar(entries, label=f"Importing {len(entries)} reviews", show_pos=True) as bar:
            result = import_listing(entries, progress=lambda items: bar)
        db.session.commit()
        click.echo(f"Library: {result.created} added, {result.updated} updated, {result.unchanged} unchanged; "
                   f"{result.themes_created} new themes from keywords.")
