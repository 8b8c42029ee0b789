"""Every download route names its file in any script: RFC 6266 `filename*` with an ASCII fallback,
through tracker/web/downloads.py, never a server error from a header that is not Latin-1."""

import hashlib
import io
import re
from urllib.parse import unquote

import pytest
from werkzeug.datastructures import MultiDict

from tests import factories
from tracker.extensions import db
from tracker.reports import render
from tracker.reports.models import BoardReport
from tracker.reports.services import verified_pdf
from tracker.users.models import Role
from tracker.web.downloads import content_disposition

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

NAMES = {
    "polish": "Łódź – plan działań",
    "welsh": "Ysgol Gymraeg Llanfair ŵ ŷ",
    "irish": "Seán Ó Briain",
    "arabic": "تقرير المراجعة",
    "emoji": "Review 📄✅",
}


def _names(header: str) -> tuple[str, str | None]:
    """(the ASCII fallback, the decoded filename* or None), as a browser reads them."""
    assert header.isascii(), header
    assert header.startswith("attachment;")
    fallback = re.search(r'filename="([^"]*)"', header).group(1)
    star = re.search(r"filename\*=UTF-8''([^;\s]+)", header)
    return fallback, unquote(star.group(1)) if star else None


@pytest.mark.parametrize("name", list(NAMES.values()), ids=list(NAMES))
def test_the_header_keeps_the_name_and_offers_ascii(name):
    fallback, full = _names(content_disposition(f"{name}.pdf"))
    assert full == f"{name.replace(' ', '_')}.pdf"
    assert fallback.endswith(".pdf") and len(fallback) > len(".pdf") and fallback.isascii()


def test_ascii_names_stay_simple_and_nothing_escapes_the_quotes():
    assert content_disposition("board-report-2025-06-02.pdf") == 'attachment; filename="board-report-2025-06-02.pdf"'
    fallback, full = _names(content_disposition('a"b\r\nSet-Cookie: x=1;.pdf'))
    assert "\r" not in full and "\n" not in full and '"' not in fallback
    assert _names(content_disposition("Łódź.pdf"))[0] == "Lodz.pdf"
    assert _names(content_disposition("تقرير.pdf"))[0] == "download.pdf"
    assert content_disposition("../../etc/passwd") == 'attachment; filename="passwd"'
    assert content_disposition("C:\\Users\\Ó\\x.docx") == 'attachment; filename="x.docx"'


@pytest.mark.parametrize("name", list(NAMES.values()), ids=list(NAMES))
def test_evidence_downloads_under_its_own_name(client, login_as, name):
    action = factories.make_action(status="in_progress")
    db.session.commit()
    login_as(Role.AGENCY_LEAD, agency=action.owner_agency)
    form = MultiDict([("kind", "impact"), ("title", "Audit"), ("description", "d"), ("link_url", ""),
                      ("effective_date", "1"), ("effective_date", "6"), ("effective_date", "2025"),
                      ("file", (io.BytesIO(PDF), f"{name}.pdf"))])
    assert client.post(f"/evidence/new?action_id={action.id}", data=form,
                       content_type="multipart/form-data").status_code == 302
    evidence_id = db.session.scalar(db.text("SELECT id FROM evidence"))
    download = client.get(f"/evidence/{evidence_id}/download")
    assert download.status_code == 200 and download.data == PDF
    assert _names(download.headers["Content-Disposition"])[1] == f"{name.replace(' ', '_')}.pdf"
    download.close()


@pytest.fixture
def quick_pdf(monkeypatch):
    def fake(html, **kwargs):
        return render.RenderedPdf(b"%PDF-1.7 fake " + hashlib.sha256(html.encode()).hexdigest().encode(), 3, 0.1, 50)

    monkeypatch.setattr("tracker.reports.services.html_to_pdf", fake)


@pytest.mark.parametrize("name", list(NAMES.values()), ids=list(NAMES))
def test_board_report_and_its_exports_download_for_an_agency_in_any_script(client, login_as, quick_pdf, name):
    agency = factories.make_agency(name, "X1")
    review = factories.make_review("CSPR-2025-07")
    factories.make_action(owner=agency, recommendation=factories.make_recommendation(review, "1", addressees=[agency]))
    db.session.commit()
    login_as(Role.BUSINESS_UNIT)
    response = client.post("/reports/new", data={"as_at": ["2", "6", "2025"], "review": "", "theme": "",
                                                 "agency": name})
    assert response.status_code == 302, re.findall(r"govuk-error-message.*?</p", response.get_data(as_text=True), re.S)
    report = db.session.scalars(db.select(BoardReport)).one()
    pdf = client.get(f"/reports/{report.id}/report.pdf")
    assert pdf.status_code == 200 and pdf.data == verified_pdf(report)
    fallback, full = _names(pdf.headers["Content-Disposition"])
    assert (full or fallback) == report.filename and name.split()[0].lower() in report.filename
    for kind in ("csv", "xlsx"):
        export = client.get(f"/reports/{report.id}/actions.{kind}")
        assert export.status_code == 200 and _names(export.headers["Content-Disposition"])[0].endswith(kind)


@pytest.mark.parametrize("name", list(NAMES.values()), ids=list(NAMES))
def test_action_plan_export_for_a_review_in_any_script(client, login_as, name):
    review = factories.make_review(f"{name} 2025")
    db.session.commit()
    login_as(Role.BUSINESS_UNIT)
    for fmt in ("csv", "xlsx"):
        response = client.get(f"/imports/reviews/{review.id}/plan.{fmt}")
        assert response.status_code == 200
        fallback, full = _names(response.headers["Content-Disposition"])
        shown = full or fallback
        assert fallback.endswith(f".{fmt}") and shown.startswith("action-plan-") and shown.endswith(f".{fmt}")
        assert name.split()[0] in shown or not name.split()[0].isalnum()


def test_audit_trail_csv_goes_through_the_helper(client, login_as):
    login_as(Role.ADMIN)
    response = client.get("/admin/audit.csv")
    assert response.status_code == 200
    fallback, full = _names(response.headers["Content-Disposition"])
    assert fallback.startswith("audit-trail-") and full is None and "no-store" in response.headers["Cache-Control"]
