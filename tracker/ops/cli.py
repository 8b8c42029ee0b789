"""flask check-config (what a production install must change) and flask migrate-once (the schema
upgraded by exactly one of several servers starting together)."""

from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path

import click
import flask_migrate
from flask import Flask, current_app
from sqlalchemy import text

from tracker.extensions import db
from tracker.ops import checks

#: pg_advisory_lock's key for migrations: any fixed 64-bit number no other code uses.
MIGRATION_LOCK_KEY = 0x46_54_4D_49_47  # "FTMIG"


@contextmanager
def migration_lock():
    """Held by one process at a time, across servers: a PostgreSQL advisory lock (on its own
    connection, released when it closes), or on SQLite an exclusive file lock beside the database."""
    engine = db.engine
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
            connection.commit()
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY})
                connection.commit()
        return
    database = engine.url.database
    folder = Path(database).resolve().parent if database and database != ":memory:" else Path(current_app.instance_path)
    lock_path = folder / ((Path(database).name if database and database != ":memory:" else "tracker") + ".migrate-lock")
    with open(lock_path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def register(app: Flask) -> None:
    @app.cli.command("check-config")
    def check_config_command() -> None:
        """List what is missing or unsafe for production; exit status 1 if anything is unsafe."""
        found = checks.problems(current_app.config, debug=current_app.debug)
        mode = "production" if checks.is_production(current_app.config) else "development (TRACKER_ENV is not production)"
        click.echo(f"Mode: {mode}. {current_app.config.get('SERVERS', 1)} server(s) of "
                   f"{checks.web_workers(current_app.config)} worker(s).")
        for problem in found:
            click.echo(problem.line())
        unsafe = [p for p in found if p.level == checks.UNSAFE]
        if unsafe:
            click.echo(f"{len(unsafe)} unsafe setting(s): production mode refuses to start until they are changed.")
            raise SystemExit(1)
        click.echo("Nothing unsafe for production." + (" Some features are off (above)." if found else ""))

    @app.cli.command("migrate-once")
    def migrate_once_command() -> None:
        """Upgrade the database to the latest migration, one server at a time: the others wait for
        the lock, then find nothing left to do."""
        with migration_lock():
            flask_migrate.upgrade()
            click.echo(f"Database at the latest migration (process {os.getpid()}).")
