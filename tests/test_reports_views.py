"""Report pages: who may generate, list and download; the archive round trip; exports; the CLI."""

import csv
import hashlib
import io
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tests import factories
from tracker.actions.models import StatusChange
from tracker.extensions import db
from tracker.reports import render
from tracker.reports.models import BoardReport
from tracker.reports.services import verified_docx, verified_pdf
from tracker.users.models import Role


@pytest.fixture
def small_data(app):
    owner = factories.make_agency("West Midlands Police", "WMP")
    review = factories.make_review("CSPR-2025-07", title="Child R")
    rec = factories.make_recommendation(review, "1", addressees=[owner])
    factories.make_action(owner=owner, recommendation=rec, description="=HYPERLINK(\"http://evil\",\"x\")")
    factories.make_action(owner=owner, recommendation=rec, status="in_progress", due_date=date(2025, 5, 1))
    factories.make_action(owner=owner, recommendation=rec, status="submitted")
    # The services stamp the real time; give the history the test's dates, as the demo data does.
    for change in db.session.scalars(select(StatusChange)):
        change.changed_at = datetime(2025, 5, 3, 10, tzinfo=UTC)
    db.session.commit()
    return owner


@pytest.fixture
def quick_pdf(monkeypatch):
    """The web tests check the archive, not WeasyPrint (test_reports_pdf lays out a real one)."""
    calls = []

    def fake(html, **kwargs):
        calls.append(html)
        return render.RenderedPdf(b"%PDF-1.7 fake " + hashlib.sha256(html.encode()).hexdigest().encode(), 3, 0.1, 50)

    monkeypatch.setattr("tracker.reports.services.html_to_pdf", fake)
    return calls


def _generate(client, **fields):
    data = {"as_at": ["2", "6", "2025"], "review": "", "agency": "", "theme": ""} | fields
    return client.post("/reports/new", data=data)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.BUSINESS_UNIT, Role.BOARD_MEMBER, Role.SCRUTINEER])
def test_readers_see_the_archive_and_the_dashboard(client, login_as, small_data, role):
    login_as(role)
    page = client.get("/reports/")
    assert page.status_code == 200 and "Board reports" in page.get_data(as_text=True)
    dashboard = client.get("/reports/dashboard").get_data(as_text=True)
    assert '<title id="dash-by-agency-title">Ratings by agency</title>' in dashboard
    assert '<desc id="dash-overdue-desc">' in dashboard and "WMP: 1" in dashboard
    generate_link = 'href="/reports/new"' in page.get_data(as_text=True)
    assert generate_link is (role in (Role.ADMIN, Role.BUSINESS_UNIT))


@pytest.mark.parametrize("role", [Role.BOARD_MEMBER, Role.SCRUTINEER, Role.AGENCY_LEAD])
def test_only_staff_generate(client, login_as, small_data, quick_pdf, role):
    login_as(role)
    assert client.get("/reports/new").status_code == 403
    assert _generate(client).status_code == 403
    assert db.session.scalar(select(BoardReport.id)) is None


def test_agency_leads_do_not_see_reports(client, login_as, small_data):
    login_as(Role.AGENCY_LEAD, agency=small_data)
    for url in ("/reports/", "/reports/dashboard"):
        assert client.get(url).status_code == 403


def test_generate_archive_and_download_identical_bytes(client, login_as, small_data, quick_pdf, app):
    staff = login_as(Role.BUSINESS_UNIT)
    response = _generate(client, agency="West Midlands Police")
    assert response.status_code == 302
    report = db.session.scalar(select(BoardReport))
    assert response.headers["Location"].endswith(f"/reports/{report.id}")
    assert report.status == "done" and report.requested_by_id == staff.id
    assert (report.as_at_date, report.agency_name, report.action_count) == (date(2025, 6, 2), "West Midlands Police", 3)
    assert report.sha256 == hashlib.sha256(verified_pdf(report)).hexdigest()
    page = client.get(f"/reports/{report.id}").get_data(as_text=True)
    assert report.sha256 in page and 'http-equiv="refresh"' not in page
    first = client.get(f"/reports/{report.id}/report.pdf")
    assert first.status_code == 200 and first.mimetype == "application/pdf"
    assert first.data == verified_pdf(report) and first.headers["X-Content-SHA256"] == report.sha256

    board_client = app.test_client()
    login_as(Role.BOARD_MEMBER, client=board_client)
    again = board_client.get(f"/reports/{report.id}/report.pdf")
    assert again.data == first.data and hashlib.sha256(again.data).hexdigest() == report.sha256
    listing = board_client.get("/reports/").get_data(as_text=True)
    assert f"/reports/{report.id}/report.pdf" in listing and "West Midlands Police" in listing


