"""The scale-out tier (`-m scaleout`, issue 15 point 7): real processes on loopback, as a scaled-out
install runs them (tests/scaleout.py): PostgreSQL, redis-server, SeaweedFS, two gunicorn app servers
with separate instance folders and no shared disk, and one Huey worker. Each test acts through one
server and checks through the other, as a load balancer would send a user's requests."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import time

import pytest
import sqlalchemy
from sqlalchemy import func, select

from tests import factories
from tests.pg import throwaway_server, wait_for
from tests.s3_server import s3_client, throwaway_s3
from tests.scaleout import (
    BIN,
    ROOT,
    Browser,
    Server,
    Worker,
    base_environment,
    multipart,
    send_partially,
    start_redis,
)
from tracker import create_app
from tracker.evidence.models import Evidence
from tracker.extensions import db
from tracker.reports.models import BoardReport, ReportStatus
from tracker.users.models import Role

pytestmark = pytest.mark.scaleout

BUCKET = "tracker-scaleout"
HEAD = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
_addresses = iter(range(10, 250))


class Install:
    """The running processes, and the database seen from the test."""

    def __init__(self, tmp, database_url, redis_url, s3):
        self.s3, self.database_url = s3, database_url
        env = base_environment(database_url, redis_url, s3.environment(BUCKET))
        self.a = Server("a", tmp / "a", env)
        self.b = Server("b", tmp / "b", env)
        self.worker = Worker(tmp / "worker", env)
        self.app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "FIXED_TODAY": factories.TODAY,
                               "UPLOAD_FOLDER": str(tmp / "test-process"), **s3.config(BUCKET)})

    def count(self, model) -> int:
        with self.app.app_context():
            try:
                return db.session.scalar(select(func.count()).select_from(model))
            finally:
                db.session.remove()

    def restart_store_empty(self) -> None:
        """SeaweedFS started again on the same ports. Started again on its old folder it takes minutes to
        answer (its S3 gateway waits out the old process's leases), so it starts on an empty one: the
        objects of earlier tests are gone, and every test here checks its own files within itself."""
        shutil.rmtree(self.s3.root / "data")
        (self.s3.root / "data").mkdir()
        self.s3.start()
        self.s3.empty(BUCKET)

    def objects(self) -> list[str]:
        listed = s3_client(self.s3.endpoint).list_objects_v2(Bucket=BUCKET)
        return sorted(item["Key"] for item in listed.get("Contents", []))


@pytest.fixture(scope="module")
def install(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("scaleout")
    with throwaway_server() as (admin_url, _), throwaway_s3() as s3:
        wait_for(admin_url)
        admin = sqlalchemy.create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(sqlalchemy.text("CREATE DATABASE tracker_scaleout"))
        admin.dispose()
        database_url = admin_url.replace("/postgres?", "/tracker_scaleout?")
        s3.empty(BUCKET)
        redis_process, redis_url = start_redis(tmp)
        setup = Install(tmp, database_url, redis_url, s3)
        migrated = subprocess.run([str(BIN / "flask"), "migrate-once"], cwd=ROOT, capture_output=True, text=True,
                                  env=setup.a.env | {"INSTANCE_PATH": str(tmp / "migrate")}, timeout=180,
                                  check=False)
        assert migrated.returncode == 0, migrated.stderr[-3000:]
        try:
            setup.a.start()
            setup.b.start()
            setup.worker.start()
            yield setup
        finally:
            for process in (setup.a, setup.b, setup.worker):
                process.stop()
            with setup.app.app_context():
                db.engine.dispose()
            redis_process.terminate()
            redis_process.wait(10)


@pytest.fixture
def people(install):
    """A lead with an action in progress, and a business-unit officer, in the shared database."""
    with install.app.app_context():
        action = factories.make_action(status="in_progress")
        lead = factories.make_user(Role.AGENCY_LEAD, agency=action.owner_agency)
        officer = factories.make_user(Role.BUSINESS_UNIT)
        db.session.commit()
        found = {"action_id": action.id, "lead": lead.email, "officer": officer.email}
        db.session.remove()
    return found


def _browser() -> Browser:
    return Browser(f"10.1.0.{next(_addresses)}")


def _signed_in(server: Server, email: str) -> Browser:
    browser = _browser()
    assert browser.sign_in(server.url, email, factories.PASSWORD) == 302
    return browser


def _upload(browser: Browser, server: Server, action_id: int, content: bytes, title: str):
    path = f"/evidence/new?action_id={action_id}"
    token = browser.token(server.url, path)
    body, kind = multipart([("csrf_token", token), ("kind", "impact"), ("title", title), ("description", ""),
                            ("effective_date", "2"), ("effective_date", "6"), ("effective_date", "2025"),
                            ("link_url", "")], "audit.pdf", content, "application/pdf")
    return browser.request(server.url, "POST", path, body, kind)


def _evidence_id(install: Install, title: str) -> int | None:
    with install.app.app_context():
        try:
            return db.session.scalar(select(Evidence.id).where(Evidence.title == title))
        finally:
            db.session.remove()


def test_evidence_uploaded_through_a_downloads_byte_identical_through_b(install, people):
    content = HEAD + os.urandom(3 * 1024 * 1024)
    objects = install.objects()
    status, _, _ = _upload(_signed_in(install.a, people["lead"]), install.a, people["action_id"], content,
                           "Audit through A")
    assert status == 302, "the upload was accepted"
    evidence_id = _evidence_id(install, "Audit through A")
    assert not any((install.a.folder / "instance").rglob("*.pdf")), "nothing kept on server A's disk"
    assert next(key for key in install.objects() if key not in objects).startswith("evidence/"), "it is in S3"
    status, _, body = _signed_in(install.b, people["lead"]).get(install.b.url, f"/evidence/{evidence_id}/download")
    assert status == 200
    assert hashlib.sha256(body).hexdigest() == hashlib.sha256(content).hexdigest()


def _wait_for_report(install: Install, report_id: int, seconds: float = 120) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with install.app.app_context():
            status = db.session.get(BoardReport, report_id).status
            db.session.remove()
        if status in (ReportStatus.DONE, ReportStatus.FAILED):
            return status
        time.sleep(0.5)
    return "still waiting"


def _request_report(browser: Browser, server: Server) -> int:
    status, headers, _ = browser.post_form(server.url, "/reports/new", [
        ("as_at", "2"), ("as_at", "6"), ("as_at", "2025"), ("review", ""), ("agency", ""), ("theme", ""),
        ("meeting", "")])
    assert status == 302, "the report was requested"
    return int(headers["Location"].rstrip("/").rsplit("/", 1)[-1])


def test_a_report_requested_on_a_is_rendered_by_the_worker_and_downloaded_from_b(install, people):
    """The worker keeps the PDF and the Word version in the object store (nothing in the database's
    rows but their names and hashes); server B serves both from there, byte for byte."""
    report_id = _request_report(_signed_in(install.a, people["officer"]), install.a)
    assert _wait_for_report(install, report_id) == ReportStatus.DONE
    with install.app.app_context():
        report = db.session.get(BoardReport, report_id)
        kept = {"pdf": (report.pdf_key, report.sha256), "docx": (report.docx_key, report.docx_sha256)}
        db.session.remove()
    assert {key for key, _sha in kept.values()} <= set(install.objects())
    officer = _signed_in(install.b, people["officer"])
    for kind, (key, sha) in kept.items():
        status, headers, body = officer.get(install.b.url, f"/reports/{report_id}/report.{kind}")
        assert status == 200 and body.startswith(b"%PDF" if kind == "pdf" else b"PK")
        stored = s3_client(install.s3.endpoint).get_object(Bucket=BUCKET, Key=key)["Body"].read()
        assert body == stored and hashlib.sha256(body).hexdigest() == headers["X-Content-SHA256"] == sha


def test_sign_in_attempts_are_counted_across_both_servers(install, people):
    """The limit is four a minute for one address: two wrong passwords on A, two on B, then the fifth
    is refused wherever it lands, the right password included."""
    browser = _browser()
    statuses = [browser.sign_in(server.url, people["lead"], "wrong-password-x")
                for server in (install.a, install.a, install.b, install.b)]
    assert statuses == [200, 200, 200, 200]
    assert browser.sign_in(install.a.url, people["lead"], factories.PASSWORD) == 429
    assert browser.sign_in(install.b.url, people["lead"], factories.PASSWORD) == 429
    assert _browser().sign_in(install.b.url, people["lead"], factories.PASSWORD) == 302  # another address


def test_a_session_revoked_on_a_is_refused_on_b(install, people):
    on_a = _signed_in(install.a, people["lead"])
    on_b = _browser()
    on_b.address = on_a.address
    on_b.use_session(on_a.session_cookie())  # the same cookie, sent to server B
    assert on_b.get(install.b.url, "/")[0] == 200
    assert on_a.post_form(install.a.url, "/sign-out", [], form_page="/")[0] == 302  # signing out ends every session
    status, headers, _ = on_b.get(install.b.url, "/")
    assert status == 302 and "/sign-in" in headers["Location"]


def test_a_server_killed_mid_request_loses_no_committed_write(install, people):
    lead = _signed_in(install.a, people["lead"])
    content = HEAD + os.urandom(512 * 1024)
    assert _upload(lead, install.a, people["action_id"], content, "Saved before the crash")[0] == 302
    before = install.count(Evidence)
    body, kind = multipart([("csrf_token", lead.token(install.a.url, f"/evidence/new?action_id={people['action_id']}")),
                            ("kind", "impact"), ("title", "Cut off by the crash")], "cut.pdf",
                           HEAD + os.urandom(2 * 1024 * 1024), "application/pdf")
    cookie = "; ".join(f"{c.name}={c.value}" for c in lead.cookies)
    connection = send_partially(install.a.url, f"/evidence/new?action_id={people['action_id']}",
                                {"Content-Type": kind, "Cookie": cookie, "X-Forwarded-For": lead.address},
                                body, sent=len(body) // 2)
    time.sleep(0.5)  # a worker is reading the body
    install.a.kill()
    connection.close()
    try:
        assert install.count(Evidence) == before, "nothing half-saved"
        saved = _evidence_id(install, "Saved before the crash")
        status, _, downloaded = _signed_in(install.b, people["lead"]).get(install.b.url,
                                                                           f"/evidence/{saved}/download")
        assert status == 200 and downloaded == content, "the committed write is whole on server B"
    finally:
        install.a.start()


def test_a_report_requested_while_the_worker_is_down_completes_when_it_restarts(install, people):
    install.worker.kill()
    try:
        report_id = _request_report(_signed_in(install.a, people["officer"]), install.a)
        time.sleep(2)
        with install.app.app_context():
            assert db.session.get(BoardReport, report_id).status != ReportStatus.DONE  # nobody took the job
            db.session.remove()
    finally:
        install.worker.start()
    assert _wait_for_report(install, report_id) == ReportStatus.DONE
    status, _, body = _signed_in(install.b, people["officer"]).get(install.b.url, f"/reports/{report_id}/report.pdf")
    assert status == 200 and body.startswith(b"%PDF")


def test_with_the_object_store_down_an_upload_is_refused_clearly_and_nothing_is_half_saved(install, people):
    lead = _signed_in(install.a, people["lead"])
    assert _browser().get(install.b.url, "/readyz")[0] == 200
    before = install.count(Evidence)
    install.s3.stop()
    try:
        status, _, page = _upload(lead, install.a, people["action_id"], HEAD + b"x" * 4096, "While the store is down")
        ready, _, readiness = _browser().get(install.b.url, "/readyz")
    finally:
        install.restart_store_empty()
    text = " ".join(page.decode().split())
    assert status == 422
    assert "The file could not be saved: the file store is not answering. Nothing has been added" in text
    assert install.count(Evidence) == before and _evidence_id(install, "While the store is down") is None
    assert ready == 503 and json.loads(readiness)["failing"] == ["storage"]
    assert _browser().get(install.b.url, "/readyz")[0] == 200  # back when the store is back
