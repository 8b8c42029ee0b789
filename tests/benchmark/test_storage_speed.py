"""Issue 15's storage budgets against a real S3 server (SeaweedFS on loopback): a 20 MB evidence
download streams with the serving process's peak memory growing less than 20 MB, and a 20 MB upload
through the evidence form is stored in under 2 seconds."""

import hashlib
import io
import os
import time
from datetime import timedelta

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from tests import factories
from tracker.evidence.models import Evidence
from tracker.extensions import db
from tracker.storage import key_for, storage
from tracker.users.models import Role

pytestmark = pytest.mark.benchmark

MB = 1024 * 1024
SIZE = 20 * MB
HEAD = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def storage_config(s3_server):
    s3_server.empty("tracker-bench")
    return {**s3_server.config("tracker-bench"), "EVIDENCE_MAX_BYTES": SIZE + MB}


class _Generated:
    """20 MB of bytes made as they are read: the test itself never holds the file."""

    def __init__(self, size: int):
        self.left, self.block = size, os.urandom(MB)

    def read(self, size: int = -1) -> bytes:
        size = self.left if size < 0 else min(size, self.left)
        self.left -= size
        return (self.block * (size // MB + 1))[:size]


def _memory_kb(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise AssertionError(field)


def test_a_20_mb_download_streams_without_the_file_in_memory(app, client, login_as):
    action = factories.make_action(status="in_progress")
    db.session.commit()
    lead = login_as(Role.AGENCY_LEAD, agency=action.owner_agency)
    written = storage().put(key_for("evidence", "big.pdf"), _Generated(SIZE))
    evidence = Evidence(action=action, kind="impact", title="Big", description="", supplied_by_id=lead.id,
                        effective_date=factories.TODAY, stored_name="big.pdf", original_filename="big.pdf",
                        content_type="application/pdf", size_bytes=written.size, sha256=written.sha256)
    db.session.add(evidence)
    db.session.commit()
    with open("/proc/self/clear_refs", "w") as handle:
        handle.write("5")  # the peak (VmHWM) starts again from now
    before = _memory_kb("VmRSS")
    response = client.get(f"/evidence/{evidence.id}/download", buffered=False)
    digest, size = hashlib.sha256(), 0
    for chunk in response.response:
        digest.update(chunk)
        size += len(chunk)
    response.close()
    growth_mb = (_memory_kb("VmHWM") - before) / 1024
    print(f"20 MB download: peak memory grew {growth_mb:.1f} MB")
    assert (size, digest.hexdigest()) == (SIZE, written.sha256)
    assert growth_mb < 20


def test_a_20_mb_upload_is_stored_in_under_two_seconds(app, client, login_as):
    action = factories.make_action(status="in_progress")
    db.session.commit()
    login_as(Role.AGENCY_LEAD, agency=action.owner_agency)
    data = HEAD + os.urandom(SIZE - len(HEAD))
    day = factories.TODAY - timedelta(days=1)
    form = MultiDict([("kind", "impact"), ("title", "Audit"), ("description", ""), ("link_url", ""),
                      ("effective_date", str(day.day)), ("effective_date", str(day.month)),
                      ("effective_date", str(day.year)), ("file", FileStorage(io.BytesIO(data), "audit.pdf", content_type="application/pdf"))])
    # The body is encoded before the clock starts, in memory: the test client's own encoder spools a
    # large body to a temporary file it never closes.
    boundary, body = encode_multipart(form)
    started = time.perf_counter()
    response = client.post(f"/evidence/new?action_id={action.id}", data=body,
                           content_type=f"multipart/form-data; boundary={boundary}")
    seconds = time.perf_counter() - started
    print(f"20 MB upload: {seconds:.2f} s")
    assert response.status_code == 302
    evidence = db.session.scalars(select(Evidence)).one()
    assert evidence.sha256 == hashlib.sha256(data).hexdigest()
    assert storage().size(key_for("evidence", evidence.stored_name)) == SIZE
    assert seconds < 2
