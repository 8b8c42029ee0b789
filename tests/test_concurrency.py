"""No lost updates: the version column, the conflict page, SQLite's locking, and a small run of the
load test (scripts/load_test.py) under gunicorn."""

import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy
from sqlalchemy import event, text

from tests.factories import make_action, make_agency, make_recommendation, make_review
from tracker.actions.models import Action
from tracker.extensions import db
from tracker.recommendations.models import Recommendation
from tracker.reviews.models import Review
from tracker.users.models import Role

ROOT = Path(__file__).resolve().parents[1]


def _version(page: str) -> str:
    return re.search(r'name="version"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="version"', page).group(1) or ""


def _action_form(action, description, version):
    return {"description": description, "owner_agency_id": str(action.owner_agency_id), "lead_id": "",
            "success_measure": "Audit", "version": version}


def test_a_stale_action_edit_gets_the_conflict_page_and_keeps_what_was_typed(app, client, login_as):
    action = make_action(status="open", description="Original wording.")
    db.session.commit()
    login_as(Role.BUSINESS_UNIT)
    opened = _version(client.get(f"/actions/{action.id}/edit").get_data(as_text=True))
    # Someone else saves first.
    saved = client.post(f"/actions/{action.id}/edit", data=_action_form(action, "Their newer wording.", opened))
    assert saved.status_code == 302
    response = client.post(f"/actions/{action.id}/edit", data=_action_form(action, "My <b>stale</b> wording.", opened))
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else changed this action" in page
    assert "Their newer wording." in page  # the saved version
    assert "My &lt;b&gt;stale&lt;/b&gt; wording." in page and "<b>stale" not in page  # what was typed, as text
    assert db.session.get(Action, action.id).description == "Their newer wording."
    # Saving again from the conflict page (now against the current version) goes through.
    again = client.post(f"/actions/{action.id}/edit", data=_action_form(action, "Merged wording.", _version(page)))
    assert again.status_code == 302
    assert db.session.get(Action, action.id).description == "Merged wording."


def test_a_stale_recommendation_and_review_edit_are_refused(app, client, login_as):
    agency = make_agency()
    review = make_review(reference="CONFLICT-1", title="Child C")
    rec = make_recommendation(review=review, number="4", text="Original text.", addressees=[agency])
    db.session.commit()
    login_as(Role.BUSINESS_UNIT)
    rec_form = {"number": "4", "text": "Typed text.", "kind": "partnership", "addressees": [str(agency.id)],
                "version": "1"}
    rec.text = "Someone else's text."
    db.session.commit()
    response = client.post(f"/recommendations/{rec.id}/edit", data=rec_form)
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "Someone else&#39;s text." in page and "Typed text." in page
    assert db.session.get(Recommendation, rec.id).text == "Someone else's text."

    review_form = {"reference": "CONFLICT-1", "title": "Typed title", "review_type": "cspr", "status": "published",
                   "version": "1"}
    review.title = "Their title"
    db.session.commit()
    response = client.post(f"/reviews/{review.id}/edit", data=review_form)
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "Their title" in page and 'value="Typed title"' in page
    assert db.session.get(Review, review.id).title == "Their title"


def test_a_change_between_read_and_write_is_a_conflict_not_an_overwrite(app, client, login_as, monkeypatch):
    """The row changes after the view checked the form's version (two saves at the same moment):
    SQLAlchemy's version check on the UPDATE catches it."""
    from tracker.actions import services

    action = make_action(status="open", description="Original wording.")
    db.session.commit()
    login_as(Role.BUSINESS_UNIT)
    version = _version(client.get(f"/actions/{action.id}/edit").get_data(as_text=True))
    real_edit = services.edit_action

    def racing_edit(target, **kwargs):
        db.session.execute(text("UPDATE actions SET description = 'Raced in.', version = version + 1 "
                                "WHERE id = :id"), {"id": target.id})
        return real_edit(target, **kwargs)

    monkeypatch.setattr(services, "edit_action", racing_edit)
    response = client.post(f"/actions/{action.id}/edit", data=_action_form(action, "Mine.", version))
    assert response.status_code == 409
    assert db.session.get(Action, action.id).description == "Original wording."  # the whole request rolled back


def test_sqlite_runs_in_wal_mode_with_full_sync_and_a_busy_timeout(app, database_backend):
    if database_backend != "sqlite":
        pytest.skip("SQLite only")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_a_state_changing_request_takes_the_write_lock_first(app, client, login_as, database_backend):
    if database_backend != "sqlite":
        pytest.skip("SQLite only")
    login_as(Role.BUSINESS_UNIT)
    statements = []
    listener = lambda conn, cursor, statement, *rest: statements.append(statement)  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        client.post("/themes/new", data={"name": "Locking", "description": "x"})
        post_statements = list(statements)
        statements.clear()
        client.get("/themes/")
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert post_statements[0] == "BEGIN IMMEDIATE"
    assert "BEGIN IMMEDIATE" not in statements  # a page view reads without taking the lock


def test_why_begin_immediate(tmp_path):
    """The measurement behind the choice: a deferred transaction that reads, then writes after another
    connection has committed, fails at once with "database is locked" whatever the busy timeout."""
    path = tmp_path / "demo.sqlite"
    setup = sqlite3.connect(path)
    setup.executescript("PRAGMA journal_mode=WAL; CREATE TABLE t (n INTEGER); INSERT INTO t VALUES (0);")
    setup.close()
    first = sqlite3.connect(path, timeout=2, isolation_level=None)
    second = sqlite3.connect(path, timeout=2, isolation_level=None)
    first.execute("BEGIN")
    first.execute("SELECT n FROM t").fetchone()
    second.execute("BEGIN IMMEDIATE")
    second.execute("UPDATE t SET n = n + 1")
    second.execute("COMMIT")
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        first.execute("UPDATE t SET n = n + 1")
    first.execute("ROLLBACK")
    first.close()
    second.close()


def test_load_test_under_gunicorn_loses_nothing(postgres_server, tmp_path):
    """A small run of scripts/load_test.py: 8 clients, 2 gunicorn workers, 3 actions."""
    command = [sys.executable, str(ROOT / "scripts" / "load_test.py"), "--clients", "8", "--workers", "2",
               "--saves", "4", "--json"]
    if postgres_server is not None:
        engine = sqlalchemy.create_engine(postgres_server, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("CREATE DATABASE tracker_load"))
        engine.dispose()
        command += ["--database-url", postgres_server.replace("/postgres?", "/tracker_load?")]
    run = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=ROOT)
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["passed"], result
    assert result["saved"] == 32 and result["lost_updates"] == 0 and result["errors_5xx"] == 0
    assert result["locked"] == 0 and result["server_log_locked"] == 0
