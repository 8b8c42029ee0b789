"""The board report leads with impact: measures in scope with baseline, latest (as at the report's
day) and target with a trend chart; actions reopened in the period; recommendations and reviews
closed in the period with their decision references. A fixed number of queries."""

import re
from datetime import UTC, date, datetime

import pytest

from tests import factories
from tests.report_builders import data_at, report_queries
from tracker.actions import services as actions
from tracker.actions.models import StatusChange
from tracker.closure.services import close_recommendation
from tracker.extensions import db
from tracker.measures import services as measures
from tracker.reports.render import render_report_html
from tracker.users.models import Role

TODAY = factories.TODAY  # 2 June 2025


def fields(description: str, baseline: float = 20.0, target: float = 80.0) -> measures.MeasureFields:
    return measures.MeasureFields(description=description, unit="percentage", direction="up",
                                  baseline_value=baseline, baseline_date=date(2025, 1, 6), baseline_source="",
                                  target_value=target, target_date=date(2025, 12, 31))


def reading(day: date, value: float) -> measures.MeasurementFields:
    return measures.MeasurementFields(day, value, 40, "Case file audit")


@pytest.fixture
def story(app):
    police = factories.make_agency("Police Force", "POL")
    staff = factories.make_user(Role.BUSINESS_UNIT)
    review = factories.make_review(reference="CSPR-30", title="Child U")
    rec = factories.make_recommendation(review, number="1", addressees=[police])
    genograms = factories.make_action(owner=police, recommendation=rec, status="in_progress", by=staff)
    measure = measures.add_measure(genograms, fields("Files with a genogram"), by=staff, today=TODAY)
    for day, value in ((date(2025, 3, 1), 45.0), (date(2025, 5, 1), 70.0), (date(2025, 6, 1), 85.0)):
        measures.record_measurement(measure, reading(day, value), by=staff, today=TODAY)
    other_rec = factories.make_recommendation(review, number="2", addressees=[police])
    mash = factories.make_action(owner=police, recommendation=other_rec, status="assured", by=staff)
    actions.reopen_action(mash, staff, "Impact review: the change has not lasted.", TODAY)
    db.session.execute(StatusChange.__table__.update().where(StatusChange.action_id == mash.id,
                                                             StatusChange.from_status == "assured")
                       .values(changed_at=datetime(2025, 5, 20, 10, tzinfo=UTC)))
    closed_review = factories.make_review(reference="CSPR-31", title="Child T")
    closed_rec = factories.make_recommendation(closed_review, number="1", addressees=[police])
    factories.make_action(owner=police, recommendation=closed_rec, status="assured", by=staff)
    close_recommendation(closed_rec, decision_date=date(2025, 5, 12), meeting="Partnership Board",
                         minute_reference="PB/2025/9", risk_accepted="", by=staff, today=TODAY)
    db.session.commit()
    return {"review": review, "measure": measure, "mash": mash}


def test_the_report_leads_with_what_changed_as_measured(story):
    impact = data_at(TODAY).impact
    [line] = impact.measures
    assert (line.review_reference, line.recommendation_number, line.owner) == ("CSPR-30", "1", "Police Force")
    assert line.baseline == (date(2025, 1, 6), 20.0) and line.latest == (date(2025, 6, 1), 85.0) and line.met
    assert impact.met == 1
    [reopened] = impact.reopened
    assert reopened.action_id == story["mash"].id and reopened.reopened_on == date(2025, 5, 20)
    assert reopened.reason == "Impact review: the change has not lasted."
    assert [(c.what, c.minute_reference) for c in impact.closed] == [
        ("Recommendation 1 of CSPR-31", "PB/2025/9"), ("Review CSPR-31: Child T", "PB/2025/9")]


def test_as_at_an_earlier_day_the_latest_is_the_latest_then(story):
    impact = data_at(date(2025, 5, 10)).impact
    [line] = impact.measures
    assert line.latest == (date(2025, 5, 1), 70.0) and line.met is False
    assert impact.reopened == [] and impact.closed == []  # both came later
    assert data_at(TODAY, review="CSPR-31").impact.measures == []  # filtered by review


def test_the_executive_summary_opens_with_impact(story):
    html = render_report_html(data_at(TODAY))
    summary = html[html.index("<h2>Executive summary</h2>"):html.index("<h2>The BRAG key</h2>")]
    assert summary.index("Impact: what changed in practice, as measured") < summary.index("Actions by rating")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", summary))
    assert "1 of 1 measure meets its target" in text
    assert "Files with a genogram Police Force 20% 6 January 2025 85% 1 June 2025 80% by 31 December 2025 Met" in text
    assert "Recommendation 1 of CSPR-31 , closed 12 May 2025 at Partnership Board, minute PB/2025/9" in text
    assert 'id="report-measure-' in summary and summary.count("<circle") == 3


def test_more_measures_take_no_more_queries(story):
    small = report_queries(TODAY)
    staff = factories.make_user(Role.BUSINESS_UNIT)
    for n in range(6):
        action = factories.make_action(status="in_progress", by=staff)
        measure = measures.add_measure(action, fields(f"Measure {n}"), by=staff, today=TODAY)
        for month in (2, 3, 4):
            measures.record_measurement(measure, reading(date(2025, month, 1), 30.0 + month), by=staff, today=TODAY)
        measures.add_measure(action.recommendation, fields(f"Shared {n}"), by=staff, today=TODAY)
    db.session.commit()
    assert report_queries(TODAY) == small
    assert len(data_at(TODAY).impact.measures) == 13
