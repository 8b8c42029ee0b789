"""Agency packs: each agency's own recommendations, actions, ratings and asks; every agency in one zip
made in the background; each agency lead downloads only their own."""

import io
import zipfile
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from tests import factories
from tests.docx_check import check_package, read_back
from tracker.actions.models import StatusChange
from tracker.extensions import db
from tracker.recommendations.models import FormalResponse, RecommendationResponse
from tracker.reports.data import build_report_data, resolve_scope
from tracker.reports.models import PackRun
from tracker.reports.packs import pack_docx, pack_html, split_by_agency
from tracker.settings import load_settings
from tracker.storage import storage
from tracker.users.models import Role


@pytest.fixture
def two_agencies(app):
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


@pytest.fixture
def quick_pdf(monkeypatch):
    calls = []

    def fake(htmls, on_progress=lambda number: None, **kwargs):
        calls.extend(htmls)
        for number in range(1, len(htmls) + 1):
            on_progress(number)
        return [b"%PDF-1.7 fake " + html.encode()[:4000] for html in htmls]

    monkeypatch.setattr("tracker.reports.packs.htmls_to_pdfs", fake)
    return calls


def _run(client):
    return client.post("/agency-packs/", data={"as_at": ["2", "6", "2025"], "submit": "Make"})


def test_every_agency_gets_its_own_pack_in_one_zip(client, login_as, two_agencies, quick_pdf):
    login_as(Role.BUSINESS_UNIT)
    response = _run(client)
    assert response.status_code == 302
    run = db.session.scalars(select(PackRun)).one()
    assert run.status == "done", run.error
    page = client.get(f"/agency-packs/{run.id}").get_data(as_text=True)
    assert "The packs are ready" in page and "2 agencies" in page

    bundle = zipfile.ZipFile(io.BytesIO(client.get(f"/agency-packs/{run.id}/packs.zip").data))
    assert sorted(bundle.namelist()) == ["2025-06-02-cht.docx", "2025-06-02-cht.pdf", "2025-06-02-wmp.docx",
                                         "2025-06-02-wmp.pdf"]
    police_docx = bundle.read("2025-06-02-wmp.docx")
    assert check_package(police_docx) == []
    _, text = read_back(police_docx)
    assert "Agency pack: West Midlands Police" in text and "Police briefing on neglect" in text
    assert "Health visitor training" not in text
    # What is asked of it: the overdue action and the missing formal response.
    assert "overdue since 1 May 2025" in text
    assert "A formal response to CSPR-2025-07 recommendation 1" in text
    # The PDF's HTML says the same.
    police_html = next(h for h in quick_pdf if "Agency pack: West Midlands Police" in h)
    assert "Police briefing on neglect" in police_html and "Health visitor training" not in police_html


def test_a_zip_larger_than_memory_allows_is_built_on_disk_and_kept_whole(client, login_as, two_agencies,
                                                                          quick_pdf, monkeypatch):
    """Over SPOOL_BYTES the zip is written to a temporary file, not held in the worker's memory; the
    stored zip is still whole, its name carries its own hash, and the download matches that hash."""
    import hashlib
    import tempfile

    rolled_over = []

    class Recording(tempfile.SpooledTemporaryFile):
        def rollover(self):
            rolled_over.append(True)
            super().rollover()

    monkeypatch.setattr("tracker.reports.packs.SPOOL_BYTES", 1024)
    monkeypatch.setattr("tracker.reports.packs.tempfile.SpooledTemporaryFile", Recording)
    login_as(Role.BUSINESS_UNIT)
    _run(client)
    run = db.session.scalars(select(PackRun)).one()
    assert run.status == "done", run.error
    assert rolled_over, "the zip stayed in memory"
    content = client.get(f"/agency-packs/{run.id}/packs.zip").data
    assert len(content) > 1024 and run.size_bytes == len(content)
    assert hashlib.sha256(content).hexdigest() == run.sha256
    assert run.stored_name.endswith(f"-{run.sha256[:16]}.zip")
    assert len(zipfile.ZipFile(io.BytesIO(content)).namelist()) == 4


def test_a_lead_downloads_only_their_own_agencys_pack(client, login_as, two_agencies, quick_pdf):
    _, health = two_agencies
    login_as(Role.BUSINESS_UNIT)
    _run(client)
    run_id = db.session.scalars(select(PackRun.id)).one()
    client.post("/sign-out")
    login_as(Role.AGENCY_LEAD, agency=health)
    docx = client.get("/agency-packs/mine.docx")
    assert docx.status_code == 200
    _, text = read_back(docx.data)
    assert "Agency pack: City Health Trust" in text and "Police briefing" not in text
    pdf = client.get("/agency-packs/mine.pdf")
    assert pdf.status_code == 200 and b"City Health Trust" in pdf.data and b"Police briefing" not in pdf.data
    assert "Download the PDF" in client.get("/agency-packs/mine").get_data(as_text=True)
    # Not the zip, not the runs, not starting one.
    assert client.get(f"/agency-packs/{run_id}/packs.zip").status_code == 403
    assert client.get("/agency-packs/").status_code == 403
    assert _run(client).status_code == 403


