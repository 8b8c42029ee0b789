"""Stored files behind one interface (`base.Storage`): a local folder by default, or an S3-compatible
object store with TRACKER_STORAGE=s3. `init_app` puts the configured store in
`app.extensions["tracker_storage"]` (its `.check()` is what the readiness view asks); `storage()` is
the current app's.

Files and rows agree: `put_with_row` writes the object first and, should the transaction that adds
its row roll back (or the session close without a commit), deletes it again; `delete_with_row`
deletes an object only once the removal of its row has been committed. A process killed between the
two leaves a file without a row, which `flask storage sweep` reports and cleans. `put_all_with_row`
writes the several files of one row all or none.

`open_verified` is how a file kept unchanged with its SHA-256 (a board report, a pack) is served: copied
from the store into a temporary file while it is hashed, refused if damaged, then streamed from there."""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from tracker.storage.base import (AREAS, Damaged, HashingReader, NotStored, Opened, Storage, StorageError,
                                  Written, check_key, key_for, sha256_of)
from tracker.storage.local import LocalStorage
from tracker.storage.s3 import S3Storage

__all__ = ["AREAS", "Damaged", "HashingReader", "NotStored", "Opened", "Storage", "StorageError", "Written",
           "check_key", "key_for", "sha256_of", "LocalStorage", "S3Storage", "init_app", "storage", "build",
           "put_with_row", "put_all_with_row", "delete_with_row", "Verified", "open_verified"]

EXTENSION = "tracker_storage"
SETTINGS = ("STORAGE", "S3_ENDPOINT", "S3_BUCKET", "S3_ACCESS_KEY", "S3_SECRET_KEY", "S3_REGION")
_WRITTEN = "tracker_storage_written"
_DELETED = "tracker_storage_deleted"
#: A verified copy stays in memory up to this size, then goes to a temporary file on disk.
SPOOL_BYTES = 1024 * 1024


def setting(app: Flask, name: str) -> str:
    """App config first (tests, instance/config.py), then the TRACKER_ environment variable."""
    value = app.config.get(name)
    if value is None:
        value = os.environ.get(f"TRACKER_{name}", "")
    return str(value or "")


def local_roots(app: Flask) -> dict[str, Path]:
    instance = Path(app.instance_path)
    return {"evidence": Path(app.config.get("UPLOAD_FOLDER") or instance / "evidence"),
            "imports": Path(app.config.get("IMPORT_FOLDER") or instance / "imports"),
            "reports": Path(app.config.get("REPORT_FOLDER") or instance / "reports")}


def build(app: Flask, kind: str | None = None) -> Storage:
    """The store the app's settings describe (or the one of `kind`, for `flask storage migrate`)."""
    kind = (kind or setting(app, "STORAGE") or "local").lower()
    if kind == "local":
        return LocalStorage(local_roots(app))
    if kind == "s3":
        bucket = setting(app, "S3_BUCKET")
        if not bucket:
            raise RuntimeError("TRACKER_STORAGE=s3 needs TRACKER_S3_BUCKET.")
        return S3Storage(endpoint=setting(app, "S3_ENDPOINT"), bucket=bucket,
                         access_key=setting(app, "S3_ACCESS_KEY"), secret_key=setting(app, "S3_SECRET_KEY"),
                         region=setting(app, "S3_REGION"))
    raise RuntimeError(f"TRACKER_STORAGE must be local or s3, not {kind!r}.")


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = build(app)


def storage() -> Storage:
    return current_app.extensions[EXTENSION]


def put_with_row(session: Session, key: str, source: BinaryIO) -> Written:
    """Write the object now; it is deleted again unless `session`'s transaction commits."""
    store = storage()
    written = store.put(key, source)
    session.info.setdefault(_WRITTEN, []).append((store, key))
    return written


def put_all_with_row(session: Session, items: list[tuple[str, BinaryIO]]) -> list[Written]:
    """Several objects for one row, all or none: should one write fail, those written before it are
    deleted at once (not at the rollback: the caller may still commit the row, to say it failed)."""
    done: list[Written] = []
    try:
        for key, source in items:
            done.append(put_with_row(session, key, source))
    except StorageError:
        pending = session.info.get(_WRITTEN, [])
        for written in done:
            store = storage()
            if (store, written.key) in pending:
                pending.remove((store, written.key))
            try:
                store.delete(written.key)
            except StorageError:
                pass  # the store is down: the sweep finds the object later
        raise
    return done


def delete_with_row(session: Session, key: str) -> None:
    """Delete the object once `session`'s transaction commits (never before: a rollback keeps it)."""
    session.info.setdefault(_DELETED, []).append((storage(), key))


@dataclass(frozen=True)
class Verified:
    """A stored object's verified copy, at its start: `file` is closed by whoever sends it."""

    file: BinaryIO
    size: int


def open_verified(key: str, sha256: str | None) -> Verified:
    """The object, checked against the SHA-256 taken when it was stored, before any of it is sent
    (Damaged if it no longer matches). The copy is in memory up to SPOOL_BYTES, then on disk: a web
    worker's memory does not grow with the file's size."""
    opened = storage().open(key)
    copy = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
    digest = hashlib.sha256()
    size = 0
    try:
        for block in opened:
            digest.update(block)
            copy.write(block)
            size += len(block)
    except BaseException:
        copy.close()
        raise
    finally:
        opened.close()
    if digest.hexdigest() != sha256:
        copy.close()
        raise Damaged(f"The stored file {key} no longer matches its SHA-256.")
    copy.seek(0)
    return Verified(copy, size)


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    session.info.pop(_WRITTEN, None)
    for store, key in session.info.pop(_DELETED, []):
        try:
            store.delete(key)
        except StorageError:
            pass  # left for `flask storage sweep`: a file without a row, never a row without a file


@event.listens_for(Session, "after_transaction_end")
def _ended(session: Session, transaction) -> None:
    if transaction.parent is not None:
        return
    session.info.pop(_DELETED, None)
    for store, key in session.info.pop(_WRITTEN, []):
        try:
            store.delete(key)
        except StorageError:
            pass  # the store is down: the sweep finds the object later
