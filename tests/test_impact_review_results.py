"""Impact reviews with measures: the interval is chosen per action at assurance (the partnership's
setting proposed), the result is recorded as a measurement and an outcome, and the reviews that fall
due are in the business unit's reminders and on the update rounds."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests import factories
from tests.smtp_server import SMTPServer
from tracker.actions.models import Action, ImpactReview
from tracker.extensions import db
from tracker.measures import services
from tracker.measures.models import Measurement
from tracker.rounds.services import open_round
from tracker.users.models import Role

TODAY = factories.TODAY  # 2 June 2025


def fields() -> services.MeasureFields:
    return services.MeasureFields(description="Files with a genogram", unit="percentage", direction="up",
                                  baseline_value=20.0, baseline_date=date(2025, 1, 6), baseline_source="",
                                  target_value=80.0, target_date=date(2025, 12, 31))


@pytest.fixture
def world(app):
    police = factories.make_agency("Police Force", "POL")
    lead = factories.make_user(Role.AGENCY_LEAD, agency=police, email="lead@police.example.org")
    staff = factories.make_user(Role.BUSINESS_UNIT, email="bu@example.org")
    db.session.commit()
    return {"police": police, "lead": lead, "staff": staff}


def test_the_interval_is_chosen_per_action_at_assurance(client, login_as, world):
    action = factories.make_action(owner=world["police"], lead=world["lead"], status="submitted")
    db.session.commit()
    login_as(Role.BUSINESS_UNIT)
    page = client.get(f"/actions/{action.id}/decide").get_data(as_text=True)
    assert re.search(r"<input[^>]*name=\"impact_review_months\"[^>]*value=\"6\"", page)  # the setting
    response = client.post(f"/actions/{action.id}/decide",
                           data={"decision": "accept", "reason": "Done.", "impact_review_months": "0"})
    assert response.status_code == 422
    assert "The impact review must be between 1 and 60 months after assurance." in response.get_data(as_text=True)
    response = client.post(f"/actions/{action.id}/decide",
                           data={"decision": "accept", "reason": "Done.", "impact_review_months": "9"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Action, action.id).impact_review_date == date(2026, 3, 2)


@pytest.fixture
def reviewed(world, client, login_as):
    action = factories.make_action(owner=world["police"], lead=world["lead"], status="assured")
    measure = services.add_measure(action, fields(), by=world["staff"], today=TODAY)
    db.session.commit()
    login_as(Role.BUSINESS_UNIT)
    return action, measure


def post(client, action, **data):
    return client.post(f"/actions/{action.id}/impact-review", data=data)


def test_a_sustained_result_is_recorded_as_a_measurement_and_an_outcome(client, reviewed):
    action, measure = reviewed
    page = client.get(f"/actions/{action.id}/impact-review").get_data(as_text=True)
    assert "Files with a genogram" in page and "What the measures show now" in page
    response = post(client, action, outcome="sustained", measure_id=str(measure.id), value="84", sample_size="50",
                    source="Six-month audit")
    assert response.status_code == 302
    db.session.expire_all()
    reading = db.session.scalar(select(Measurement))
    assert (reading.measured_date, reading.value, reading.sample_size, reading.source) == (TODAY, 84.0, 50,
                                                                                          "Six-month audit")
    assert db.session.scalar(select(ImpactReview.outcome)) == "sustained"
    assert db.session.get(Action, action.id).status == "assured"


def test_a_value_short_of_the_target_is_not_sustained(client, reviewed):
    action, measure = reviewed
    response = post(client, action, outcome="sustained", measure_id=str(measure.id), value="60",
                    source="Six-month audit")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "60% does not meet the target of 80%: the change is partly or not sustained" in page
    assert 'value="Six-month audit"' in page  # nothing lost
    assert db.session.scalar(select(Measurement)) is None and db.session.scalar(select(ImpactReview)) is None
    response = post(client, action, outcome="partly", note="Better than the baseline.", measure_id=str(measure.id),
                    value="60", source="Six-month audit", next_review_date=["1", "9", "2025"])
    assert response.status_code == 302
    db.session.expire_all()
    action = db.session.get(Action, action.id)
    assert action.status == "assured" and action.impact_review_date == date(2025, 9, 1)  # partly: check again
    assert db.session.scalar(select(Measurement.value)) == 60.0


def test_not_sustained_with_a_measurement_reopens_once(client, reviewed):
    action, measure = reviewed
    response = post(client, action, outcome="not_sustained", note="Back to where it was.",
                    measure_id=str(measure.id), value="25", source="Six-month audit")
    assert response.status_code == 302
    db.session.expire_all()
    action = db.session.get(Action, action.id)
    assert (action.status, action.reopened_date, action.due_date) == ("in_progress", TODAY, date(2025, 9, 2))
    assert [c.to_status for c in action.status_changes].count("in_progress") == 2  # started, then reopened once


def test_a_measure_needs_its_value_and_source(client, reviewed):
    action, measure = reviewed
    response = post(client, action, outcome="sustained", measure_id=str(measure.id), value="", source="")
    assert response.status_code == 422 and "Enter the value" in response.get_data(as_text=True)


def test_due_impact_reviews_are_in_the_business_units_reminders_and_on_rounds(app, tmp_path, client, login_as, world):
    due = factories.make_action(owner=world["police"], lead=world["lead"], status="assured",
                                description="Audit genograms.")
    due.impact_review_date = TODAY - timedelta(days=1)
    later = factories.make_action(owner=world["police"], lead=world["lead"], status="assured",
                                  description="Train the MASH.")
    later.impact_review_date = TODAY + timedelta(days=20)
    factories.make_action(owner=world["police"], lead=world["lead"], status="in_progress")
    db.session.commit()
    with SMTPServer(tmp_path) as smtp:
        app.config.update(smtp.config())
        result = app.test_cli_runner().invoke(args=["send-reminders", "--today", TODAY.isoformat()])
        assert result.exit_code == 0, result.output
        [digest] = [m for m in smtp.inbox.to("bu@example.org") if m["Subject"].startswith("Follow Through:")]
        text = digest.get_body(preferencelist=("plain",)).get_content()
        assert "IMPACT REVIEWS DUE (1)" in text and "Audit genograms." in text and "Train the MASH." not in text
        assert "1 impact review due" in digest["Subject"]
        lead_text = "".join(m.get_body(preferencelist=("plain",)).get_content()
                            for m in smtp.inbox.to("lead@police.example.org"))
        assert "IMPACT REVIEWS" not in lead_text

    round_ = open_round(name="July round", deadline=TODAY + timedelta(days=30), by=world["staff"], today=TODAY)
    db.session.commit()
    login_as(Role.BUSINESS_UNIT)
    page = client.get(f"/update-rounds/{round_.id}").get_data(as_text=True)
    assert "2 impact reviews fall due</a> by this round's deadline" in page
    lead = app.test_client()
    login_as(Role.AGENCY_LEAD, agency=world["police"], client=lead)
    assert "impact review" not in lead.get(f"/update-rounds/{round_.id}").get_data(as_text=True)
