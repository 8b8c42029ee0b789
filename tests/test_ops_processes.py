"""Real processes: `flask migrate-once` waits for the migration lock, and gunicorn's master refuses to
start in production mode with an unsafe setting (tracker/ops/gunicorn_conf.py)."""

import fcntl
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy
from alembic.script import ScriptDirectory

from tracker.ops.cli import MIGRATION_LOCK_KEY

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _environment(tmp_path, **extra) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRACKER_", "FLASK_"))
           and k not in ("DATABASE_URL", "SECRET_KEY")}
    return env | {"INSTANCE_PATH": str(tmp_path / "instance"), "FLASK_APP": "wsgi.py"} | extra


def _head(database: Path) -> str | None:
    engine = sqlalchemy.create_engine(f"sqlite:///{database}")
    try:
        with engine.connect() as connection:
            return connection.execute(sqlalchemy.text("SELECT version_num FROM alembic_version")).scalar()
    finally:
        engine.dispose()


def _waiting_on(lock: Path, pids: set[int]) -> set[int]:
    """Which of `pids` are blocked on the flock of `lock`: Linux's /proc/locks lists each waiting
    request after "->", with its process id and the file's device:inode."""
    inode = str(os.stat(lock).st_ino)
    waiting = set()
    for line in Path("/proc/locks").read_text().splitlines():
        fields = line.split()
        if "->" in fields and fields[fields.index("->") + 1] == "FLOCK":
            pid, file = fields[fields.index("->") + 4:fields.index("->") + 6]
            if int(pid) in pids and file.rsplit(":", 1)[-1] == inode:
                waiting.add(int(pid))
    return waiting


def test_migrate_once_waits_for_the_lock_and_two_starting_together_both_succeed(tmp_path):
    env = _environment(tmp_path)
    database = tmp_path / "instance" / "tracker.sqlite"
    database.parent.mkdir()
    lock_path = database.parent / "tracker.sqlite.migrate-lock"
    lock = open(lock_path, "a")  # as another server holding it
    fcntl.flock(lock, fcntl.LOCK_EX)
    started = [subprocess.Popen([str(BIN / "flask"), "migrate-once"], cwd=ROOT, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    try:
        if Path("/proc/locks").exists():  # until both have built the app and wait on the lock
            pids, deadline = {p.pid for p in started}, time.monotonic() + 60
            while _waiting_on(lock_path, pids) != pids and time.monotonic() < deadline:
                assert [p.poll() for p in started] == [None, None]
                time.sleep(0.1)
            assert _waiting_on(lock_path, pids) == pids
        else:
            time.sleep(8)  # long enough for both to build the app and reach the lock
        assert [p.poll() for p in started] == [None, None]
        assert not database.exists() or _head(database) is None
    finally:
        fcntl.flock(lock, fcntl.LOCK_UN)
        lock.close()
    outputs = [p.communicate(timeout=120) for p in started]
    assert [p.returncode for p in started] == [0, 0], outputs
    assert all("Database at the latest migration" in out for out, _ in outputs)
    assert _head(database) == ScriptDirectory(str(ROOT / "migrations")).get_current_head()
    assert sum("Running upgrade  -> " in err for _, err in outputs) == 1  # one ran them, the other found none


def test_gunicorn_refuses_to_start_in_production_with_an_unsafe_setting(tmp_path):
    env = _environment(tmp_path, TRACKER_ENV="production", TRACKER_SECRET_KEY="changeme", TRACKER_WORKERS="1")
    result = subprocess.run([str(BIN / "gunicorn"), "-c", "tracker/ops/gunicorn_conf.py", "--bind", "127.0.0.1:0",
                             "wsgi:app"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "will not start in production mode" in result.stderr
    assert "TRACKER_SECRET_KEY: the secret key is a published example" in result.stderr
    assert "TRACKER_HTTPS" in result.stderr and "TRACKER_BASE_URL" in result.stderr
    assert "Booting worker" not in result.stderr  # refused by the master, before any worker


def test_migrate_once_on_postgresql_waits_for_the_advisory_lock(postgres_server, tmp_path):
    """The postgres tier (`--db=postgres`) only: another server holds the lock, this one waits."""
    if postgres_server is None:
        pytest.skip("runs in the postgres tier (--db=postgres)")
    admin = sqlalchemy.create_engine(postgres_server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sqlalchemy.text("CREATE DATABASE tracker_migrate_once"))
    url = postgres_server.replace("/postgres?", "/tracker_migrate_once?")
    engine = sqlalchemy.create_engine(url)
    holder = engine.connect()
    holder.execute(sqlalchemy.text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
    holder.commit()
    env = _environment(tmp_path, TRACKER_DATABASE_URL=url)
    process = subprocess.Popen([str(BIN / "flask"), "migrate-once"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(8)
        assert process.poll() is None  # waiting for the lock
        with engine.connect() as connection:
            assert not sqlalchemy.inspect(connection).has_table("alembic_version")
    finally:
        holder.execute(sqlalchemy.text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY})
        holder.close()
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    with engine.connect() as connection:
        head = connection.execute(sqlalchemy.text("SELECT version_num FROM alembic_version")).scalar()
    engine.dispose()
    admin.dispose()
    assert head == ScriptDirectory(str(ROOT / "migrations")).get_current_head()
