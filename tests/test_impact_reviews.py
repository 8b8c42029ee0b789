"""Impact reviews: assurance sets a date (a setting, six months by default) when the action comes back
to the business unit to record whether the change has lasted. And "completed late": assured after the
original due date."""

import re
from datetime import date, timedelta

import pytest

from tests import factories
from tracker.actions import services
from tracker.actions.models import Action, ImpactReview
from tracker.core.errors import DomainError
from tracker.extensions import db
from tracker.settings import save_settings
from tracker.users.models import Role

TODAY = factories.TODAY  # 2 June 2025


def _assured(**kwargs) -> Action:
    action = factories.make_action(status="assured", **kwargs)
    db.session.commit()
    return action


def test_assurance_sets_the_impact_review_six_months_on(app):
    action = _assured()
    assert action.assured_date == TODAY and action.impact_review_date == date(2025, 12, 2)


def test_the_interval_is_a_setting(app, client, login_as):
    save_settings(impact_review_months=3)
    db.session.commit()
    action = factories.make_action(status="submitted")
    db.session.commit()
    login_as(Role.BUSINESS_UNIT)
    response = client.post(f"/actions/{action.id}/decide", data={"decision": "accept", "reason": "Impact shown."})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Action, action.id).impact_review_date == date(2025, 9, 2)


def test_impact_reviews_due_as_of_today(app, client, login_as):
    due = _assured(description="Audit genograms")
    not_yet = _assured(description="Brief GPs")
    due.impact_review_date, not_yet.impact_review_date = TODAY, TODAY + timedelta(days=1)  # the boundary
    db.session.commit()
    login_as(Role.BUSINESS_UNIT)
    page = client.get("/actions/impact-reviews").get_data(as_text=True)
    assert "Audit genograms" in page and "Brief GPs" not in page and "1 action due for review" in page
    assert "1 impact review due" in client.get("/").get_data(as_text=True)
    assert "Due" in client.get(f"/actions/{due.id}").get_data(as_text=True)


def test_sustained_outcome_takes_the_action_off_the_list(app, client, login_as):
    action = _assured(description="Audit genograms")
    action.impact_review_date = TODAY
    db.session.commit()
    staff = login_as(Role.BUSINESS_UNIT)
    assert client.get(f"/actions/{action.id}/impact-review").status_code == 200
    response = client.post(f"/actions/{action.id}/impact-review", data={"outcome": "sustained", "note": ""})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Impact review recorded." in page and "Sustained" in page and "No further impact review is planned." in page
    db.session.expire_all()
    [review] = db.session.get(Action, action.id).impact_reviews
    assert (review.outcome, review.due_date, review.reviewed_date, review.recorded_by_id) == (
        "sustained", TODAY, TODAY, staff.id)
    assert db.session.get(Action, action.id).impact_review_date is None
    assert "Audit genograms" not in client.get("/actions/impact-reviews").get_data(as_text=True)


def test_not_sustained_needs_a_note_and_can_be_checked_again(app, client, login_as):
    action = _assured()
    login_as(Role.BUSINESS_UNIT)
    url = f"/actions/{action.id}/impact-review"
    response = client.post(url, data={"outcome": "not_sustained", "note": " "})
    assert response.status_code == 422 and "Enter what was found and what follows." in response.get_data(as_text=True)
    response = client.post(url, data={"outcome": "partly", "note": "Genograms in 60% of files.",
                                      "next_review_date": ["2", "6", "2025"]})
    assert response.status_code == 422 and "The next impact review must be after today." in response.get_data(
        as_text=True)
    response = client.post(url, data={"outcome": "partly", "note": "Genograms in 60% of files.",
                                      "next_review_date": ["1", "9", "2025"]})
    assert response.status_code == 302
    db.session.expire_all()
    action = db.session.get(Action, action.id)
    assert action.impact_review_date == date(2025, 9, 1) and action.status == "assured"
    page = client.get(f"/actions/{action.id}").get_data(as_text=True)
    assert "Partly sustained" in page and "Genograms in 60% of files." in page
    assert re.search(r"Check again on <time[^>]*>1 September 2025", page)


def test_only_assured_actions_are_impact_reviewed(app):
    action = factories.make_action(status="in_progress")
    with pytest.raises(DomainError, match="Only an assured action"):
        services.record_impact_review(action, outcome="sustained", note="", next_review_date=None,
                                      by=factories.make_user(Role.BUSINESS_UNIT), today=TODAY)
    assert db.session.query(ImpactReview).count() == 0


@pytest.mark.parametrize("role", [Role.AGENCY_LEAD, Role.BOARD_MEMBER, Role.SCRUTINEER])
def test_others_read_the_impact_review_but_cannot_record_it(app, client, login_as, role):
    action = _assured()
    login_as(role, agency=action.owner_agency if role is Role.AGENCY_LEAD else None)
    page = client.get(f"/actions/{action.id}").get_data(as_text=True)
    assert "2 December 2025" in page and "Record an impact review" not in page
    assert client.post(f"/actions/{action.id}/impact-review", data={"outcome": "sustained"}).status_code == 403
    assert client.get("/actions/impact-reviews").status_code == 403


@pytest.mark.parametrize("original_due, late", [(TODAY - timedelta(days=1), True), (TODAY, False)])
def test_completed_late_when_assured_after_the_original_due_date(app, client, login_as, original_due, late):
    action = factories.make_action(status="in_progress", due_date=original_due, description="Audit genograms")
    if late:  # a moved due date does not excuse it
        services.move_due_date(action, TODAY + timedelta(days=30), "Sick leave.", factories.make_user())
    factories.make_evidence(action, action.lead or factories.make_user(Role.AGENCY_LEAD, agency=action.owner_agency),
                            kind="impact")
    submitter = factories.make_user(Role.AGENCY_LEAD, agency=action.owner_agency)
    services.submit_for_assurance(action, submitter, TODAY)
    services.accept_action(action, factories.make_user(), "Impact shown.", TODAY)
    db.session.commit()
    assert action.completed_late is late
    login_as(Role.BUSINESS_UNIT)
    assert ("Completed late" in client.get(f"/actions/{action.id}").get_data(as_text=True)) is late
    assert ("Completed late" in client.get("/actions/?status=assured").get_data(as_text=True)) is late
