"""Report files in the store (issue 15): a board report's PDF and Word version, the agency packs' zip and
the partnership's Word template are written to the store like evidence, on both backends (local folders
and a real S3 server), download byte for byte as stored, and are never half-saved; the sweep, `flask
storage migrate` and backups know them."""

import hashlib
import io
import os
import zipfile
from datetime import UTC, date, datetime

import pytest
from docx import Document
from sqlalchemy import func, select

from tests import factories
from tests.pg import empty_database_uri
from tests.s3_server import free_ports
from tracker import create_app
from tracker import storage as store_module
from tracker.actions.models import StatusChange
from tracker.extensions import db
from tracker.reports.models import BoardReport, PackRun, ReportTemplate
from tracker.reports.services import current_template, store_files, upload_template
from tracker.storage import StorageError, key_for, put_all_with_row, storage
from tracker.users.models import Role


def _bucket(server, name: str = "tracker-reports") -> str:
    server.empty(name)
    return name


@pytest.fixture(params=["local", "s3"])
def storage_config(request):
    if request.param == "local":
        return {"STORAGE": "local"}
    server = request.getfixturevalue("s3_server")
    return server.config(_bucket(server))


@pytest.fixture
def agencies(app):
    police = factories.make_agency("West Midlands Police", "WMP")
    health = factories.make_agency("City Health Trust", "CHT")
    review = factories.make_review("CSPR-2025-07", title="Child R")
    rec = factories.make_recommendation(review, "1", addressees=[police, health], text="Share information.")
    factories.make_action(owner=police, recommendation=rec, status="in_progress", due_date=date(2025, 5, 1),
                          description="Police briefing on neglect")
    factories.make_action(owner=health, recommendation=rec, description="Health visitor training")
    for change in db.session.scalars(select(StatusChange)):
        change.changed_at = datetime(2025, 5, 3, 10, tzinfo=UTC)
    db.session.commit()
    return police, health


def _template() -> bytes:
    document = Document()
    document.add_heading("Safeguarding Partnership Board", 0)
    table = document.add_table(rows=5, cols=2)
    for row, name in zip(table.rows, ("meeting", "date", "author", "purpose", "asks")):
        row.cells[0].text = name.capitalize()
        row.cells[1].text = "{{" + name + "}}"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _stored(key: str) -> bytes:
    return storage().open(key).read_all()


def _down(app, storage_config: dict) -> None:
    """The store swapped for one that cannot be reached: a folder that cannot be made, or an S3 endpoint
    where nothing listens."""
    if storage_config["STORAGE"] == "local":
        app.config.update(REPORT_FOLDER="/proc/no-such-folder/reports")
    else:
        app.config.update(S3_ENDPOINT=f"http://127.0.0.1:{free_ports(1)[0]}")
    app.extensions["tracker_storage"] = store_module.build(app)


def test_a_generated_report_is_in_the_store_and_downloads_byte_identical(app, client, login_as, agencies):
    """A real PDF (WeasyPrint) and Word version, through the queue, out of the store and back."""
    login_as(Role.BUSINESS_UNIT)
    response = client.post("/reports/new", data={"as_at": ["2", "6", "2025"], "review": "", "agency": "",
                                                 "theme": ""})
    assert response.status_code == 302
    report = db.session.scalars(select(BoardReport)).one()
    assert report.status == "done", report.error
    pdf, docx = _stored(report.pdf_key), _stored(report.docx_key)
    assert pdf.startswith(b"%PDF") and docx.startswith(b"PK")
    assert (report.sha256, report.size_bytes) == (hashlib.sha256(pdf).hexdigest(), len(pdf))
    assert (report.docx_sha256, report.docx_size_bytes) == (hashlib.sha256(docx).hexdigest(), len(docx))
    for path, stored in ((f"/reports/{report.id}/report.pdf", pdf), (f"/reports/{report.id}/report.docx", docx)):
        download = client.get(path)
        assert download.status_code == 200 and download.is_streamed
        assert download.headers["Content-Length"] == str(len(stored))
        assert download.get_data() == stored
        assert download.headers["X-Content-SHA256"] == hashlib.sha256(stored).hexdigest()
        download.close()