def test_progress_page_refreshes_until_the_report_is_ready(client, login_as):
    login_as(Role.BOARD_MEMBER)
    report = BoardReport(as_at_date=date(2025, 6, 2), requested_by_name="Priya Shah", progress="Waiting to start")
    db.session.add(report)
    db.session.commit()
    page = client.get(f"/reports/{report.id}").get_data(as_text=True)
    assert '<meta http-equiv="refresh" content="3">' in page and "Waiting to start" in page
    assert client.get(f"/reports/{report.id}/report.pdf").status_code == 404
    assert client.get("/reports/999").status_code == 404


def test_failed_render_is_shown_not_stored(client, login_as, small_data, monkeypatch):
    def too_slow(html, **kwargs):
        raise render.RenderError("The PDF took longer than 300 seconds to lay out.")

    monkeypatch.setattr("tracker.reports.services.html_to_pdf", too_slow)
    login_as(Role.ADMIN)
    response = _generate(client, follow_redirects=False)
    report = db.session.scalar(select(BoardReport))
    assert response.status_code == 302 and report.status == "failed" and report.stored_name is None
    assert "longer than 300 seconds" in client.get(f"/reports/{report.id}").get_data(as_text=True)


@pytest.mark.parametrize("fields, message", [
    ({"as_at": ["", "", ""]}, "Enter as at date"),
    ({"as_at": ["31", "2", "2025"]}, "As at date must be a real date"),
    ({"as_at": ["3", "6", "2025"]}, "The as at date must be today or in the past."),
    ({"review": "NOPE-1"}, "There is no review with the reference NOPE-1."),
    ({"theme": "Nothing like it"}, "There is no theme called Nothing like it."),
])
def test_bad_input_shows_the_error_and_keeps_the_values(client, login_as, small_data, quick_pdf, fields, message):
    login_as(Role.BUSINESS_UNIT)
    response = _generate(client, **fields)
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and message in body and "govuk-error-summary" in body
    if fields.get("as_at", ["2"])[0]:
        assert f'value="{fields.get("as_at", ["2"])[0]}"' in body
    assert db.session.scalar(select(BoardReport.id)) is None


