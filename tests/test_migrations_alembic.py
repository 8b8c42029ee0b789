"""pytest-alembic's standard tests on every revision, on the database the suite runs on (SQLite, or
PostgreSQL with --db=postgres): a single head, upgrade from empty one revision at a time, the models
match the migrated schema, and every revision downgrades back to where it came from."""

import hashlib
import io
import itertools
from pathlib import Path

import pytest
import pytest_alembic
import sqlalchemy
from flask import current_app
from pytest_alembic.tests import default

from tracker import create_app
from tracker.extensions import db
from tracker.storage import LocalStorage, S3Storage

ROOT = Path(__file__).resolve().parents[1]
_n = itertools.count(1)


@pytest.fixture
def alembic_runner(postgres_server, tmp_path):
    if postgres_server is None:
        uri = f"sqlite:///{tmp_path / 'alembic.sqlite'}"
    else:
        name = f"tracker_alembic_{next(_n)}"
        engine = sqlalchemy.create_engine(postgres_server, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(sqlalchemy.text(f"CREATE DATABASE {name}"))
        engine.dispose()
        uri = postgres_server.replace("/postgres?", f"/{name}?")
    app = create_app({"SQLALCHEMY_DATABASE_URI": uri})
    config = pytest_alembic.Config(config_options={"file": str(ROOT / "migrations" / "alembic.ini"),
                                                   "script_location": str(ROOT / "migrations")})
    with app.app_context():  # migrations/env.py takes its engine from the app
        with pytest_alembic.runner(config=config, engine=db.engine) as runner:
            yield runner
        db.engine.dispose()


@pytest.mark.parametrize("check", ["test_single_head_revision", "test_upgrade", "test_model_definitions_match_ddl",
                                   "test_up_down_consistency"])
def test_pytest_alembic_standard(alembic_runner, check):
    getattr(default, check)(alembic_runner)


def test_formal_responses_are_copied_to_every_addressee(alembic_runner):
    """7d3a9e4c1f23: the single response becomes each addressee's, published reviews get a deadline,
    and rebuilding the recommendations table loses none of its addressees or actions."""
    alembic_runner.migrate_up_to("6c2f8d3b0e12")  # the revision before 7d3a9e4c1f23
    at = "2025-01-01 00:00:00+00:00"
    with db.engine.begin() as conn:
        run = lambda sql, **values: conn.execute(sqlalchemy.text(sql), values)  # noqa: E731
        run("INSERT INTO agencies (id, name, short_name, kind, aliases, active, created_at) VALUES "
            "(1, 'Police', 'P', 'agency', '[]', true, :at), (2, 'Health', 'H', 'agency', '[]', true, :at)", at=at)
        run("INSERT INTO reviews (id, reference, title, review_type, status, lead_reviewer, summary, "
            "source_document, created_at, version, published_date) VALUES "
            "(1, 'R1', 'Child', 'cspr', 'published', '', '', '', :at, 1, '2025-01-10'), "
            "(2, 'R2', 'Child', 'cspr', 'drafting', '', '', '', :at, 1, NULL)", at=at)
        run("INSERT INTO recommendations (id, review_id, number, sort_key, text, kind, response, response_reasons, "
            "response_date, created_at, version) VALUES "
            "(1, 1, '1', '0:1', 't', 'partnership', 'partly_accepted', 'In part.', '2025-02-01', :at, 1), "
            "(2, 1, '2', '0:2', 't', 'partnership', NULL, '', NULL, :at, 1)", at=at)
        run("INSERT INTO recommendation_addressees VALUES (1, 1), (1, 2), (2, 1)")
        run("INSERT INTO actions (id, recommendation_id, review_id, description, owner_agency_id, success_measure, "
            "original_due_date, due_date, status, status_reason, completed_late, created_at, updated_at, version) "
            "VALUES (1, 1, 1, 'Do it', 1, '', '2025-06-01', '2025-06-01', 'open', '', false, :at, :at, 1)", at=at)
    alembic_runner.migrate_up_one()
    with db.engine.connect() as conn:
        rows = conn.execute(sqlalchemy.text(
            "SELECT recommendation_id, agency_id, response, reasons, response_date FROM recommendation_responses "
            "ORDER BY agency_id")).all()
        deadlines = dict(conn.execute(sqlalchemy.text("SELECT id, response_deadline FROM reviews")).all())
        addressees = conn.execute(sqlalchemy.text("SELECT count(*) FROM recommendation_addressees")).scalar()
        actions = conn.execute(sqlalchemy.text("SELECT count(*) FROM actions")).scalar()
    assert [(r[0], r[1], r[2], r[3], str(r[4])) for r in rows] == [
        (1, 1, "partly_accepted", "In part.", "2025-02-01"), (1, 2, "partly_accepted", "In part.", "2025-02-01")]
    assert str(deadlines[1]) == "2025-02-07" and deadlines[2] is None
    assert (addressees, actions) == (3, 1)
    alembic_runner.migrate_down_one()
    with db.engine.connect() as conn:
        back = conn.execute(sqlalchemy.text(
            "SELECT id, response, response_date FROM recommendations ORDER BY id")).all()
        assert conn.execute(sqlalchemy.text("SELECT count(*) FROM actions")).scalar() == 1
    assert [(r[0], r[1], str(r[2]) if r[2] else None) for r in back] == [
        (1, "partly_accepted", "2025-02-01"), (2, None, None)]


def test_enum_checks_are_replaced_and_the_data_kept(alembic_runner):
    """563cc4ce31f5: every Enum column's CHECK is the generated one; rebuilding the referenced tables
    (on SQLite) cascades nothing away; an empty "shared how" becomes NULL and a bad one is refused."""
    alembic_runner.migrate_up_to("8f1c2d3e4a56")  # the revision before 563cc4ce31f5
    at = "2025-01-01 00:00:00+00:00"
    with db.engine.begin() as conn:
        run = lambda sql, **values: conn.execute(sqlalchemy.text(sql), values)  # noqa: E731
        run("INSERT INTO agencies (id, name, short_name, kind, aliases, active, created_at) VALUES "
            "(1, 'Police', 'P', 'agency', '[]', true, :at)", at=at)
        run("INSERT INTO reviews (id, reference, title, review_type, status, lead_reviewer, summary, "
            "source_document, created_at, version) VALUES (1, 'R1', 'Child', 'cspr', 'published', '', '', '', "
            ":at, 1)", at=at)
        run("INSERT INTO learning_points (id, review_id, number, text, shared_how) VALUES "
            "(1, 1, 1, 'Brief', ''), (2, 1, 2, 'Train', 'training')")
        run("INSERT INTO recommendations (id, review_id, number, sort_key, text, kind, created_at, version) "
            "VALUES (1, 1, '1', '0:1', 't', 'partnership', :at, 1)", at=at)
        run("INSERT INTO actions (id, recommendation_id, review_id, description, owner_agency_id, success_measure, "
            "original_due_date, due_date, status, status_reason, completed_late, created_at, updated_at, version, "
            "last_proposed_rating) VALUES (1, 1, 1, 'Do it', 1, '', '2025-06-01', '2025-06-01', 'open', '', false, "
            ":at, :at, 1, 'amber')", at=at)
        run("INSERT INTO progress_updates (id, action_id, update_date, narrative, proposed_rating, created_at) "
            "VALUES (1, 1, '2025-02-01', 'Going', 'amber', :at)", at=at)
    counted = "SELECT (SELECT count(*) FROM actions), (SELECT count(*) FROM progress_updates), " \
              "(SELECT count(*) FROM recommendations), (SELECT count(*) FROM learning_points)"

    alembic_runner.migrate_up_one()
    with db.engine.connect() as conn:
        assert tuple(conn.execute(sqlalchemy.text(counted)).one()) == (1, 1, 1, 2)
        assert conn.execute(sqlalchemy.text("SELECT status, last_proposed_rating FROM actions")).one() == (
            "open", "amber")
        assert dict(conn.execute(sqlalchemy.text("SELECT id, shared_how FROM learning_points")).all()) == {
            1: None, 2: "training"}
        checks = {table: {c["name"] for c in sqlalchemy.inspect(conn).get_check_constraints(table)}
                  for table in ("actions", "users", "learning_points", "evidence")}
    assert {"ck_actions_status", "ck_actions_last_proposed_rating"} <= checks["actions"]
    assert "ck_users_role" in checks["users"] and "ck_evidence_kind" in checks["evidence"]
    assert "ck_learning_points_shared_how" in checks["learning_points"]
    with pytest.raises(sqlalchemy.exc.IntegrityError), db.engine.begin() as conn:
        conn.execute(sqlalchemy.text("UPDATE learning_points SET shared_how = 'gossip' WHERE id = 2"))
    with pytest.raises(sqlalchemy.exc.IntegrityError), db.engine.begin() as conn:
        conn.execute(sqlalchemy.text("UPDATE actions SET status = 'lost' WHERE id = 1"))

    alembic_runner.migrate_down_one()
    with db.engine.connect() as conn:
        assert tuple(conn.execute(sqlalchemy.text(counted)).one()) == (1, 1, 1, 2)
        checks = {c["name"] for c in sqlalchemy.inspect(conn).get_check_constraints("learning_points")}
    assert "ck_learning_points_shared_how" not in checks


@pytest.mark.parametrize("backend", ["local", "s3"])
def test_report_files_move_from_their_columns_into_the_store(alembic_runner, tmp_path, request, backend):
    """f22b4c5d6e08: a legacy PDF, a Word version, a template and a pack zip leave the database for the
    app's store, each row keeping its file's name, size and SHA-256; downgrade reads them back."""
    if backend == "local":
        store = LocalStorage({area: tmp_path / area for area in ("evidence", "imports", "reports")})
    else:
        server = request.getfixturevalue("s3_server")
        server.empty("tracker-migration")
        config = server.config("tracker-migration")
        store = S3Storage(endpoint=config["S3_ENDPOINT"], bucket=config["S3_BUCKET"],
                          access_key=config["S3_ACCESS_KEY"], secret_key=config["S3_SECRET_KEY"])
    current_app.extensions["tracker_storage"] = store  # the store the migration writes to
    alembic_runner.migrate_up_to("f21a3b4c5d07")  # the revision before f22b4c5d6e08
    files = {"pdf": b"%PDF-1.7 archived in a column", "docx": b"PK the Word version",
             "template": b"PK the partnership's template", "zip": b"PK the packs"}
    sha = {kind: hashlib.sha256(data).hexdigest() for kind, data in files.items()}
    at = "2025-01-01 00:00:00+00:00"
    already = b"%PDF-1.7 already in the store"
    store.put("reports/board-report-2-already.pdf", io.BytesIO(already))
    with db.engine.begin() as conn:
        run = lambda sql, **values: conn.execute(sqlalchemy.text(sql), values)  # noqa: E731
        common = "status, as_at_date, requested_by_name, requested_at, progress, error"
        run(f"INSERT INTO board_reports (id, {common}, pdf, sha256, size_bytes, docx, docx_sha256) VALUES "
            "(1, 'done', '2025-01-01', 'x', :at, '', '', :pdf, :pdf_sha, 1, :docx, :docx_sha)",
            at=at, pdf=files["pdf"], pdf_sha=sha["pdf"], docx=files["docx"], docx_sha=sha["docx"])
        run(f"INSERT INTO board_reports (id, {common}, stored_name, sha256, size_bytes) VALUES "
            "(2, 'done', '2025-01-01', 'x', :at, '', '', 'board-report-2-already.pdf', :sha, :size)",
            at=at, sha=hashlib.sha256(already).hexdigest(), size=len(already))
        run(f"INSERT INTO board_reports (id, {common}) VALUES (3, 'failed', '2025-01-01', 'x', :at, '', '')", at=at)
        run("INSERT INTO report_templates (id, filename, content, sha256, size_bytes, uploaded_at) VALUES "
            "(1, 'cover.docx', :content, :sha, 1, :at)", content=files["template"], sha=sha["template"], at=at)
        run(f"INSERT INTO pack_runs (id, {common}, content, sha256, size_bytes) VALUES "
            "(1, 'done', '2025-01-01', 'x', :at, '', '', :content, :sha, 1)", at=at, content=files["zip"],
            sha=sha["zip"])

    alembic_runner.migrate_up_one()
    with db.engine.connect() as conn:
        one = lambda sql: conn.execute(sqlalchemy.text(sql)).one()  # noqa: E731
        reports = conn.execute(sqlalchemy.text("SELECT id, stored_name, sha256, size_bytes, docx_stored_name, "
                                               "docx_sha256, docx_size_bytes FROM board_reports ORDER BY id")).all()
        template = one("SELECT stored_name, sha256, size_bytes FROM report_templates")
        pack = one("SELECT stored_name, sha256, size_bytes FROM pack_runs")
        columns = {table: {c["name"] for c in sqlalchemy.inspect(conn).get_columns(table)}
                   for table in ("board_reports", "report_templates", "pack_runs")}
    assert not {"pdf", "docx"} & columns["board_reports"]
    assert "content" not in columns["report_templates"] | columns["pack_runs"]
    first, second, failed = reports
    assert first[1:] == (f"board-report-1-{sha['pdf'][:16]}.pdf", sha["pdf"], len(files["pdf"]),
                         f"board-report-1-{sha['docx'][:16]}.docx", sha["docx"], len(files["docx"]))
    assert second[1] == "board-report-2-already.pdf" and second[4] is None and failed[1:] == (None,) * 6
    assert tuple(template) == (f"report-template-1-{sha['template'][:16]}.docx", sha["template"],
                               len(files["template"]))
    assert tuple(pack) == (f"agency-packs-1-{sha['zip'][:16]}.zip", sha["zip"], len(files["zip"]))
    for name, kind in ((first[1], "pdf"), (first[4], "docx"), (template[0], "template"), (pack[0], "zip")):
        assert store.open(f"reports/{name}").read_all() == files[kind]
    with pytest.raises(sqlalchemy.exc.IntegrityError), db.engine.begin() as conn:
        conn.execute(sqlalchemy.text("UPDATE pack_runs SET stored_name = NULL"))

    alembic_runner.migrate_down_one()
    with db.engine.connect() as conn:
        assert bytes(conn.execute(sqlalchemy.text("SELECT docx FROM board_reports WHERE id = 1")).scalar()) \
            == files["docx"]
        assert bytes(conn.execute(sqlalchemy.text("SELECT content FROM report_templates")).scalar()) \
            == files["template"]
        assert bytes(conn.execute(sqlalchemy.text("SELECT content FROM pack_runs")).scalar()) == files["zip"]
