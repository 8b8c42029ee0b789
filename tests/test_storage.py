"""Stored files behind one interface, on both backends: local folders and a real S3 server
(SeaweedFS, started once for the session). Files and rows always agree; downloads stream; a store
that is down gives a clear message and keeps nothing half-saved."""

import hashlib
import io
import itertools
import os
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict

from tests import factories
from tests.pg import empty_database_uri
from tests.s3_server import ACCESS_KEY, SECRET_KEY, free_ports
from tracker import create_app
from tracker.evidence.models import Evidence
from tracker.evidence.services import add_evidence, evidence_key
from tracker.extensions import db
from tracker.ops.storage_commands import migrate
from tracker.storage import NotStored, S3Storage, sha256_of, storage
from tracker.users.models import Role

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _bucket(server, name: str = "tracker-store") -> str:
    server.empty(name)
    return name


@pytest.fixture(params=["local", "s3"])
def storage_config(request):
    if request.param == "local":
        return {"STORAGE": "local"}
    server = request.getfixturevalue("s3_server")
    return server.config(_bucket(server))


def _form(file):
    return MultiDict([("kind", "impact"), ("title", "Case-file audit"), ("description", ""), ("link_url", ""),
                      ("effective_date", "1"), ("effective_date", "6"), ("effective_date", "2025"), ("file", file)])


def _upload(client, action, name: str, data: bytes):
    return client.post(f"/evidence/new?action_id={action.id}", data=_form((io.BytesIO(data), name)),
                       content_type="multipart/form-data")


def _lead_and_action(login_as):
    action = factories.make_action(status="in_progress")
    db.session.commit()
    lead = login_as(Role.AGENCY_LEAD, agency=action.owner_agency)
    return lead, action


def test_put_open_size_keys_and_delete(app):
    store = storage()
    data = os.urandom(300_000)
    written = store.put("evidence/abc.bin", io.BytesIO(data))
    assert (written.size, written.sha256) == (len(data), hashlib.sha256(data).hexdigest())
    assert store.exists("evidence/abc.bin") and store.size("evidence/abc.bin") == len(data)
    opened = store.open("evidence/abc.bin")
    chunks = list(opened)
    opened.close()
    assert b"".join(chunks) == data and len(chunks) > 1 and opened.size == len(data)  # chunks, not one read
    assert list(store.keys("evidence")) == ["evidence/abc.bin"] and list(store.keys("imports")) == []
    assert sha256_of(store, "evidence/abc.bin") == written.sha256
    store.delete("evidence/abc.bin")
    assert not store.exists("evidence/abc.bin") and list(store.keys()) == []
    with pytest.raises(NotStored):
        store.open("evidence/abc.bin")
    assert store.check() is None


@pytest.mark.parametrize("bad", ["../etc/passwd", "evidence/../x", "evidence/a/b", "other/x", "evidence/"])
def test_a_key_that_is_a_path_is_refused(app, bad):
    with pytest.raises(ValueError):
        storage().put(bad, io.BytesIO(b"x"))


def test_evidence_uploaded_is_downloaded_byte_identical_and_streamed(app, client, login_as):
    _lead, action = _lead_and_action(login_as)
    data = PDF + os.urandom(200_000)
    response = _upload(client, action, "Audit report.pdf", data)
    assert response.status_code == 302, response.get_data(as_text=True).partition('id="file-error"')[2][:300]
    evidence = db.session.scalars(select(Evidence)).one()
    assert storage().exists(evidence_key(evidence))
    assert evidence.sha256 == hashlib.sha256(data).hexdigest() and evidence.size_bytes == len(data)
    response = client.get(f"/evidence/{evidence.id}/download")
    assert response.status_code == 200 and response.is_streamed
    assert response.headers["Content-Length"] == str(len(data))
    assert response.headers["Content-Disposition"] == 'attachment; filename="Audit_report.pdf"'
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.get_data() == data
    response.close()


