"""`flask storage ...`: the store's upkeep from the command line.

  check     is the configured store reachable and writable
  sweep     files without rows and rows without files, in every area (`--delete` removes the files)
  migrate   copy the local folders into the S3 store, checking every hash; run it again to resume

A file without a row is what a process killed between writing a file and committing its row leaves;
a row without a file is damage (a file removed by hand, a store restored from an older backup)."""

from __future__ import annotations

from collections.abc import Iterator

import click
from flask import Flask, current_app
from sqlalchemy import select

from tracker import storage as store_module
from tracker.evidence.models import Evidence
from tracker.extensions import db
from tracker.imports.models import ImportDraft, SourceDocument
from tracker.reports.models import BoardReport, PackRun, ReportTemplate
from tracker.storage import NotStored, Storage, StorageError, key_for, sha256_of
from tracker.storage.base import ChunkReader

#: Every column that names a stored file, by area, with the SHA-256 kept beside it (if any).
REFERENCES = (
    ("evidence", Evidence.stored_name, Evidence.sha256),
    ("imports", SourceDocument.stored_name, SourceDocument.sha256),
    ("imports", ImportDraft.stored_name, ImportDraft.sha256),
    ("reports", BoardReport.stored_name, BoardReport.sha256),
    ("reports", BoardReport.docx_stored_name, BoardReport.docx_sha256),
    ("reports", PackRun.stored_name, PackRun.sha256),
    ("reports", ReportTemplate.stored_name, ReportTemplate.sha256),
)


def referenced() -> dict[str, str | None]:
    """Every key the database names, with its expected SHA-256 (streamed from the database, in order)."""
    keys: dict[str, str | None] = {}
    for area, name, sha in REFERENCES:
        rows = db.session.execute(select(name, sha).where(name.is_not(None), name != "").order_by(name))
        for stored_name, digest in rows:
            keys[key_for(area, stored_name)] = digest
    return keys


def sweep(store: Storage, *, delete: bool = False) -> tuple[list[str], list[str]]:
    """(files without rows, rows without files); with `delete`, the files without rows are removed."""
    wanted = referenced()
    present = set(store.keys())
    orphans = sorted(present - wanted.keys())
    missing = sorted(set(wanted) - present)
    if delete:
        for key in orphans:
            # A row committed since the listing keeps its file.
            if key not in referenced_now(key):
                store.delete(key)
    return orphans, missing


def referenced_now(key: str) -> set[str]:
    area, _, name = key.partition("/")
    for each_area, column, _sha in REFERENCES:
        if each_area == area and db.session.scalar(select(column).where(column == name).limit(1)):
            return {key}
    return set()


def migrate(source: Storage, target: Storage, expected: dict[str, str | None]) -> Iterator[tuple[str, str]]:
    """Copy every object of `source` into `target`, yielding (key, outcome): "copied", "already there"
    (same SHA-256 in the target), or a failure to report. Each copy is read back and its hash checked."""
    for key in source.keys():
        try:
            source_sha = sha256_of(source, key)
            if expected.get(key) and expected[key] != source_sha:
                yield key, f"damaged in the local store (SHA-256 {source_sha[:12]}..., the database says " \
                           f"{expected[key][:12]}...): not copied"
                continue
            if target.exists(key) and sha256_of(target, key) == source_sha:
                yield key, "already there"
                continue
            opened = source.open(key)
            try:
                written = target.put(key, ChunkReader(opened))
            finally:
                opened.close()
            copied_sha = sha256_of(target, key)
            if written.sha256 != source_sha or copied_sha != source_sha:
                yield key, "copied but the copy's SHA-256 differs: run migrate again"
                continue
            yield key, "copied"
        except (StorageError, NotStored) as error:
            yield key, f"failed: {error.message}"


def register(app: Flask) -> None:
    group = click.Group("storage", help="The file store: check it, sweep orphans, migrate local files to S3.")

    @group.command("check")
    def check_command() -> None:
        """Say whether the configured store answers."""
        problem = store_module.storage().check()
        if problem:
            raise click.ClickException(problem)
        click.echo(f"The {store_module.storage().name} store answers.")

    @group.command("sweep")
    @click.option("--delete", is_flag=True, help="Remove the files that no row names.")
    def sweep_command(delete: bool) -> None:
        """Report files without rows and rows without files (exit status 1 if there are any)."""
        orphans, missing = sweep(store_module.storage(), delete=delete)
        for key in orphans:
            click.echo(f"file without a row: {key}" + (" (deleted)" if delete else ""))
        for key in missing:
            click.echo(f"row without a file: {key}")
        click.echo(f"{len(orphans)} files without rows{' deleted' if delete else ''}, "
                   f"{len(missing)} rows without files.")
        if missing or (orphans and not delete):
            raise SystemExit(1)

    @group.command("migrate")
    def migrate_command() -> None:
        """Copy the local folders into the S3 store set by TRACKER_S3_*, checking every SHA-256. Safe to
        run again: what is already there with the right hash is skipped."""
        source = store_module.build(current_app, "local")
        target = store_module.build(current_app, "s3")
        counts: dict[str, int] = {}
        failed = 0
        for key, outcome in migrate(source, target, referenced()):
            counts[outcome] = counts.get(outcome, 0) + 1
            if outcome not in ("copied", "already there"):
                failed += 1
                click.echo(f"{key}: {outcome}", err=True)
        click.echo(f"{counts.get('copied', 0)} copied, {counts.get('already there', 0)} already there, "
                   f"{failed} failed.")
        if failed:
            raise SystemExit(1)

    app.cli.add_command(group)
