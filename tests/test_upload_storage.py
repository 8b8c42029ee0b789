"""Uploaded files live outside every static folder and come back only through the checked view."""

import io
from datetime import timedelta
from pathlib import Path

from werkzeug.datastructures import FileStorage

from tests.factories import TODAY, make_action, make_user
from tracker.evidence.services import add_evidence
from tracker.extensions import db
from tracker.users.models import Role


def test_evidence_is_stored_outside_static_and_not_served_from_it(app, client, login_as):
    lead = login_as(Role.AGENCY_LEAD)
    action = make_action(lead=lead, status="in_progress")
    evidence = add_evidence(action, by=lead, kind="completion", title="Register", description="", today=TODAY,
                            effective_date=TODAY - timedelta(days=1), max_bytes=10_000,
                            upload=FileStorage(io.BytesIO(b"names of staff trained\n"), filename="register.txt"))
    db.session.commit()
    stored = Path(app.config["UPLOAD_FOLDER"]) / evidence.stored_name
    assert stored.read_bytes() == b"names of staff trained\n"
    static = Path(app.static_folder).resolve()
    assert static not in stored.resolve().parents
    for prefix in ("/static/", "/static/evidence/", "/static/../instance/evidence/", "/evidence/"):
        response = client.get(prefix + evidence.stored_name)
        assert response.status_code == 404, prefix
        assert b"names of staff trained" not in response.get_data()
    download = client.get(f"/evidence/{evidence.id}/download")
    assert download.status_code == 200
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.get_data() == b"names of staff trained\n"
    download.close()
    stranger = app.test_client()
    other = make_user(Role.AGENCY_LEAD)
    db.session.commit()
    login_as(Role.AGENCY_LEAD, user=other, client=stranger)
    refused = stranger.get(f"/evidence/{evidence.id}/download")
    assert refused.status_code == 404 and b"names of staff trained" not in refused.get_data()