def test_exports_have_one_row_per_action_and_neutralise_formulas(client, login_as, small_data, quick_pdf):
    login_as(Role.BUSINESS_UNIT)
    _generate(client)
    report = db.session.scalar(select(BoardReport))
    response = client.get(f"/reports/{report.id}/actions.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert len(rows) == 1 + 3 and rows[0][:3] == ["Action ID", "Reference", "Review"]
    description = rows[0].index("Description")
    assert "'=HYPERLINK(\"http://evil\",\"x\")" in [row[description] for row in rows[1:]]

    response = client.get(f"/reports/{report.id}/actions.xlsx")
    sheet = load_workbook(io.BytesIO(response.data))["Actions"]
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == 1 + 3 and values[0][0] == "Action ID"
    cells = [row[description] for row in sheet.iter_rows(min_row=2)]
    assert any(c.value == "=HYPERLINK(\"http://evil\",\"x\")" and c.data_type == "s" for c in cells)


def test_board_report_command(app, small_data, quick_pdf, tmp_path):
    user = factories.make_user(Role.BUSINESS_UNIT, email="priya@example.org", name="Priya Shah")
    db.session.commit()
    out = tmp_path / "report.pdf"
    runner = app.test_cli_runner()
    result = runner.invoke(args=["board-report", "--as-at", "2025-06-01", "--agency", "wmp", "-o", str(out)])
    assert result.exit_code == 0, result.output
    report = db.session.scalar(select(BoardReport))
    assert out.read_bytes() == verified_pdf(report) and report.sha256 in result.output
    assert report.requested_by_name == "command line" and report.agency_name == "West Midlands Police"
    result = runner.invoke(args=["board-report", "--as-at", "2025-06-01", "--as-user", "PRIYA@example.org",
                                 "-o", str(tmp_path / "two.pdf")])
    assert result.exit_code == 0 and db.session.scalars(select(BoardReport.requested_by_id)).all()[-1] == user.id
    bad = runner.invoke(args=["board-report", "--as-at", "1 June", "-o", str(out)])
    assert bad.exit_code != 0 and "YYYY-MM-DD" in bad.output
    unknown = runner.invoke(args=["board-report", "--as-at", "2025-06-01", "--agency", "Nowhere", "-o", str(out)])
    assert unknown.exit_code != 0 and "no agency called Nowhere" in unknown.output


# --- drafts, commentary, publishing; the Word and web versions; the template -------------------------------


def _start_draft(client, **fields):
    data = {"as_at": ["2", "6", "2025"], "review": "", "agency": "", "theme": "", "meeting": "",
            "draft": "Start a draft to write commentary"} | fields
    return client.post("/reports/new", data=data)


COMMENTARY = {"purpose": "To assure the board.", "asks": "Note the overdue action.",
              "summary": "Progress is **steady**.\n\n- Police <script>alert(1)</script>\n- Health on track",
              "charts": "", "exceptions": "One action is late.", "reviews": "", "assured": "", "themes": ""}


def test_a_draft_gets_commentary_a_preview_and_is_published_frozen(client, login_as, small_data, quick_pdf, app):
    login_as(Role.BUSINESS_UNIT)
    response = _start_draft(client)
    assert response.status_code == 302 and response.location.endswith("/commentary")
    report = db.session.scalars(select(BoardReport)).one()
    assert report.status == "draft" and report.stored_name is None and not quick_pdf

    saved = client.post(f"/reports/{report.id}/commentary", data=COMMENTARY | {"save": "Save the commentary"})
    assert saved.status_code == 302
    page = client.get(f"/reports/{report.id}/commentary").get_data(as_text=True)
    assert "Progress is **steady**." in page  # the text kept as typed

    preview = client.get(f"/reports/{report.id}/preview").get_data(as_text=True)
    assert "Progress is <strong>steady</strong>." in preview
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in preview and "<script>alert(1)" not in preview
    assert "<h2>Exceptions</h2>" in preview and "One action is late." in preview
    assert "This is a draft" in preview

    published = client.post(f"/reports/{report.id}/commentary", data=COMMENTARY | {"publish": "Save and publish"})
    assert published.status_code == 302
    db.session.expire_all()
    report = db.session.get(BoardReport, report.id)
    assert report.status == "done"
    # The PDF was laid out from HTML holding the commentary, and the Word version was stored with its hash.
    assert "Progress is <strong>steady</strong>." in quick_pdf[-1] and "To assure the board." in quick_pdf[-1]
    assert report.docx_sha256 == hashlib.sha256(verified_docx(report)).hexdigest()
    assert report.commentary["summary"].startswith("Progress is **steady**.")

    # Frozen: the commentary can no longer change.
    again = client.post(f"/reports/{report.id}/commentary", data=COMMENTARY | {"summary": "Changed",
                                                                               "save": "Save the commentary"})
    assert again.status_code == 302
    db.session.expire_all()
    assert db.session.get(BoardReport, report.id).commentary["summary"].startswith("Progress is **steady**.")

    docx = client.get(f"/reports/{report.id}/report.docx")
    assert docx.status_code == 200 and docx.data == verified_docx(report)
    assert docx.headers["Content-Disposition"].endswith('.docx"') or ".docx" in docx.headers["Content-Disposition"]
    web = client.get(f"/reports/{report.id}/report.html").get_data(as_text=True)
    assert "Progress is <strong>steady</strong>." in web and "This is a draft" not in web
    assert "<h2>Reviews</h2>" in web and "CSPR-2025-07" in web


def test_commentary_too_long_is_refused_and_nothing_is_lost(client, login_as, small_data, quick_pdf):
    login_as(Role.BUSINESS_UNIT)
    _start_draft(client)
    report = db.session.scalars(select(BoardReport)).one()
    long_text = "word " * 1300  # 6,500 characters
    response = client.post(f"/reports/{report.id}/commentary",
                           data=COMMENTARY | {"summary": long_text, "save": "Save the commentary"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Executive summary must be 6,000 characters or fewer" in page
    assert "To assure the board." in page and "word word word" in page
    db.session.expire_all()
    assert db.session.get(BoardReport, report.id).commentary == {}


@pytest.mark.parametrize("role", [Role.BOARD_MEMBER, Role.SCRUTINEER])
def test_only_staff_write_commentary(client, login_as, small_data, app, role):
    report = BoardReport(status="draft", as_at_date=date(2025, 6, 2), requested_by_name="x", commentary={})
    db.session.add(report)
    db.session.commit()
    login_as(role)
    assert client.get(f"/reports/{report.id}/commentary").status_code == 403
    assert client.post(f"/reports/{report.id}/commentary", data=COMMENTARY).status_code == 403
    assert client.get(f"/reports/{report.id}/preview").status_code == 403
    assert client.get(f"/reports/{report.id}/report.docx").status_code == 404  # not published


def test_a_bad_template_upload_gets_a_message_and_the_default_stays(client, login_as, small_data):
    login_as(Role.BUSINESS_UNIT)
    response = client.post("/reports/template", data={
        "template": (io.BytesIO(b"not a word document"), "cover.docx"), "submit": "Upload the template"},
        content_type="multipart/form-data")
    assert response.status_code == 422
    assert "this file is not one" in response.get_data(as_text=True)
    assert "No template has been uploaded" in response.get_data(as_text=True)
