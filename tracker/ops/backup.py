"""`flask backup FILE` and `flask restore FILE`: the database and every stored file in one archive.

The archive is a gzipped tar with:
  manifest.json   format, when, which database, the schema revision, and the SHA-256 of every file
  database.sqlite a consistent copy made with SQLite's online backup API (safe while the app runs), or
  database.dump   pg_dump's custom format, for PostgreSQL
  evidence/...    every object of the file store by its key (evidence/, imports/, reports/), read from
  imports/...     whichever store is configured (local folders or S3) and restored into whichever is
  reports/...     configured where it is restored: a backup also moves an instance between the two

`restore` checks every sum before it changes anything, and only restores into an empty database
unless --force is given."""

import glob
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

import click
from flask import Flask
from sqlalchemy import inspect, text

from tracker.extensions import db
from tracker.storage import AREAS, HashingReader, StorageError, storage
from tracker.storage.base import ChunkReader

FORMAT = 1
MANIFEST = "manifest.json"


class BackupError(click.ClickException):
    pass


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def _pg_tool(name: str) -> str:
    found = shutil.which(name) or sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise BackupError(f"{name} is not installed: install PostgreSQL's client tools.")
    return found if isinstance(found, str) else found[-1]


def _libpq_url() -> str:
    return db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def _revision() -> str | None:
    with db.engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _dump_database(folder: Path) -> str:
    engine = db.engine
    if engine.dialect.name == "sqlite":
        target = folder / "database.sqlite"
        source = sqlite3.connect(engine.url.database)
        dest = sqlite3.connect(target)
        try:
            with dest:
                source.backup(dest)
            dest.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            dest.close()
            source.close()
        return target.name
    if engine.dialect.name == "postgresql":
        target = folder / "database.dump"
        subprocess.run([_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
                        f"--file={target}", f"--dbname={_libpq_url()}"], check=True, capture_output=True)
        return target.name
    raise BackupError(f"Backups of {engine.dialect.name} databases are not supported.")


def create_backup(archive: Path) -> dict:
    """Write the archive; return its manifest. Stored files stream from the store into the archive."""
    store = storage()
    now = int(datetime.now(UTC).timestamp())
    with tempfile.TemporaryDirectory(prefix="tracker-backup-") as tmp:
        folder = Path(tmp)
        db_name = _dump_database(folder)
        files = {db_name: _sha256(folder / db_name)}
        archive.parent.mkdir(parents=True, exist_ok=True)
        partial = archive.with_name(archive.name + ".partial")
        try:
            with tarfile.open(partial, "w:gz") as tar:
                tar.add(folder / db_name, arcname=db_name)
                for key in store.keys():
                    opened = store.open(key)
                    try:
                        reader = HashingReader(ChunkReader(opened))
                        info = tarfile.TarInfo(key)
                        info.size, info.mode, info.mtime = opened.size, 0o600, now
                        tar.addfile(info, reader)
                    finally:
                        opened.close()
                    files[key] = reader.digest.hexdigest()
                manifest = {
                    "format": FORMAT, "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                    "database": db.engine.dialect.name, "revision": _revision(), "files": files,
                }
                data = json.dumps(manifest, indent=2, sort_keys=True).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mode, info.mtime = len(data), 0o600, now
                tar.addfile(info, io.BytesIO(data))
        except StorageError as error:
            partial.unlink(missing_ok=True)
            raise BackupError(f"The file store could not be read: {error.message}") from error
        os.chmod(partial, 0o600)
        os.replace(partial, archive)
    return manifest


def _unpack(archive: Path, folder: Path) -> dict:
    """Extract into `folder` after checking the names; then check every file against the manifest."""
    try:
        tar = tarfile.open(archive, "r:gz")
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"{archive} is not a backup made by `flask backup`.") from error
    with tar:
        members = tar.getmembers()
        for member in members:
            parts = PurePosixPath(member.name).parts
            if not member.isfile() or member.name.startswith("/") or ".." in parts:
                raise BackupError(f"The archive holds an unexpected entry: {member.name!r}.")
        tar.extractall(folder, filter="data")
    manifest_path = folder / MANIFEST
    if not manifest_path.is_file():
        raise BackupError("The archive has no manifest.")
    manifest = json.loads(manifest_path.read_text())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    present = {m.name for m in members} - {MANIFEST}
    if present != set(manifest["files"]):
        raise BackupError("The archive's files do not match its manifest.")
    for name, expected in manifest["files"].items():
        if _sha256(folder / name) != expected:
            raise BackupError(f"{name} is damaged: its SHA-256 sum does not match the manifest.")
    return manifest


def _database_is_empty() -> bool:
    with db.engine.connect() as conn:
        tables = set(inspect(conn).get_table_names()) - {"alembic_version"}
        if not tables:
            return True
        return all(conn.execute(text(f'SELECT COUNT(*) FROM "{t}"')).scalar() == 0 for t in tables)


def _restore_database(folder: Path, manifest: dict) -> None:
    engine = db.engine
    kind = manifest["database"]
    if kind != engine.dialect.name:
        raise BackupError(f"This backup holds a {kind} database; this instance uses {engine.dialect.name}.")
    db.session.remove()
    engine.dispose()
    if kind == "sqlite":
        source = sqlite3.connect(folder / "database.sqlite")
        dest = sqlite3.connect(engine.url.database)
        try:
            source.backup(dest)
            dest.execute("PRAGMA journal_mode=WAL")
        finally:
            dest.close()
            source.close()
    else:
        subprocess.run([_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
                        "--single-transaction", "--exit-on-error", f"--dbname={_libpq_url()}",
                        str(folder / "database.dump")], check=True, capture_output=True)
    engine.dispose()


def restore_backup(archive: Path, *, force: bool = False) -> dict:
    store = storage()
    with tempfile.TemporaryDirectory(prefix="tracker-restore-") as tmp:
        folder = Path(tmp)
        manifest = _unpack(archive, folder)
        if not force and not _database_is_empty():
            raise BackupError("The database already holds records: restore into an empty instance, "
                              "or pass --force to replace everything.")
        try:
            if not force and next(iter(store.keys()), None) is not None:
                raise BackupError(f"The {store.name} file store already holds files: restore into an empty "
                                  "instance, or pass --force to replace everything.")
            _restore_database(folder, manifest)
            for key in list(store.keys()):
                store.delete(key)
            for area in AREAS:
                source = folder / area
                if not source.is_dir():
                    continue
                for path in sorted(p for p in source.iterdir() if p.is_file()):
                    with open(path, "rb") as handle:
                        store.put(f"{area}/{path.name}", handle)
        except StorageError as error:
            raise BackupError(f"The file store could not be written: {error.message}") from error
    return manifest


def register(app: Flask) -> None:
    @app.cli.command("backup")
    @click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
    def backup_command(file: Path) -> None:
        """Back up the database and the stored files into FILE (a .tar.gz with SHA-256 sums)."""
        manifest = create_backup(file)
        click.echo(f"Backed up the {manifest['database']} database and {len(manifest['files']) - 1} stored "
                   f"files to {file}.")

    @app.cli.command("restore")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--force", is_flag=True, help="Replace a database and file store that are not empty.")
    def restore_command(file: Path, force: bool) -> None:
        """Restore the database and the stored files from a FILE made by `flask backup`."""
        manifest = restore_backup(file, force=force)
        click.echo(f"Restored the backup of {manifest['created_at']} ({len(manifest['files']) - 1} stored "
                   f"files). Run `flask db upgrade` if this version of the app is newer.")
