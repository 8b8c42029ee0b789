"""Plans round-trip: an exported plan names each action, so importing it back updates those actions
through the web forms' own services, adds only the new rows, and refuses what the rules refuse; the
dry run lists all of it before anything is saved."""

import csv
import io
import zipfile
from datetime import date

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from tests import factories
from tracker.actions.models import Action, DueDateChange, StatusChange
from tracker.audit.models import AuditRecord
from tracker.extensions import db
from tracker.imports import limits
from tracker.imports.models import ImportDraft
from tracker.imports.spreadsheet import LABELS, action_reference
from tracker.users.models import Role


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def plan(app):
    owner = factories.make_agency("Dudley Council Education", "LEA")
    lead = factories.make_user(Role.AGENCY_LEAD, agency=owner, email="lead@example.org")
    review = factories.make_review(reference="CSPR-1")
    rec = factories.make_recommendation(review, number="2", text="=The DSPP should, with \"quotes\"; and more.",
                                        addressees=[owner], kind="single_agency")
    factories.make_recommendation(review, number="10", text="No action yet.", addressees=[owner])
    first = factories.make_action(owner=owner, lead=lead, recommendation=rec, status="in_progress",
                                  due_date=date(2025, 9, 30), description="-Rewrite the policy\nwith two lines")
    second = factories.make_action(owner=owner, recommendation=rec, status="open", due_date=date(2025, 12, 1))
    db.session.commit()
    return review, first, second


