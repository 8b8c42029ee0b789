"""Adding evidence (files checked by content and size, or links) and downloading it behind a permission check."""

import io

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from tests import factories
from tracker.audit.models import AuditRecord
from tracker.evidence.models import Evidence
from tracker.extensions import db
from tracker.users.models import Role

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
READERS = (Role.BOARD_MEMBER, Role.SCRUTINEER)


@pytest.fixture
def sign_in(client, login_as):
    def _sign_in(*args, **kw):
        client.post("/sign-out")
        return login_as(*args, **kw)

    return _sign_in


def _action(**kw):
    action = factories.make_action(**kw)
    db.session.commit()
    return action


def _form(file=None, link="", title="Case-file audit, March", kind="impact", day=("1", "6", "2025"),
          description="Genograms in 85% of files"):
    data = MultiDict([("kind", kind), ("title", title), ("description", description), ("link_url", link),
                      *[("effective_date", part) for part in day]])
    if file is not None:
        data.add("file", file)
    return data


def _file(name: str, data: bytes):
    return (io.BytesIO(data), name)


def _evidence_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Evidence))


def _body(response) -> str:
    return response.get_data(as_text=True)


def test_form_renders_for_own_lead_and_staff(client, sign_in):
    action = _action(status="in_progress")
    sign_in(Role.AGENCY_LEAD, agency=action.owner_agency)
    response = client.get(f"/evidence/new?action_id={action.id}")
    body = _body(response)
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in body and 'type="file"' in body
    assert 'value="2025"' in body  # effective date defaults to today
    sign_in(Role.BUSINESS_UNIT)
    assert client.get(f"/evidence/new?action_id={action.id}").status_code == 200


def test_form_refusals(client, sign_in):
    action = _action(status="in_progress", description="Secret health action")
    closed = _action(status="withdrawn")
    for role in READERS:
        sign_in(role)
        assert client.get(f"/evidence/new?action_id={action.id}").status_code == 403
        response = client.post(f"/evidence/new?action_id={action.id}", data=_form(link="https://example.org/x"),
                               content_type="multipart/form-data")
        assert response.status_code == 403
    sign_in(Role.AGENCY_LEAD)  # another agency
    response = client.get(f"/evidence/new?action_id={action.id}")
    assert response.status_code == 404 and "Secret health action" not in _body(response)
    assert client.post(f"/evidence/new?action_id={action.id}", data=_form(link="https://example.org/x"),
                       content_type="multipart/form-data").status_code == 404
    sign_in(Role.BUSINESS_UNIT)
    assert client.get(f"/evidence/new?action_id={closed.id}").status_code == 403
    assert client.get("/evidence/new").status_code == 404
    assert client.get("/evidence/new?action_id=abc").status_code == 404
    assert _evidence_count() == 0


def test_upload_then_download_gives_the_same_bytes(client, sign_in):
    action = _action(status="in_progress")
    lead = sign_in(Role.AGENCY_LEAD, agency=action.owner_agency)
    response = client.post(f"/evidence/new?action_id={action.id}",
                           data=_form(file=_file("Audit report.pdf", PDF)), content_type="multipart/form-data")
    assert response.status_code == 302
    evidence = db.session.scalars(select(Evidence)).one()
    assert (evidence.kind, evidence.original_filename, evidence.supplied_by_id) == ("impact", "Audit_report.pdf", lead.id)
    page = _body(client.get(f"/actions/{action.id}"))
    assert "Case-file audit, March" in page and "Audit_report.pdf" in page
    assert f"/evidence/{evidence.id}/download" in page

    sign_in(Role.BOARD_MEMBER)
    download = client.get(f"/evidence/{evidence.id}/download")
    assert download.status_code == 200
    assert download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert "Audit_report.pdf" in download.headers["Content-Disposition"]
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in download.headers["Cache-Control"]
    download.close()
    events = db.session.scalars(select(AuditRecord).where(AuditRecord.event == "evidence_downloaded")).all()
    assert [e.object_id for e in events] == [evidence.id]


def test_download_refused_to_another_agency_and_for_links(client, sign_in):
    action = _action(status="in_progress")
    sign_in(Role.AGENCY_LEAD, agency=action.owner_agency)
    client.post(f"/evidence/new?action_id={action.id}", data=_form(file=_file("a.pdf", PDF)),
                content_type="multipart/form-data")
    evidence = db.session.scalars(select(Evidence)).one()
    sign_in(Role.AGENCY_LEAD)
    response = client.get(f"/evidence/{evidence.id}/download")
    assert response.status_code == 404 and PDF not in response.data
    link = factories.make_evidence(action, action.updates[0].author)
    db.session.commit()
    sign_in(Role.BUSINESS_UNIT)
    assert client.get(f"/evidence/{link.id}/download").status_code == 404
    assert client.get("/evidence/99999/download").status_code == 404
    assert db.session.scalar(select(func.count()).select_from(AuditRecord)
                             .where(AuditRecord.event == "evidence_downloaded")) == 0


def test_link_evidence_is_shown_safely(client, sign_in):
    action = _action(status="in_progress")
    sign_in(Role.AGENCY_LEAD, agency=action.owner_agency)
    response = client.post(f"/evidence/new?action_id={action.id}",
                           data=_form(link="https://example.org/report?id=1&x=2", kind="completion"),
                           content_type="multipart/form-data")
    assert response.status_code == 302
    body = _body(client.get(f"/actions/{action.id}"))
    assert 'href="https://example.org/report?id=1&amp;x=2" rel="noopener noreferrer"' in body
    assert "Completion" in body


