"""Health endpoints for load balancers and orchestrators, both public, JSON and never cached.

/healthz: the process answers (no database: a slow database must not get healthy servers killed).
/readyz: the server can do its work: the database answers, its schema is at the migrations' head,
the task queue answers, and the file store answers (through the store's own `check()`, when the
storage backend registers itself as app.extensions["tracker_storage"]). 503 names the failing part."""

from __future__ import annotations

import os

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from tracker.extensions import db
from tracker.reports.tasks import huey
from tracker.web.views import public

bp = Blueprint("ops", __name__)


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/healthz")
@public
def healthz():
    return _no_store(jsonify(status="ok"))


def _migrations_directory() -> str:
    return current_app.extensions["migrate"].directory


def check_database() -> None:
    with db.engine.connect() as connection:
        connection.execute(text("SELECT 1"))


def check_migrations() -> None:
    script = ScriptDirectory(_migrations_directory())
    with db.engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    expected = set(script.get_heads())
    if current != expected:
        have = ", ".join(sorted(current)) or "none"
        raise RuntimeError(f"schema at {have}, code expects {', '.join(sorted(expected))}: run flask migrate-once")


def check_queue() -> None:
    storage = huey.storage
    if hasattr(storage, "conn") and hasattr(storage.conn, "ping"):  # Redis
        storage.conn.ping()
    else:
        storage.queue_size()


def check_storage() -> None:
    store = current_app.extensions.get("tracker_storage")
    if store is not None and hasattr(store, "check"):
        # The backends answer with the problem in words (tracker/storage/base.py), None when all is well.
        if problem := store.check():
            raise RuntimeError(problem)
    elif store is None:
        folder = current_app.config["UPLOAD_FOLDER"]
        os.makedirs(folder, exist_ok=True)
        if not os.access(folder, os.W_OK):
            raise RuntimeError("the upload folder is not writable")


CHECKS = (("database", check_database), ("migrations", check_migrations), ("queue", check_queue),
          ("storage", check_storage))


@bp.get("/readyz")
@public
def readyz():
    results, failing = {}, []
    for name, run in CHECKS:
        if "database" in failing and name == "migrations":
            results[name] = "skipped: no database"
            failing.append(name)
            continue
        try:
            run()
            results[name] = "ok"
        except Exception as error:  # noqa: BLE001 (any failure is "not ready", named; never a 500)
            # The detail (which may name hosts) goes to the log; the public answer names the part only.
            current_app.logger.warning("readiness check %s failed: %s: %s", name, type(error).__name__,
                                       str(error)[:300])
            results[name] = "failed"
            failing.append(name)
    if failing:
        response = jsonify(status="not ready", failing=failing, checks=results)
        response.status_code = 503
    else:
        response = jsonify(status="ready", checks=results)
    return _no_store(response)