def _csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def _csv_bytes(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


def _set(rows, reference: str, **values) -> None:
    """Change one exported row's cells, by field label."""
    header = rows[0]
    row = next(r for r in rows if r[0] == reference)
    for key, value in values.items():
        row[header.index(LABELS[key])] = value


def _upload(client, review, data: bytes, name: str):
    return client.post(f"/imports/reviews/{review.id}/plan", content_type="multipart/form-data",
                       data={"file": (io.BytesIO(data), name)})


def _history():
    return _count(StatusChange), _count(DueDateChange), _count(Action)


def _text(page) -> str:
    return " ".join(page.text.split())


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_reimport_unchanged_finds_nothing_changed(client, login_as, plan, fmt):
    review, first, second = plan
    login_as(Role.BUSINESS_UNIT)
    exported = client.get(f"/imports/reviews/{review.id}/plan.{fmt}").data
    before = _history()
    response = _upload(client, review, exported, f"plan.{fmt}")
    assert response.status_code == 302
    preview = _text(client.get(response.headers["Location"]))
    assert "3 rows, 0 with problems" in preview
    assert "Unchanged: 3" in preview and "Changed: 0" in preview and "New: 0" in preview
    assert _history() == before  # the dry run saved nothing
    response = client.post(response.headers["Location"], data={"op": "import"})
    assert response.status_code == 302
    assert _history() == before and _count(ImportDraft) == 0
    db.session.expire_all()
    assert db.session.get(Action, first.id).description == "-Rewrite the policy\nwith two lines"


def test_changed_rows_go_through_the_services_and_new_rows_are_added(client, login_as, plan):
    review, first, second = plan
    login_as(Role.BUSINESS_UNIT)
    rows = _csv_rows(client.get(f"/imports/reviews/{review.id}/plan.csv").data)
    _set(rows, action_reference(first), due_date="31/10/2025", change_reason="Training moved to October",
         success_measure="Audit shows the new policy in use")
    rows.append(["", "2", rows[1][2], "single_agency", "Dudley Council Education", "Run a briefing",
                 "Dudley Council Education", "", "2026-01-31", "", "", "open", ""])
    response = _upload(client, review, _csv_bytes(rows), "plan.csv")
    url = response.headers["Location"]
    audit_before = _count(AuditRecord)
    preview = _text(client.get(url))
    assert "Unchanged: 2" in preview and "Changed: 1" in preview and "New: 1" in preview
    assert "Due date: “2025-09-30” → “2025-10-31”" in preview
    assert "Success measure: “Audit shows it” → “Audit shows the new policy in use”" in preview
    assert _count(DueDateChange) == 0 and _count(Action) == 2  # still nothing saved
    assert client.post(url, data={"op": "import"}).status_code == 302
    db.session.expire_all()
    action = db.session.get(Action, first.id)
    assert action.due_date == date(2025, 10, 31) and action.original_due_date == date(2025, 9, 30)
    change = db.session.scalar(select(DueDateChange))
    assert change.reason == "Training moved to October" and change.old_date == date(2025, 9, 30)
    assert action.success_measure == "Audit shows the new policy in use"
    assert _count(Action) == 3 and _count(AuditRecord) > audit_before


def test_a_due_date_change_without_its_reason_is_refused(client, login_as, plan):
    review, first, second = plan
    login_as(Role.BUSINESS_UNIT)
    rows = _csv_rows(client.get(f"/imports/reviews/{review.id}/plan.csv").data)
    _set(rows, action_reference(first), due_date="2025-10-31", action="A new description")
    url = _upload(client, review, _csv_bytes(rows), "plan.csv").headers["Location"]
    preview = _text(client.get(url))
    assert "Refused: 1" in preview
    assert "the due date moves from 30/09/2025 to 31/10/2025: enter why in the “Reason for change” column" in preview
    response = client.post(url, data={"op": "import"})
    assert response.status_code == 422 and "1 row cannot be imported" in response.text
    assert client.post(url, data={"op": "import", "skip_bad": "yes"}).status_code == 302
    db.session.expire_all()
    action = db.session.get(Action, first.id)
    assert action.due_date == date(2025, 9, 30) and action.description.startswith("-Rewrite")  # all or nothing
    assert _count(DueDateChange) == 0


def test_statuses_that_need_evidence_or_a_second_person_are_refused_not_set(client, login_as, plan):
    review, first, second = plan
    login_as(Role.BUSINESS_UNIT)
    rows = _csv_rows(client.get(f"/imports/reviews/{review.id}/plan.csv").data)
    _set(rows, action_reference(first), status="Assured")
    _set(rows, action_reference(second), status="submitted")
    url = _upload(client, review, _csv_bytes(rows), "plan.csv").headers["Location"]
    preview = _text(client.get(url))
    assert "Refused: 2" in preview
    assert "assured needs accepted evidence of impact and a second person" in preview
    assert "Add evidence of completion or impact before submitting the action" in preview
    before = _history()
    client.post(url, data={"op": "import", "skip_bad": "yes"})
    db.session.expire_all()
    assert _history() == before
    assert (db.session.get(Action, first.id).status, db.session.get(Action, second.id).status) == \
        ("in_progress", "open")


def test_a_withdrawal_with_its_reason_is_recorded_in_the_history(client, login_as, plan):
    review, first, second = plan
    login_as(Role.BUSINESS_UNIT)
    rows = _csv_rows(client.get(f"/imports/reviews/{review.id}/plan.csv").data)
    _set(rows, action_reference(second), status="Withdrawn", change_reason="Replaced by the joint audit")
    url = _upload(client, review, _csv_bytes(rows), "plan.csv").headers["Location"]
    assert "Status: “Open” → “Withdrawn”" in _text(client.get(url))
    assert client.post(url, data={"op": "import"}).status_code == 302
    change = db.session.scalar(select(StatusChange).where(StatusChange.to_status == "withdrawn"))
    assert change.action_id == second.id and change.reason == "Replaced by the joint audit"


def test_a_reference_from_another_review_is_added_as_new(client, login_as, plan):
    review, first, second = plan
    other = factories.make_review(reference="CSPR-2")
    db.session.commit()
    login_as(Role.BUSINESS_UNIT)
    exported = client.get(f"/imports/reviews/{review.id}/plan.csv").data
    url = _upload(client, other, exported, "plan.csv").headers["Location"]
    preview = _text(client.get(url))
    assert "New: 3" in preview and f"{action_reference(first)} is not an action of this review" in preview


def test_a_very_long_cell_is_a_clear_message_not_an_error_page(client, login_as, plan):
    review, first, second = plan
    login_as(Role.BUSINESS_UNIT)
    rows = _csv_rows(client.get(f"/imports/reviews/{review.id}/plan.csv").data)
    _set(rows, action_reference(first), action="x" * 6000)
    url = _upload(client, review, _csv_bytes(rows), "plan.csv").headers["Location"]
    assert "the action is 6,000 characters long; the most is 5,000" in _text(client.get(url))
    _set(rows, action_reference(first), action="x" * 200_000)  # beyond what the CSV reader takes at all
    response = _upload(client, review, _csv_bytes(rows), "plan.csv")
    assert response.status_code == 422 and "a cell may be far too long" in response.text
    book = Workbook()
    book.active.append(["Recommendation number", "Recommendation"])
    book.active.append(["1", "y" * 30_000])
    out = io.BytesIO()
    book.save(out)
    url = _upload(client, review, out.getvalue(), "plan.xlsx").headers["Location"]
    assert "the recommendation is 30,000 characters long; the most is 20,000" in _text(client.get(url))


def test_too_many_rows_and_a_zip_bomb_are_refused_on_the_form(client, login_as, plan, app):
    review, first, second = plan
    login_as(Role.BUSINESS_UNIT)
    rows = [["Recommendation number", "Recommendation"]] + [[str(n), "Text"] for n in range(limits.MAX_PLAN_ROWS + 1)]
    response = _upload(client, review, _csv_bytes(rows), "plan.csv")
    assert response.status_code == 422 and "more than 5,000 rows" in response.text
    book = io.BytesIO()
    exported = client.get(f"/imports/reviews/{review.id}/plan.xlsx").data
    with zipfile.ZipFile(io.BytesIO(exported)) as source, zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as bomb:
        for info in source.infolist():
            bomb.writestr(info, source.read(info))
        bomb.writestr("xl/media/padding.bin", b"\0" * (limits.MAX_UNPACKED_MB * 1024 * 1024 + 1))
    response = _upload(client, review, book.getvalue(), "plan.xlsx")
    assert response.status_code == 422 and "more than the 100 MB allowed" in response.text
    assert _count(ImportDraft) == 0


def test_download_names_that_latin1_cannot_carry(client, login_as, plan):
    review, first, second = plan
    review.reference = "CSPR-Łódź-1"
    db.session.commit()
    login_as(Role.BUSINESS_UNIT)
    response = client.get(f"/imports/reviews/{review.id}/plan.csv")
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert "filename*=UTF-8''action-plan-CSPR-%C5%81%C3%B3d%C5%BA-1.csv" in disposition
    assert 'filename="action-plan-CSPR-Lodz-1.csv"' in disposition  # the ASCII fallback, transliterated
    disposition.encode("latin-1")  # a header Werkzeug can send


def test_the_limits_are_stated_on_the_plan_form(client, login_as, plan):
    review, _, _ = plan
    login_as(Role.BUSINESS_UNIT)
    assert "5,000 rows" in client.get(f"/imports/reviews/{review.id}/plan").text

