"""Measures travel with the plan: the XLSX export has typed "Measures" and "Measurements" sheets, and
importing the workbook (into a fresh database, or back into its own review) gives the same measures
by reference; a second import changes nothing; a bad row is refused with its sheet, row and reason,
and nothing of it is saved."""

import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from tests import factories
from tracker import create_app
from tracker.extensions import db
from tracker.imports.models import ImportDraft
from tracker.measures import services as measures
from tracker.measures.models import Measure, Measurement
from tracker.reviews.models import Review
from tracker.users.models import Role

TODAY = factories.TODAY  # 2 June 2025
LEAD_EMAIL = "lead@example.org"


def _world(reference: str = "CSPR-7"):
    """A review whose recommendation has a shared measure and whose action has its own, with readings."""
    owner = factories.make_agency("Dudley Council Education", "LEA")
    lead = factories.make_user(Role.AGENCY_LEAD, agency=owner, email=LEAD_EMAIL)
    review = factories.make_review(reference=reference)
    rec = factories.make_recommendation(review, number="3", text="Health attends strategy discussions.",
                                        addressees=[owner])
    return review, rec, owner, lead


def _measures_in(review, rec, lead):
    staff = factories.make_user(Role.BUSINESS_UNIT)
    action = factories.make_action(owner=lead.agency, lead=lead, recommendation=rec, status="in_progress",
                                   due_date=date(2025, 9, 30), description="Invite health to every discussion")
    own = measures.add_measure(action, measures.MeasureFields(
        "Strategy discussions with health present", "percentage", "up", 42.5, date(2025, 1, 6), "Audit Q4 2024",
        90.0, date(2025, 12, 31)), by=staff, today=TODAY)
    shared = measures.add_measure(rec, measures.MeasureFields(
        "Days from referral to discussion", "days", "down", 12.0, date(2025, 1, 6), "", 5.0, date(2026, 3, 31)),
        by=staff, today=TODAY)
    for day, value, sample in ((date(2025, 2, 3), 55.0, 40), (date(2025, 4, 7), 71.25, 38), (date(2025, 5, 5), 80.0, 41)):
        measures.record_measurement(own, measures.MeasurementFields(day, value, sample, "Case file audit",
                                                                    "https://example.org/audit"), by=staff, today=TODAY)
    measures.record_measurement(shared, measures.MeasurementFields(date(2025, 3, 3), 9.0, None, "Police data"),
                                by=staff, today=TODAY)
    db.session.commit()
    return action


def _snapshot() -> list[tuple]:
    """Every measure as a reader sees it: whose, what, the baseline and target, and its series."""
    out = []
    for m in db.session.scalars(select(Measure).order_by(Measure.description)):
        whose = m.action.description if m.action else f"recommendation {m.recommendation.number}"
        series = [(r.measured_date, r.value, r.sample_size, r.source, r.evidence_link) for r in m.measurements]
        out.append((whose, m.description, m.unit, m.direction, m.baseline_value, m.baseline_date,
                    m.baseline_source, m.target_value, m.target_date, series))
    return out


def _upload(client, review, data: bytes):
    response = client.post(f"/imports/reviews/{review.id}/plan", content_type="multipart/form-data",
                           data={"file": (io.BytesIO(data), "plan.xlsx")})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    return response.headers["Location"]


def _text(page) -> str:
    return " ".join(page.get_data(as_text=True).split())


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def fresh_app(migrated_template, copy_database, tmp_path, storage_config):
    """A second application on a database of its own, as another partnership's installation; its
    database connections are closed at the end (PostgreSQL warns of a connection left open)."""
    folder = tmp_path / "fresh"
    folder.mkdir()
    uri = copy_database(migrated_template)
    other = create_app({"SQLALCHEMY_DATABASE_URI": uri,
                       "UPLOAD_FOLDER": str(folder / "evidence"), "IMPORT_FOLDER": str(folder / "imports"),
                       "REPORT_FOLDER": str(folder / "reports"), "FIXED_TODAY": TODAY, **storage_config})
    yield other
    with other.app_context():
        db.engine.dispose()
    copy_database.drop_copy(uri)


def test_the_export_has_typed_measures_sheets(client, login_as):
    review, rec, _, lead = _world()
    _measures_in(review, rec, lead)
    login_as(Role.BUSINESS_UNIT)
    book = load_workbook(io.BytesIO(client.get(f"/imports/reviews/{review.id}/plan.xlsx").data))
    assert book.sheetnames == ["Action plan", "Measures", "Measurements"]
    rows = list(book["Measurements"].iter_rows(values_only=True))
    assert rows[0][:5] == ("Action reference", "Recommendation number", "Measure", "Date", "Value")
    first = rows[1]
    assert first[0].startswith("ACT-") and first[2] == "Strategy discussions with health present"
    assert first[3] == datetime(2025, 2, 3) and first[4] == 55 and first[5] == 40  # a date and numbers, not text
    shared = next(r for r in rows if r[2] == "Days from referral to discussion")
    assert shared[0] is None and shared[1] == "3"
    measure_row = list(book["Measures"].iter_rows(values_only=True))[1]
    assert measure_row[5] == 42.5 and measure_row[6] == datetime(2025, 1, 6) and measure_row[3] == "Percentage"


