"""Reading uploaded documents: in a separate, limited process, from the import queue, with progress
on the draft page; scanned PDFs through OCR; every kind of bad file refused with a clear message and
nothing kept."""

import io
import zipfile

import pytest
from pypdf import PdfWriter
from sqlalchemy import func, select

from tests.imports_docs import overview_docx
from tests.scanned import review_scan
from tracker.core.errors import DomainError
from tracker.extensions import db
from tracker.imports import limits, ocr, services
from tracker.imports.models import DraftState, ImportDraft
from tracker.recommendations.models import Recommendation
from tracker.reviews.models import Review
from tracker.storage import storage
from tracker.users.models import Role


@pytest.fixture(autouse=True)
def _scans_fit(app):
    app.config["EVIDENCE_MAX_BYTES"] = 10 * 1024 * 1024  # a scan is a few hundred kB a page
    app.config["MAX_CONTENT_LENGTH"] = 12 * 1024 * 1024


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def _upload(client, data: bytes, name: str):
    return client.post("/imports/", content_type="multipart/form-data",
                       data={"target": "new", "title": "Child S", "reference": "", "review_type": "cspr",
                             "pasted": "", "file": (io.BytesIO(data), name)})


def _stored_files(app) -> list:
    return sorted(storage().keys("imports"))


def _refused(client, app, data: bytes, name: str, message: str) -> None:
    before = _stored_files(app)
    response = _upload(client, data, name)
    assert response.status_code == 422, response.text[:500]
    assert message in response.text
    assert _count(ImportDraft) == 0 and _count(Review) == 0 and _count(Recommendation) == 0
    assert _stored_files(app) == before  # the uploaded file is not kept either


# --- OCR -----------------------------------------------------------------------------------------


def test_a_scan_has_no_text_layer_and_ocr_reads_each_page_with_progress():
    data = review_scan(page_count=2)
    assert not ocr.has_text_layer(data)
    heard = []
    pages = ocr.ocr_pages(data, heard.append)
    assert heard == ["Reading page 1 of 2", "Reading page 2 of 2"]
    assert len(pages) == 2 and "strategy meetings are recorded" in pages[1]


def test_a_scanned_upload_is_read_by_ocr_and_the_draft_says_so(client, login_as):
    login_as(Role.BUSINESS_UNIT)
    response = _upload(client, review_scan(page_count=2), "scan.pdf")
    assert response.status_code == 302
    draft = db.session.scalar(select(ImportDraft))
    assert draft.state == DraftState.READY and draft.ocr
    assert [i["number"] for i in draft.items if i["kind"] == "recommendation"] == ["1", "2", "3"]
    assert "audit neglect assessments" in draft.items[1]["text"]
    assert all(item["page"] in (1, 2) for item in draft.items)  # each item keeps the page it was read from
    page = client.get(response.headers["Location"])
    assert "text came from text recognition (OCR)" in " ".join(page.text.split())
    assert f"Page {draft.items[0]['page']}" in page.text


def test_a_text_pdf_is_not_sent_to_ocr(app, monkeypatch):
    from tests.imports_docs import briefing_pdf

    monkeypatch.setattr("tracker.imports.ocr.ocr_pages", lambda *args: pytest.fail("a text PDF was sent to OCR"))
    data = briefing_pdf()
    assert ocr.has_text_layer(data)
    result = services.extract_document("briefing.pdf", data, known_agencies=[])
    assert not result.ocr and len(result.recommendations) == 4


# --- In the background, with progress ------------------------------------------------------------


def test_the_reading_page_shows_progress_and_refreshes_until_ready(client, login_as, app, monkeypatch):
    user = login_as(Role.BUSINESS_UNIT)
    monkeypatch.setattr("tracker.reports.tasks.enqueue_reading", lambda draft_id: None)  # a queue that waits
    response = _upload(client, review_scan(page_count=2), "scan.pdf")
    url = response.headers["Location"]
    draft = db.session.scalar(select(ImportDraft))
    assert draft.state == DraftState.READING and draft.user_id == user.id and draft.items == []
    page = client.get(url)
    assert '<meta http-equiv="refresh" content="3">' in page.text
    assert "Waiting to start" in page.text and "Check again" in page.text
    assert client.post(url, data={"op": "confirm", "count": "0"}).status_code == 302  # nothing to confirm yet
    assert _count(Review) == 0

    seen = []

    def commit():
        seen.append(draft.progress)
        db.session.commit()

    services.read_into_draft(draft, on_progress=commit)
    db.session.commit()
    assert seen == ["Reading the document", "Reading page 1 of 2", "Reading page 2 of 2"]
    page = client.get(url)
    assert "refresh" not in page.text and "Check the recommendations and learning points" in page.text
    assert "Item 3" in page.text