def test_agencies_whose_names_look_alike_each_get_their_own_pack(client, login_as, app, quick_pdf):
    """"A&B" and "A-B" are both "a-b" in a file name: each lead still gets their own agency's pack, and
    keeps getting it after the agency is renamed."""
    first = factories.make_agency("A&B Health", "A&B")
    second = factories.make_agency("A-B Care", "A-B")
    review = factories.make_review("CSPR-2025-08", title="Child S")
    rec = factories.make_recommendation(review, "1", addressees=[first, second], text="Share records.")
    factories.make_action(owner=first, recommendation=rec, description="First agency's audit")
    factories.make_action(owner=second, recommendation=rec, description="Second agency's training")
    db.session.commit()
    login_as(Role.BUSINESS_UNIT)
    _run(client)
    run = db.session.scalars(select(PackRun)).one()
    assert run.status == "done", run.error
    names = zipfile.ZipFile(io.BytesIO(storage().open(run.key).read_all())).namelist()
    assert len(names) == len(set(names)) == 4
    first.name = "A and B Health"
    db.session.commit()
    for agency, own, other in ((first, "Agency pack: A&B Health", "A-B Care"),
                               (second, "Agency pack: A-B Care", "A&B Health")):
        client.post("/sign-out")
        login_as(Role.AGENCY_LEAD, agency=agency)
        docx = client.get("/agency-packs/mine.docx")
        assert docx.status_code == 200
        _, text = read_back(docx.data)
        assert own in text and other not in text


def test_a_lead_with_no_pack_yet_is_told_so(client, login_as, two_agencies):
    police, _ = two_agencies
    login_as(Role.AGENCY_LEAD, agency=police)
    assert client.get("/agency-packs/mine.docx").status_code == 404
    assert "There is no pack for your agency yet" in client.get("/agency-packs/mine").get_data(as_text=True)


@pytest.mark.parametrize("role", [Role.BOARD_MEMBER, Role.SCRUTINEER])
def test_other_roles_have_no_agency_pack(client, login_as, two_agencies, role):
    login_as(role)
    assert client.get("/agency-packs/mine.docx").status_code == 403
    assert client.get("/agency-packs/").status_code == 403


def test_a_future_date_is_refused_on_the_form(client, login_as, two_agencies, quick_pdf):
    login_as(Role.BUSINESS_UNIT)
    response = client.post("/agency-packs/", data={"as_at": ["2", "6", "2099"], "submit": "Make"})
    assert response.status_code == 422
    assert "The as at date must be today or in the past" in response.get_data(as_text=True)
    assert db.session.scalars(select(PackRun)).all() == []


def test_the_lead_finds_the_pack_from_home_and_staff_from_the_reports(client, login_as, two_agencies):
    police, _ = two_agencies
    login_as(Role.AGENCY_LEAD, agency=police)
    assert 'href="/agency-packs/mine"' in client.get("/").get_data(as_text=True)
    client.post("/sign-out")
    login_as(Role.BUSINESS_UNIT)
    assert 'href="/agency-packs/"' in client.get("/reports/").get_data(as_text=True)


def test_a_complete_recommendation_is_counted_but_not_listed(app, two_agencies):
    """Over ten years most recommendations are complete: the pack lists what is open in full and counts
    the rest, which kept the ten-year run within its minute (issue 19, point 9)."""
    police, _ = two_agencies
    review = factories.make_review("CSPR-2019-02", title="Child S")
    done = factories.make_recommendation(review, "4", addressees=[police], text="Audit the strategy meetings.")
    factories.make_action(owner=police, recommendation=done, status="assured", due_date=date(2020, 1, 10),
                          description="Strategy meeting audit")
    db.session.add(RecommendationResponse(recommendation_id=done.id, agency_id=police.id,
                                          response=FormalResponse.ACCEPTED, response_date=date(2019, 6, 1)))
    db.session.commit()
    data = build_report_data(resolve_scope(date(2025, 6, 2)), load_settings(), partnership="P",
                             generated_by="", generated_at=datetime(2025, 6, 2, tzinfo=UTC))
    pack = next(p for p in split_by_agency(data) if p.agency == "West Midlands Police")
    _, text = read_back(pack_docx(pack))
    assert "Police briefing on neglect" in text and "Overdue" in text
    assert "Strategy meeting audit" not in text and "CSPR-2019-02 recommendation 4" not in text
    assert "1 further recommendation complete, and 0 actions assured" in text
    with app.test_request_context():
        html = pack_html(pack)
    assert "Police briefing on neglect" in html and "Strategy meeting audit" not in html
    assert "1 action is overdue" in html
