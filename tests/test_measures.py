"""Measures as data: what is counted, baseline and target, measurements over time; the rules on bad
input (a percentage over 100, a target in the wrong direction, a measurement before the baseline, a
sample of zero) as messages on the form with nothing lost; who may add and record; the action page's
chart with its table; the audit trail."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests import factories
from tracker.audit.models import AuditRecord
from tracker.core.errors import DomainError
from tracker.extensions import db
from tracker.measures import services
from tracker.measures.charts import measure_chart
from tracker.measures.models import Measure, Measurement
from tracker.users.models import Role

TODAY = factories.TODAY  # 2 June 2025


def fields(**changes) -> services.MeasureFields:
    values = dict(description="Strategy discussions with health present", unit="percentage", direction="up",
                  baseline_value=40.0, baseline_date=date(2025, 1, 10), baseline_source="January audit",
                  target_value=85.0, target_date=date(2025, 12, 31))
    values.update(changes)
    return services.MeasureFields(**values)


def reading(**changes) -> services.MeasurementFields:
    values = dict(measured_date=date(2025, 4, 1), value=62.0, sample_size=30, source="March audit")
    values.update(changes)
    return services.MeasurementFields(**values)


@pytest.fixture
def world(app):
    police = factories.make_agency("Police Force", "POL")
    health = factories.make_agency("Health Trust", "NHS")
    lead = factories.make_user(Role.AGENCY_LEAD, agency=police, name="Pat Police")
    action = factories.make_action(owner=police, lead=lead, status="in_progress",
                                   description="Invite health to every strategy discussion.")
    staff = factories.make_user(Role.BUSINESS_UNIT)
    db.session.commit()
    return {"police": police, "health": health, "lead": lead, "action": action, "staff": staff}


def html(response) -> str:
    return response.get_data(as_text=True)


def text_of(page: str) -> str:
    return re.sub(r"\( ", "(", re.sub(r" ([,.)])", r"\1", re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))))


# --- the rules, in the services ---


def test_a_measure_and_its_measurements_meet_the_target_or_not(world):
    measure = services.add_measure(world["action"], fields(), by=world["staff"], today=TODAY)
    assert measure.latest is None and measure.target_met is None
    services.record_measurement(measure, reading(value=62.0), by=world["lead"], today=TODAY)
    assert measure.target_met is False
    services.record_measurement(measure, reading(measured_date=date(2025, 5, 30), value=85.0), by=world["lead"],
                                today=TODAY)
    assert measure.latest.value == 85.0 and measure.target_met is True  # at the target meets it
    down = services.add_measure(world["action"], fields(unit="days", direction="down", baseline_value=30.0,
                                                        target_value=15.0), by=world["staff"], today=TODAY)
    services.record_measurement(down, reading(value=16.0), by=world["lead"], today=TODAY)
    assert down.target_met is False
    services.record_measurement(down, reading(measured_date=date(2025, 5, 1), value=14.0), by=world["lead"],
                                today=TODAY)
    assert down.target_met is True and down.show(14.0) == "14 days"


@pytest.mark.parametrize("change, field, message", [
    ({"baseline_value": 140.0}, "baseline_value", "percentage: it must be 100 or less"),
    ({"target_value": 101.0}, "target_value", "percentage: it must be 100 or less"),
    ({"target_value": 30.0}, "target_value", "Higher is better, so the target must be above the baseline (40%)"),
    ({"target_value": 40.0}, "target_value", "Higher is better, so the target must be above the baseline"),
    ({"direction": "down", "target_value": 50.0}, "target_value", "Lower is better, so the target must be below"),
    ({"target_date": date(2025, 1, 10)}, "target_date", "The target date must be after the date of the baseline"),
    ({"baseline_date": TODAY + timedelta(days=1)}, "baseline_date", "cannot be in the future"),
    ({"baseline_value": -1.0}, "baseline_value", "cannot be below 0"),
    ({"description": "  "}, "description", "Enter what is counted"),
    ({"unit": "furlongs"}, "unit", "Select the unit"),
])
def test_a_measure_refuses_bad_input_with_the_field_and_a_message(world, change, field, message):
    with pytest.raises(DomainError) as refused:
        services.add_measure(world["action"], fields(**change), by=world["staff"], today=TODAY)
    assert refused.value.field == field and message in refused.value.message
    assert db.session.scalar(select(Measure)) is None


@pytest.mark.parametrize("change, field, message", [
    ({"measured_date": date(2025, 1, 9)}, "measured_date", "cannot be dated before the baseline (10 January 2025)"),
    ({"measured_date": TODAY + timedelta(days=1)}, "measured_date", "cannot be in the future"),
    ({"value": 100.5}, "value", "100 or less"),
    ({"sample_size": 0}, "sample_size", "at least 1"),
    ({"sample_size": 10**20}, "sample_size", "100,000,000 or fewer"),
    ({"source": ""}, "source", "Enter where the figure comes from"),
    ({"evidence_link": "javascript:alert(1)"}, "evidence_link", "http:// or https://"),
])
def test_a_measurement_refuses_bad_input(world, change, field, message):
    measure = services.add_measure(world["action"], fields(), by=world["staff"], today=TODAY)
    with pytest.raises(DomainError) as refused:
        services.record_measurement(measure, reading(**change), by=world["lead"], today=TODAY)
    assert refused.value.field == field and message in refused.value.message
    assert measure.measurements == []


def test_the_baseline_cannot_move_past_a_recorded_measurement(world):
    measure = services.add_measure(world["action"], fields(), by=world["staff"], today=TODAY)
    services.record_measurement(measure, reading(measured_date=date(2025, 2, 1)), by=world["lead"], today=TODAY)
    with pytest.raises(DomainError, match="baseline must be dated on or before it"):
        services.edit_measure(measure, fields(baseline_date=date(2025, 3, 1)), today=TODAY)
    services.edit_measure(measure, fields(target_value=90.0), today=TODAY)
    assert measure.target_value == 90.0


# --- the pages ---


MEASURE_FORM = {"description": "Strategy discussions with health present", "unit": "percentage", "direction": "up",
                "baseline_value": "40", "baseline_date": ["10", "1", "2025"],
                "baseline_source": "January audit", "target_value": "85", "target_date": ["31", "12", "2025"]}


def test_the_lead_adds_a_measure_records_measurements_and_the_action_page_charts_them(client, login_as, world):
    login_as(Role.AGENCY_LEAD, user=world["lead"])
    action = world["action"]
    assert client.post(f"/measures/actions/{action.id}/new", data=MEASURE_FORM).status_code == 302
    measure = db.session.scalar(select(Measure))
    assert (measure.action_id, measure.unit, measure.baseline_value) == (action.id, "percentage", 40.0)
    for day, value in (("1", "55"), ("30", "88")):
        response = client.post(f"/measures/{measure.id}/measurements/new", data={
            "measured_date": [day, "5", "2025"], "value": value,
            "sample_size": "32", "source": "Case file audit", "evidence_link": "https://example.org/audit"})
        assert response.status_code == 302, html(response)[:3000]
    page = html(client.get(f"/actions/{action.id}"))
    section = page[page.index('id="measures"'):]
    words = text_of(section)
    assert "Latest: 88% on 30 May 2025, against a target of 85% by 31 December 2025. Target met" in words
    svg = re.search(r"<svg[^>]*id=\"measure-\d+-chart\".*?</svg>", section, re.S).group(0)
    assert svg.count("<circle") == 2 and "Target 85%" in svg
    assert "latest 88% on 30/05/2025" in svg  # the figures in words, in the chart's description
    table = section[section.index("<table"):section.index("</table>")]
    assert [text_of(row).strip() for row in re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", table, re.S)][1:] == [
        "10 January 2025 40% Baseline: January audit",
        "1 May 2025 55% 32 Case file audit (evidence)",
        "30 May 2025 88% 32 Case file audit (evidence)",
    ]
    assert "Record a measurement" in section and "Add a measure" in section


def test_bad_input_comes_back_on_the_form_with_everything_typed_kept(client, login_as, world):
    login_as(Role.AGENCY_LEAD, user=world["lead"])
    action = world["action"]
    response = client.post(f"/measures/actions/{action.id}/new", data={**MEASURE_FORM, "target_value": "30"})
    assert response.status_code == 422
    page = html(response)
    assert "Higher is better, so the target must be above the baseline (40%)" in page
    assert 'value="30"' in page and "January audit" in page and 'value="2025"' in page
    response = client.post(f"/measures/actions/{action.id}/new", data={**MEASURE_FORM, "baseline_value": "140"})
    assert "The baseline is a percentage: it must be 100 or less" in html(response)
    response = client.post(f"/measures/actions/{action.id}/new", data={**MEASURE_FORM, "baseline_value": "lots"})
    assert response.status_code == 422 and "Baseline value must be a number, like 85 or 12.5" in html(response)
    assert 'value="lots"' in html(response)
    assert db.session.scalar(select(Measure)) is None

    measure = services.add_measure(action, fields(), by=world["staff"], today=TODAY)
    db.session.commit()
    typed = {"measured_date": ["9", "1", "2025"], "value": "50",
             "sample_size": "0", "source": "Case file audit"}
    response = client.post(f"/measures/{measure.id}/measurements/new", data=typed)
    assert response.status_code == 422
    page = html(response)
    assert "Sample size (optional) must be" not in page
    assert "The measurement cannot be dated before the baseline (10 January 2025)" in page
    assert 'value="Case file audit"' in page and 'value="9"' in page
    response = client.post(f"/measures/{measure.id}/measurements/new", data={**typed, "measured_date": ["10", "1", "2025"]})
    assert "The sample size must be at least 1" in html(response)
    response = client.post(f"/measures/{measure.id}/measurements/new",
                           data={**typed, "measured_date": ["10", "1", "2025"], "sample_size": "2.5"})
    assert "Sample size (optional) must be a whole number, like 40" in html(response)
    response = client.post(f"/measures/{measure.id}/measurements/new",
                           data={**typed, "measured_date": ["10", "1", "2025"], "sample_size": "3000000000"})
    assert response.status_code == 422 and "The sample size must be 100,000,000 or fewer" in html(response), re.findall(r"error-message.*?</p>", html(response), re.S)
    assert db.session.scalar(select(Measurement)) is None


def test_who_may_add_and_record(app, client, login_as, world):
    action = world["action"]
    measure = services.add_measure(action, fields(), by=world["staff"], today=TODAY)
    shared = services.add_measure(action.recommendation, fields(description="Referrals with a genogram"),
                                  by=world["staff"], today=TODAY)
    db.session.commit()
    login_as(Role.AGENCY_LEAD, agency=world["health"])  # another agency's lead: the action is not there
    assert client.get(f"/measures/actions/{action.id}/new").status_code == 404
    assert client.post(f"/measures/{measure.id}/measurements/new", data={}).status_code == 404

    board = app.test_client()
    login_as(Role.BOARD_MEMBER, client=board)  # reads, never writes
    page = html(board.get(f"/actions/{action.id}"))
    assert "Strategy discussions with health present" in page and "Referrals with a genogram" in page
    assert "Record a measurement" not in page and "Add a measure" not in page
    assert board.post(f"/measures/{measure.id}/measurements/new", data={}).status_code == 403
    assert board.get(f"/measures/actions/{action.id}/new").status_code == 403

    lead = app.test_client()
    login_as(Role.AGENCY_LEAD, user=world["lead"], client=lead)
    assert lead.get(f"/measures/{measure.id}/measurements/new").status_code == 200
    assert lead.get(f"/measures/{shared.id}/measurements/new").status_code == 403  # the business unit's
    assert lead.get(f"/measures/recommendations/{action.recommendation_id}/new").status_code == 403
    page = html(lead.get(f"/actions/{action.id}"))
    assert "Shared by the recommendation's actions" in page

    staff = app.test_client()
    login_as(Role.BUSINESS_UNIT, client=staff)
    assert staff.get(f"/measures/{shared.id}/measurements/new").status_code == 200
    assert staff.post(f"/measures/recommendations/{action.recommendation_id}/new",
                      data={**MEASURE_FORM, "description": "Repeat referrals"}).status_code == 302
    assert db.session.scalar(select(Measure).where(Measure.description == "Repeat referrals")).recommendation_id


def test_no_measures_on_a_withdrawn_action(client, login_as, world):
    withdrawn = factories.make_action(owner=world["police"], status="withdrawn")
    db.session.commit()
    login_as(Role.BUSINESS_UNIT)
    assert client.get(f"/measures/actions/{withdrawn.id}/new").status_code == 403
    with pytest.raises(DomainError):
        services.add_measure(withdrawn, fields(), by=world["staff"], today=TODAY)


def test_every_measure_and_measurement_is_in_the_audit_trail(client, login_as, world):
    lead = login_as(Role.AGENCY_LEAD, user=world["lead"])
    client.post(f"/measures/actions/{world['action'].id}/new", data=MEASURE_FORM)
    measure = db.session.scalar(select(Measure))
    client.post(f"/measures/{measure.id}/measurements/new", data={
        "measured_date": ["1", "5", "2025"], "value": "55",
        "source": "Case file audit"})
    records = db.session.scalars(select(AuditRecord).where(AuditRecord.object_type.in_(("Measure", "Measurement")))).all()
    assert {(r.object_type, r.actor_id) for r in records} == {("Measure", lead.id), ("Measurement", lead.id)}
    assert any(r.changes.get("value") for r in records if r.object_type == "Measurement")


def test_the_chart_draws_each_point_and_says_so_in_words(world):
    measure = services.add_measure(world["action"], fields(), by=world["staff"], today=TODAY)
    empty = str(measure_chart(measure))
    assert "no measurements yet" in empty and "<circle" not in empty
    for month in range(2, 6):
        services.record_measurement(measure, reading(measured_date=date(2025, month, 1), value=40.0 + month * 10),
                                    by=world["lead"], today=TODAY)
    svg = str(measure_chart(measure))
    assert svg.count("<circle") == 4 and 'role="img"' in svg and "style=" not in svg
    assert "4 measurements, the latest 90% on 01/05/2025" in svg
    ys = [float(y) for y in re.findall(r'<circle cx="[\d.]+" cy="([\d.]+)"', svg)]
    assert ys == sorted(ys, reverse=True)  # rising values are drawn higher up