def test_a_failure_in_the_background_is_shown_on_the_draft_page_and_nothing_kept(client, login_as, app,
                                                                                 monkeypatch):
    login_as(Role.BUSINESS_UNIT)
    monkeypatch.setattr("tracker.reports.tasks.enqueue_reading", lambda draft_id: None)
    url = _upload(client, b"%PDF-1.4\n" + b"\x00garbage" * 50, "broken.pdf").headers["Location"]
    draft = db.session.scalar(select(ImportDraft))
    stored = services.document_key(draft.stored_name)
    assert storage().exists(stored)
    services.read_into_draft(draft)
    db.session.commit()
    page = client.get(url)
    assert "The document could not be read" in page.text and "damaged" in page.text
    assert "refresh" not in page.text and not storage().exists(stored) and _count(Review) == 0


def test_the_web_worker_never_parses_the_document(client, login_as, monkeypatch):
    def parsed_here(*args, **kwargs):
        raise AssertionError("parsed in the web worker")

    monkeypatch.setattr("tracker.imports.parsing.read_document", parsed_here)
    monkeypatch.setattr("tracker.imports.parsing.ex.extract", parsed_here)
    login_as(Role.BUSINESS_UNIT)
    assert _upload(client, overview_docx(), "overview.docx").status_code == 302
    assert len(db.session.scalar(select(ImportDraft)).items) == 50


# --- Bad input -----------------------------------------------------------------------------------


def _pdf(pages: int, password: str | None = None) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=200, height=200)
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _docx_with(extra: dict[str, bytes] | None = None, entries: int = 0) -> bytes:
    """A real .docx with more parts added: a huge part compresses to almost nothing."""
    source = zipfile.ZipFile(io.BytesIO(overview_docx()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        for name, data in (extra or {}).items():
            target.writestr(name, data)
        for n in range(entries):
            target.writestr(f"extra/part{n}.xml", b"<a/>")
    return out.getvalue()


def test_the_limits_are_stated_on_both_upload_forms(client, login_as):
    from tests.factories import make_review

    review = make_review(reference="CSPR-9")
    db.session.commit()
    login_as(Role.BUSINESS_UNIT)
    assert "300 pages (50 pages for a scanned PDF" in client.get("/imports/").text
    assert "5,000 rows" in client.get(f"/imports/reviews/{review.id}/plan").text


def test_encrypted_pdf(client, login_as, app):
    login_as(Role.BUSINESS_UNIT)
    _refused(client, app, _pdf(1, password="secret"), "locked.pdf", "protected by a password")


def test_corrupt_pdf(client, login_as, app):
    login_as(Role.BUSINESS_UNIT)
    _refused(client, app, b"%PDF-1.4\n" + b"\x00garbage" * 50, "broken.pdf", "damaged")


def test_pdf_without_text_or_pages_is_refused(client, login_as, app):
    login_as(Role.BUSINESS_UNIT)
    _refused(client, app, _pdf(1), "blank.pdf", "The document has no text in it")


def test_too_many_pages(client, login_as, app):
    login_as(Role.BUSINESS_UNIT)
    _refused(client, app, _pdf(limits.MAX_PAGES + 1), "long.pdf", f"the most that can be read is {limits.MAX_PAGES}")


def test_a_scan_longer_than_ocr_reads_is_refused_before_reading(app, monkeypatch):
    monkeypatch.setattr("tracker.imports.limits.MAX_SCANNED_PAGES", 1)  # in this process: the rule itself
    monkeypatch.setattr("tracker.imports.ocr.ocr_pages", lambda *args: pytest.fail("read before refusing"))
    with pytest.raises(DomainError, match="the most that text recognition reads is 1"):
        services.extract_document("scan.pdf", review_scan(page_count=2), known_agencies=[])


def test_empty_file(client, login_as, app):
    login_as(Role.BUSINESS_UNIT)
    _refused(client, app, b"", "empty.txt", "Upload a document or paste its text")
    _refused(client, app, b"   \n\n  ", "blank.txt", "no text in it")


def test_a_small_word_file_that_unpacks_to_a_huge_one_is_refused_at_once(client, login_as, app):
    bomb = _docx_with({"word/media/padding.bin": b"\0" * (limits.MAX_UNPACKED_MB * 1024 * 1024 + 1)})
    assert len(bomb) < 1024 * 1024
    login_as(Role.BUSINESS_UNIT)
    _refused(client, app, bomb, "bomb.docx", f"more than the {limits.MAX_UNPACKED_MB} MB allowed")


def test_a_word_file_with_too_many_parts(client, login_as, app):
    login_as(Role.BUSINESS_UNIT)
    _refused(client, app, _docx_with(entries=limits.MAX_ZIP_ENTRIES), "parts.docx", "too many parts")


def test_corrupt_word_file(client, login_as, app):
    data = overview_docx()
    login_as(Role.BUSINESS_UNIT)
    _refused(client, app, data[: len(data) // 2], "cut.docx", "damaged")


def test_timed_out(client, login_as, app):
    app.config["IMPORT_PARSE_TIMEOUT"] = 0.2
    login_as(Role.BUSINESS_UNIT)
    _refused(client, app, overview_docx(), "overview.docx", "it took longer than 0 seconds")


def test_out_of_memory(client, login_as, app):
    app.config["IMPORT_PARSE_MEMORY_MB"] = 60
    login_as(Role.BUSINESS_UNIT)
    _refused(client, app, overview_docx(), "overview.docx", "could not be read")