def test_round_trip_into_a_fresh_database_gives_the_same_measures(app, client, login_as, fresh_app):
    review, rec, _, lead = _world()
    _measures_in(review, rec, lead)
    login_as(Role.BUSINESS_UNIT)
    exported = client.get(f"/imports/reviews/{review.id}/plan.xlsx").data
    before = _snapshot()
    assert len(before) == 2 and len(before[1][-1]) == 3

    with fresh_app.app_context():
        other = fresh_app.test_client()
        _world()  # the same agency, lead and review reference, nothing else
        target = db.session.scalar(select(Review))
        staff = factories.make_user(Role.BUSINESS_UNIT)
        db.session.commit()
        assert other.post("/sign-in", data={"email": staff.email, "password": factories.PASSWORD}).status_code == 302
        url = _upload(other, target, exported)
        preview = _text(other.get(url))
        assert "0 with problems" in preview and "New: 7" in preview  # 1 action, 2 measures, 4 measurements
        assert _count(Measure) == 0  # the dry run saved nothing
        done = other.post(url, data={"op": "import"})
        assert done.status_code == 302
        assert "2 measures and 4 measurements added" in _text(other.get(done.headers["Location"]))
        db.session.expire_all()
        assert _snapshot() == before
        db.session.remove()


def test_reimport_into_its_own_review_changes_nothing_and_edits_by_reference(client, login_as):
    review, rec, _, lead = _world()
    _measures_in(review, rec, lead)
    login_as(Role.BUSINESS_UNIT)
    exported = client.get(f"/imports/reviews/{review.id}/plan.xlsx").data
    before = _snapshot()
    url = _upload(client, review, exported)
    preview = _text(client.get(url))
    assert "Unchanged: 7" in preview and "Changed: 0" in preview and "New: 0" in preview
    assert client.post(url, data={"op": "import"}).status_code == 302
    assert _snapshot() == before

    book = load_workbook(io.BytesIO(exported))
    book["Measures"]["I2"] = 95  # the action's measure: a higher target
    book["Measurements"].append(list(next(book["Measurements"].iter_rows(min_row=2, max_row=2, values_only=True)))[:3]
                                + [datetime(2025, 5, 30), 86, 40, "Case file audit", None])
    out = io.BytesIO()
    book.save(out)
    url = _upload(client, review, out.getvalue())
    assert "Changed: 1" in _text(client.get(url)) and "New: 1" in _text(client.get(url))
    assert client.post(url, data={"op": "import"}).status_code == 302
    db.session.expire_all()
    own = db.session.scalar(select(Measure).where(Measure.action_id.is_not(None)))
    assert own.target_value == 95 and [m.value for m in own.measurements][-1] == 86


def test_bad_measure_rows_are_refused_by_sheet_and_row_and_nothing_is_half_saved(client, login_as):
    review, rec, _, lead = _world()
    _measures_in(review, rec, lead)
    login_as(Role.BUSINESS_UNIT)
    book = load_workbook(io.BytesIO(client.get(f"/imports/reviews/{review.id}/plan.xlsx").data))
    subject = list(next(book["Measurements"].iter_rows(min_row=2, max_row=2, values_only=True)))[:3]
    book["Measurements"].append(subject + [datetime(2025, 5, 20), 140, 40, "Audit", None])  # row 6: over 100%
    book["Measurements"].append(subject + [datetime(2025, 5, 21), 60, 0, "Audit", None])  # row 7: sample of 0
    book["Measurements"].append(subject + ["soon", 60, 10, "Audit", None])  # row 8: not a date
    book["Measurements"].append(subject + [datetime(2025, 5, 22), 88, 10, "Audit", None])  # row 9: good
    book["Measures"].append(["ACT-999999", "3", "Something else", "Count", "Higher is better", 1, date(2025, 1, 1),
                             "", 5, date(2025, 12, 1)])  # row 4: no such action
    out = io.BytesIO()
    book.save(out)
    measured = _count(Measurement)
    url = _upload(client, review, out.getvalue())
    preview = _text(client.get(url))
    assert "4 with problems" in preview
    assert ("Row 6 of the Measurements sheet: The value is a percentage: it must be 100 or less" in preview)
    assert "Row 7 of the Measurements sheet: The sample size must be at least 1" in preview
    assert "Row 8 of the Measurements sheet: the date “soon” is not a real date" in preview
    assert "Row 4 of the Measures sheet: ACT-999999 is not an action" in preview
    refused = client.post(url, data={"op": "import"})
    assert refused.status_code == 422 and "4 rows cannot be imported" in _text(refused)
    assert _count(Measurement) == measured and _count(ImportDraft) == 1  # nothing saved, nothing lost
    assert client.post(url, data={"op": "import", "skip_bad": "yes"}).status_code == 302
    assert _count(Measurement) == measured + 1