@pytest.mark.parametrize("upload, link, field_error", [
    (("policy.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200), "",
     "The selected file is not a real PDF file"),
    (("notes.txt", b"<!DOCTYPE html><html><script>alert(1)</script></html>"), "",
     "The selected file is not a real Text file"),
    (("tool.exe", b"MZ\x90\x00"), "", "The selected file must be a PDF, Word"),
    (("empty.pdf", b""), "", "The selected file is empty"),
    (("big.pdf", b"%PDF-1.4\n" + b"0" * (210 * 1024)), "", "The selected file must be smaller than"),
    (("a.pdf", PDF), "https://example.org/x", "Upload a file or give a link, but not both"),
    (None, "", "Upload a file or give a link, but not both"),
    (None, "javascript:alert(1)", "Enter a link that starts with http:// or https://"),
    (None, "ftp://example.org/file", "Enter a link that starts with http:// or https://"),
])
def test_bad_files_and_links_show_on_the_form_and_keep_typed_values(client, sign_in, upload, link, field_error):
    action = _action(status="in_progress")
    sign_in(Role.AGENCY_LEAD, agency=action.owner_agency)
    file = _file(*upload) if upload else None
    response = client.post(f"/evidence/new?action_id={action.id}",
                           data=_form(file=file, link=link, title="My typed title", description="My typed text"),
                           content_type="multipart/form-data")
    body = _body(response)
    assert response.status_code == 422
    assert field_error in body
    assert 'class="govuk-error-summary' in body
    assert "My typed title" in body and "My typed text" in body
    assert 'value="impact" checked' in body
    assert _evidence_count() == 0


@pytest.mark.parametrize("day, error", [
    (("31", "2", "2025"), "Date the evidence applies from must be a real date"),
    (("", "", ""), "Enter date the evidence applies from"),
    (("3", "6", "2025"), "cannot be in the future"),
])
def test_bad_effective_dates(client, sign_in, day, error):
    action = _action(status="in_progress")
    sign_in(Role.AGENCY_LEAD, agency=action.owner_agency)
    response = client.post(f"/evidence/new?action_id={action.id}",
                           data=_form(link="https://example.org/a", day=day), content_type="multipart/form-data")
    body = _body(response)
    assert response.status_code == 422 and error in body
    assert "https://example.org/a" in body
    assert _evidence_count() == 0


def test_missing_title_and_kind(client, sign_in):
    action = _action(status="in_progress")
    sign_in(Role.AGENCY_LEAD, agency=action.owner_agency)
    response = client.post(f"/evidence/new?action_id={action.id}",
                           data=_form(link="https://example.org/a", title="", kind=""),
                           content_type="multipart/form-data")
    body = _body(response)
    assert "Enter a title for the evidence" in body and "Choose completion or impact" in body
    assert _evidence_count() == 0


def test_a_body_over_the_server_limit_shows_the_form_not_a_bare_error(app, client, sign_in):
    action = _action(status="in_progress")
    sign_in(Role.AGENCY_LEAD, agency=action.owner_agency)
    huge = b"%PDF-1.4\n" + b"0" * (app.config["MAX_CONTENT_LENGTH"] + 1024)
    response = client.post(f"/evidence/new?action_id={action.id}", data=_form(file=_file("huge.pdf", huge)),
                           content_type="multipart/form-data")
    body = _body(response)
    assert response.status_code == 413
    assert "The selected file must be smaller than 200 KB" in body
    assert 'enctype="multipart/form-data"' in body
    assert _evidence_count() == 0
    # Someone who may not add evidence learns nothing more than the generic page.
    sign_in(Role.AGENCY_LEAD)
    response = client.post(f"/evidence/new?action_id={action.id}", data=_form(file=_file("huge.pdf", huge)),
                           content_type="multipart/form-data")
    assert response.status_code in (404, 413) and 'enctype="multipart/form-data"' not in _body(response)


def test_a_withdrawn_file_is_downloadable_by_the_business_unit_only(client, sign_in):
    """Withdrawal takes a file off the action's pages; its address must not still serve it to the agency
    or the board. The business unit keeps it for the record."""
    from tracker.withdrawals.services import withdraw

    action = _action(status="in_progress")
    lead = sign_in(Role.AGENCY_LEAD, agency=action.owner_agency)
    client.post(f"/evidence/new?action_id={action.id}", data=_form(file=_file("wrong child.pdf", PDF)),
                content_type="multipart/form-data")
    evidence = db.session.scalars(select(Evidence)).one()
    withdraw(action, evidence, by=lead, reason="The wrong child's file")
    db.session.commit()
    for role in (Role.AGENCY_LEAD, *READERS):
        sign_in(role, agency=action.owner_agency if role == Role.AGENCY_LEAD else None)
        response = client.get(f"/evidence/{evidence.id}/download")
        assert response.status_code == 404 and PDF not in response.data, role
    sign_in(Role.BUSINESS_UNIT)
    download = client.get(f"/evidence/{evidence.id}/download")
    assert download.status_code == 200 and download.data == PDF
    download.close()