def test_a_rolled_back_upload_leaves_no_file(app, login_as):
    lead, action = _lead_and_action(login_as)
    evidence = add_evidence(action, by=lead, kind="completion", title="Register", description="",
                            today=factories.TODAY, effective_date=factories.TODAY - timedelta(days=1),
                            max_bytes=10_000, upload=FileStorage(io.BytesIO(b"trained\n"), filename="r.txt"))
    key = evidence_key(evidence)
    assert storage().exists(key)
    db.session.rollback()  # the request failed after the file was written
    assert not storage().exists(key) and list(storage().keys("evidence")) == []


def test_a_committed_upload_keeps_its_file(app, login_as):
    lead, action = _lead_and_action(login_as)
    evidence = add_evidence(action, by=lead, kind="completion", title="Register", description="",
                            today=factories.TODAY, effective_date=factories.TODAY - timedelta(days=1),
                            max_bytes=10_000, upload=FileStorage(io.BytesIO(b"trained\n"), filename="r.txt"))
    db.session.commit()
    key = evidence_key(evidence)
    db.session.close()  # the end of the request
    assert storage().exists(key)


def test_sweep_reports_both_kinds_of_orphan_and_deletes_files_without_rows(app, client, login_as, storage_config,
                                                                          tmp_path):
    _lead, action = _lead_and_action(login_as)
    assert _upload(client, action, "kept.pdf", PDF).status_code == 302
    kept = db.session.scalars(select(Evidence)).one()
    storage().put("evidence/left-by-a-crash.pdf", io.BytesIO(PDF))
    if storage_config["STORAGE"] == "local":  # a file someone put in the folder by hand is not the store's
        (tmp_path / "evidence" / "notes by hand.txt").write_text("mine")
    gone = factories.make_action(status="in_progress")
    db.session.add(Evidence(action=gone, kind="impact", title="Lost", description="", supplied_by_id=_lead.id,
                            effective_date=factories.TODAY, stored_name="removed-by-hand.pdf", size_bytes=1,
                            sha256="0" * 64, original_filename="x.pdf", content_type="application/pdf"))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["storage", "sweep"])
    assert result.exit_code == 1
    assert "file without a row: evidence/left-by-a-crash.pdf" in result.output
    assert "row without a file: evidence/removed-by-hand.pdf" in result.output
    assert storage().exists("evidence/left-by-a-crash.pdf")  # reported, not touched
    result = app.test_cli_runner().invoke(args=["storage", "sweep", "--delete"])
    assert "1 files without rows deleted, 1 rows without files." in result.output
    assert not storage().exists("evidence/left-by-a-crash.pdf") and storage().exists(evidence_key(kept))
    if storage_config["STORAGE"] == "local":
        assert (tmp_path / "evidence" / "notes by hand.txt").exists()


def _down_store_config(storage_config: dict) -> dict:
    """The same settings with the store unreachable: a local folder that cannot be made, or an S3
    endpoint where nothing listens."""
    if storage_config["STORAGE"] == "local":
        return {"UPLOAD_FOLDER": "/proc/no-such-folder/evidence"}
    return {**storage_config, "S3_ENDPOINT": f"http://127.0.0.1:{free_ports(1)[0]}"}


def test_with_the_store_down_an_upload_gets_a_clear_message_and_nothing_is_saved(app, login_as, storage_config):
    from tracker import storage as store_module  # the module: its store is swapped for a broken one here

    _lead, action = _lead_and_action(login_as)
    app.config.update(_down_store_config(storage_config))
    app.extensions["tracker_storage"] = store_module.build(app)
    assert app.extensions["tracker_storage"].check()  # readiness would say so
    client = app.test_client()
    login_as(Role.AGENCY_LEAD, agency=action.owner_agency, client=client)
    response = client.post(f"/evidence/new?action_id={action.id}", data=_form((io.BytesIO(PDF), "a.pdf")),
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert "the file store is not answering" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Evidence)) == 0