def test_a_large_report_streams_from_a_copy_on_disk(app, client, login_as):
    """Larger than the in-memory copy (storage.SPOOL_BYTES): spooled to disk, then sent in chunks."""
    pdf = b"%PDF-1.7 " + os.urandom(3 * store_module.SPOOL_BYTES)
    report = factories.make_board_report(pdf)
    db.session.commit()
    login_as(Role.BOARD_MEMBER)
    download = client.get(f"/reports/{report.id}/report.pdf")
    chunks = list(download.response)
    download.close()
    assert download.status_code == 200 and len(chunks) > 1 and b"".join(chunks) == pdf


def test_a_report_changed_in_the_store_is_refused_not_sent(app, client, login_as):
    report = factories.make_board_report(b"%PDF-1.7 as generated", docx=b"PK as generated")
    db.session.commit()
    storage().put(report.docx_key, io.BytesIO(b"PK changed afterwards"))
    app.config["PROPAGATE_EXCEPTIONS"] = False  # the error page, as a user gets it
    login_as(Role.BOARD_MEMBER)
    refused = client.get(f"/reports/{report.id}/report.docx")
    assert refused.status_code == 500 and b"PK changed" not in refused.data
    assert client.get(f"/reports/{report.id}/report.pdf").status_code == 200


def test_the_agency_packs_zip_is_in_the_store_and_downloads_byte_identical(app, client, login_as, agencies,
                                                                           monkeypatch):
    def quick(htmls, on_progress=lambda number: None, **kwargs):  # test_reports_pdf lays out real PDFs
        return [b"%PDF-1.7 pack " + html.encode()[:2000] for html in htmls]

    monkeypatch.setattr("tracker.reports.packs.htmls_to_pdfs", quick)
    police, _health = agencies
    login_as(Role.BUSINESS_UNIT)
    assert client.post("/agency-packs/", data={"as_at": ["2", "6", "2025"], "submit": "Make"}).status_code == 302
    run = db.session.scalars(select(PackRun)).one()
    assert run.status == "done", run.error
    content = _stored(run.key)
    assert (run.sha256, run.size_bytes) == (hashlib.sha256(content).hexdigest(), len(content))
    download = client.get(f"/agency-packs/{run.id}/packs.zip")
    assert download.status_code == 200 and download.is_streamed and download.get_data() == content
    download.close()
    client.post("/sign-out")
    login_as(Role.AGENCY_LEAD, agency=police)
    own = client.get("/agency-packs/mine.pdf")
    name = [n for n in run.files[str(police.id)] if n.endswith(".pdf")][0]
    assert own.status_code == 200 and own.data == zipfile.ZipFile(io.BytesIO(content)).read(name)


def test_the_template_is_kept_in_the_store_and_used(app, client, login_as):
    login_as(Role.BUSINESS_UNIT)
    content = _template()
    response = client.post("/reports/template", data={"template": (io.BytesIO(content), "cover.docx"),
                                                      "submit": "Upload the template"},
                           content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    template = db.session.scalars(select(ReportTemplate)).one()
    assert _stored(template.key) == content and template.sha256 == hashlib.sha256(content).hexdigest()
    assert current_template() == content


def test_with_the_store_down_a_report_fails_and_nothing_is_half_saved(app, client, login_as, agencies,
                                                                      storage_config):
    login_as(Role.BUSINESS_UNIT)
    good = storage()
    _down(app, storage_config)
    response = client.post("/reports/new", data={"as_at": ["2", "6", "2025"], "review": "", "agency": "",
                                                 "theme": ""})
    assert response.status_code == 302
    report = db.session.scalars(select(BoardReport)).one()
    assert report.status == "failed" and "file store is not answering" in report.error
    assert (report.stored_name, report.sha256, report.docx_stored_name, report.docx_sha256) == (None,) * 4
    upload = client.post("/reports/template", data={"template": (io.BytesIO(_template()), "cover.docx"),
                                                    "submit": "Upload the template"},
                         content_type="multipart/form-data")
    assert upload.status_code == 422 and "the file store is not answering" in upload.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ReportTemplate)) == 0
    assert list(good.keys("reports")) == []


def test_a_word_version_that_cannot_be_written_takes_the_pdf_with_it(app):
    """The second of a report's two files fails part way (a disk error while it is read): the first is
    removed at once, though the row is then committed to say the report failed."""
    class Broken(io.BytesIO):
        def read(self, size=-1):
            raise OSError(5, "Input/output error")

    with pytest.raises(StorageError):
        put_all_with_row(db.session, [(key_for("reports", "board-report-1-a.pdf"), io.BytesIO(b"%PDF-1.7")),
                                      (key_for("reports", "board-report-1-a.docx"), Broken())])
    assert list(storage().keys("reports")) == []
    db.session.commit()
    assert list(storage().keys("reports")) == []


def test_a_rolled_back_report_leaves_no_files(app):
    report = BoardReport(status="running", as_at_date=factories.TODAY, requested_by_name="Test")
    db.session.add(report)
    db.session.flush()
    store_files(report, b"%PDF-1.7 x", b"PK x")
    assert len(list(storage().keys("reports"))) == 2
    db.session.rollback()
    assert list(storage().keys("reports")) == []


def test_with_the_store_down_the_packs_fail_and_nothing_is_half_saved(app, client, login_as, agencies,
                                                                      storage_config, monkeypatch):
    monkeypatch.setattr("tracker.reports.packs.htmls_to_pdfs", lambda htmls, *a, **k: [b"%PDF" for _ in htmls])
    login_as(Role.BUSINESS_UNIT)
    _down(app, storage_config)
    assert client.post("/agency-packs/", data={"as_at": ["2", "6", "2025"], "submit": "Make"}).status_code == 302
    run = db.session.scalars(select(PackRun)).one()
    assert run.status == "failed" and "file store is not answering" in run.error
    assert (run.stored_name, run.sha256) == (None, None)


def _every_kind_of_report_file() -> dict[str, str]:
    report = factories.make_board_report(b"%PDF-1.7 archived", docx=b"PK word version")
    run = factories.make_pack_run({"1": ["a.pdf"]}, {"a.pdf": b"%PDF-1.7 pack"})
    template = upload_template("cover.docx", _template(), None)
    db.session.commit()
    return {"pdf": report.pdf_key, "docx": report.docx_key, "zip": run.key, "template": template.key}


def test_the_sweep_knows_every_report_file(app):
    keys = _every_kind_of_report_file()
    storage().put("reports/board-report-99-left-by-a-crash.pdf", io.BytesIO(b"%PDF"))
    storage().delete(keys["docx"])
    result = app.test_cli_runner().invoke(args=["storage", "sweep"])
    assert result.exit_code == 1
    assert "file without a row: reports/board-report-99-left-by-a-crash.pdf" in result.output
    assert f"row without a file: {keys['docx']}" in result.output
    assert "1 files without rows, 1 rows without files." in result.output
    result = app.test_cli_runner().invoke(args=["storage", "sweep", "--delete"])
    assert all(storage().exists(keys[kind]) for kind in ("pdf", "zip", "template"))


@pytest.mark.parametrize("storage_config", ["local"], indirect=True)  # what migrate reads
def test_storage_migrate_copies_every_report_file_into_s3(app, s3_server, tmp_path):
    keys = _every_kind_of_report_file()
    config = s3_server.config(_bucket(s3_server, "tracker-reports-migrated"))
    app.config.update(config)
    result = app.test_cli_runner().invoke(args=["storage", "migrate"])
    assert result.exit_code == 0 and "4 copied, 0 already there, 0 failed." in result.output, result.output
    target = store_module.build(app, "s3")
    for key in keys.values():
        assert target.open(key).read_all() == _stored(key)
    (tmp_path / "reports" / keys["zip"].split("/")[1]).write_bytes(b"changed on disk")
    result = app.test_cli_runner().invoke(args=["storage", "migrate"])
    assert result.exit_code == 1 and f"{keys['zip']}: damaged in the local store" in result.output


@pytest.mark.parametrize("storage_config", ["local"], indirect=True)
def test_a_backup_restored_into_s3_brings_every_report_file(app, s3_server, tmp_path, postgres_server):
    keys = _every_kind_of_report_file()
    archive = tmp_path / "backup.tar.gz"
    result = app.test_cli_runner().invoke(args=["backup", str(archive)])
    assert result.exit_code == 0 and "4 stored files" in result.output, result.output
    target = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_uri(postgres_server, tmp_path),
                         **s3_server.config(_bucket(s3_server, "tracker-reports-restored"))})
    with target.app_context():
        result = target.test_cli_runner().invoke(args=["restore", str(archive)])
        assert result.exit_code == 0, result.output
        restored = {key: storage().open(key).read_all() for key in keys.values()}
        report = db.session.scalars(select(BoardReport)).one()
        assert hashlib.sha256(restored[report.docx_key]).hexdigest() == report.docx_sha256
        db.session.remove()
        db.engine.dispose()
    assert restored == {key: _stored(key) for key in keys.values()}