@pytest.mark.parametrize("storage_config", ["s3"], indirect=True)  # a readable local folder does not go away
def test_a_download_with_the_store_down_is_a_clear_page_not_a_500(app, client, login_as, storage_config):
    from tracker import storage as store_module  # the module: its store is swapped for a broken one here

    _lead, action = _lead_and_action(login_as)
    assert _upload(client, action, "a.pdf", PDF).status_code == 302
    evidence = db.session.scalars(select(Evidence)).one()
    app.config.update(_down_store_config(storage_config))
    app.extensions["tracker_storage"] = store_module.build(app)
    response = client.get(f"/evidence/{evidence.id}/download")
    assert response.status_code == 503 and "The file store is not answering" in response.get_data(as_text=True)


@pytest.mark.parametrize("storage_config", ["local"], indirect=True)  # what migrate reads
def test_migrate_copies_local_into_s3_checks_hashes_and_resumes(app, client, login_as, s3_server, tmp_path):
    _lead, action = _lead_and_action(login_as)
    for n in range(3):
        assert _upload(client, action, f"file{n}.pdf", PDF + bytes([n]) * 1000).status_code == 302
    source = storage()
    config = s3_server.config(_bucket(s3_server, "tracker-migrated"))
    target = S3Storage(endpoint=config["S3_ENDPOINT"], bucket=config["S3_BUCKET"], access_key=ACCESS_KEY,
                       secret_key=SECRET_KEY)
    first = list(itertools.islice(migrate(source, target, {}), 1))  # stopped after one object
    assert [outcome for _key, outcome in first] == ["copied"]
    app.config.update(config)
    result = app.test_cli_runner().invoke(args=["storage", "migrate"])
    assert result.exit_code == 0, result.output
    assert "2 copied, 1 already there, 0 failed." in result.output
    for key in source.keys():
        assert sha256_of(target, key) == sha256_of(source, key)
    damaged = sorted(source.keys())[0]
    (tmp_path / "evidence" / damaged.split("/")[1]).write_bytes(b"changed on disk")
    result = app.test_cli_runner().invoke(args=["storage", "migrate"])
    assert result.exit_code == 1 and f"{damaged}: damaged in the local store" in result.output


def _stored(app) -> dict[str, bytes]:
    with app.app_context():
        store = app.extensions["tracker_storage"]
        return {key: store.open(key).read_all() for key in store.keys()}


def test_backup_and_restore_cover_the_store_either_way(app, client, login_as, storage_config, s3_server, tmp_path,
                                                      postgres_server):
    """A backup of this store restored into the other kind: every file back, byte for byte."""
    _lead, action = _lead_and_action(login_as)
    assert _upload(client, action, "audit.pdf", PDF + os.urandom(5000)).status_code == 302
    storage().put("imports/document.txt", io.BytesIO(b"the review's text"))
    archive = tmp_path / "backup.tar.gz"
    result = app.test_cli_runner().invoke(args=["backup", str(archive)])
    assert result.exit_code == 0 and "2 stored files" in result.output, result.output
    other = ({"STORAGE": "local"} if storage_config["STORAGE"] == "s3"
             else s3_server.config(_bucket(s3_server, "tracker-restored")))
    target = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_uri(postgres_server, tmp_path),
                         "UPLOAD_FOLDER": str(tmp_path / "restored-evidence"),
                         "IMPORT_FOLDER": str(tmp_path / "restored-imports"),
                         "REPORT_FOLDER": str(tmp_path / "restored-reports"), **other})
    with target.app_context():
        result = target.test_cli_runner().invoke(args=["restore", str(archive)])
        db.engine.dispose()
    assert result.exit_code == 0, result.output
    before, after = _stored(app), _stored(target)
    assert len(before) == 2 and after == before
    with target.app_context():
        result = target.test_cli_runner().invoke(args=["restore", str(archive)])
        db.engine.dispose()
    assert result.exit_code != 0 and "already holds records" in result.output
