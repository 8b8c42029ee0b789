"""Dates make sense everywhere (tracker/dates.py): a range for each date field with a clear message,
and the derived response deadline worked out again when the published date is corrected."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests import factories
from tests.factories import TODAY, make_action, make_recommendation, make_review, make_user
from tracker import dates
from tracker.actions import services as actions
from tracker.errors import DomainError
from tracker.extensions import db
from tracker.reviews.models import Review
from tracker.rounds.services import open_round
from tracker.users.models import Role


def _review_form(**overrides):
    data = {"reference": "CSPR-DT", "title": "Child D", "review_type": "cspr", "status": "published",
            "published_date": ["1", "5", "2025"], "response_deadline": ["", "", ""]}
    for name in ("incident_date", "notification_date", "rapid_review_date", "decision_date", "commissioned_date",
                 "draft_date", "board_signoff_date"):
        data[name] = ["", "", ""]
    data.update(overrides)
    return data


def test_the_horizon_and_the_earliest_date():
    assert dates.horizon(date(2025, 6, 2)) == date(2030, 6, 2)
    assert dates.horizon(date(2028, 2, 29)) == date(2033, 2, 28)
    dates.check_past(date(2000, 1, 1), TODAY, label="X", field="x")
    with pytest.raises(DomainError, match="X must be on or after 1 January 2000"):
        dates.check_past(date(1999, 12, 31), TODAY, label="X", field="x")
    with pytest.raises(DomainError, match="X must be today or in the past"):
        dates.check_past(TODAY + timedelta(days=1), TODAY, label="X", field="x")
    with pytest.raises(DomainError, match="X must be within 5 years, by 2 June 2030"):
        dates.check_planned(date(2030, 6, 3), TODAY, label="X", field="x")


def test_review_dates_in_the_future_or_long_ago_get_a_message_on_the_form(client, login_as):
    login_as(Role.BUSINESS_UNIT)
    future = client.post("/reviews/new", data=_review_form(published_date=["3", "6", "2025"]))
    assert future.status_code == 200  # the form again (this page answers 200 with its errors)
    assert "Published date must be today or in the past" in future.get_data(as_text=True)
    old = client.post("/reviews/new", data=_review_form(published_date=["1", "5", "1990"]))
    assert "Published date must be on or after 1 January 2000" in old.get_data(as_text=True)
    before = client.post("/reviews/new", data=_review_form(commissioned_date=["1", "6", "2025"]))
    assert "must be the same as or after the review commissioned date" in before.get_data(as_text=True)
    far = client.post("/reviews/new", data=_review_form(response_deadline=["1", "1", "2099"]))
    assert "Response deadline must be within 5 years" in far.get_data(as_text=True)
    assert db.session.scalar(select(Review).where(Review.reference == "CSPR-DT")) is None


def test_correcting_the_published_date_works_the_response_deadline_out_again(client, login_as):
    login_as(Role.BUSINESS_UNIT)
    assert client.post("/reviews/new", data=_review_form()).status_code == 302
    review = db.session.scalar(select(Review).where(Review.reference == "CSPR-DT"))
    assert review.response_deadline == date(2025, 5, 29)
    # The edit form shows the deadline worked out before; only the published date is corrected.
    edited = client.post(f"/reviews/{review.id}/edit",
                         data=_review_form(published_date=["8", "5", "2025"], response_deadline=["29", "5", "2025"],
                                           version=str(review.version)))
    assert edited.status_code == 302, edited.get_data(as_text=True)[:3000]
    db.session.refresh(review)
    assert review.response_deadline == date(2025, 6, 5)
    # A deadline chosen by hand is kept.
    client.post(f"/reviews/{review.id}/edit", data=_review_form(
        published_date=["8", "5", "2025"], response_deadline=["30", "6", "2025"], version=str(review.version)))
    db.session.refresh(review)
    client.post(f"/reviews/{review.id}/edit", data=_review_form(
        published_date=["9", "5", "2025"], response_deadline=["30", "6", "2025"], version=str(review.version)))
    db.session.refresh(review)
    assert (review.published_date, review.response_deadline) == (date(2025, 5, 9), date(2025, 6, 30))


def test_a_new_action_due_in_the_past_or_beyond_the_horizon_is_refused(app):
    by = make_user(Role.BUSINESS_UNIT)
    lead = make_user(Role.AGENCY_LEAD)
    review = make_review(commissioned_date=date(2024, 1, 10))
    rec = make_recommendation(review, addressees=[lead.agency])
    new = dict(description="Train staff", owner=lead.agency, lead=lead, success_measure="", by=by, today=TODAY)
    with pytest.raises(DomainError, match="Due date must be on or after today"):
        actions.create_action(rec, due_date=TODAY - timedelta(days=1), new_work=True, **new)
    with pytest.raises(DomainError, match="Due date must be within 5 years, by 2 June 2030"):
        actions.create_action(rec, due_date=date(2099, 1, 1), **new)
    with pytest.raises(DomainError, match=r"The new due date must be on or after the start of the review \(10 "):
        actions.move_due_date(actions.create_action(rec, due_date=date(2024, 6, 1), **new), date(2023, 12, 1),
                              "Earlier", by, TODAY)
    # An imported plan may carry a past due date.
    assert actions.create_action(rec, due_date=date(2024, 6, 1), **new).due_date == date(2024, 6, 1)


def test_due_date_moves_requests_updates_and_rounds_are_checked(app):
    by = make_user(Role.BUSINESS_UNIT)
    action = make_action(status="in_progress")
    with pytest.raises(DomainError, match="The new due date must be within 5 years"):
        actions.move_due_date(action, date(9999, 12, 31), "Later", by, TODAY)
    with pytest.raises(DomainError, match="The new due date must be within 5 years"):
        actions.request_due_date(action, date(2031, 1, 1), "Later", action.lead, TODAY)
    with pytest.raises(DomainError, match="The date of the update must be on or after 1 January 2000"):
        actions.record_progress(action, by=by, narrative="x", proposed_rating="green", update_date=date(1, 1, 1),
                                today=TODAY)
    with pytest.raises(DomainError, match="The deadline must be within 5 years"):
        open_round(name="Spring", deadline=date(2040, 1, 1), by=by, today=TODAY)
    assert actions.move_due_date(action, TODAY + timedelta(days=30), "Staff away", by, TODAY).new_date \
        == TODAY + timedelta(days=30)


def test_a_move_through_the_form_beyond_the_horizon_is_a_message(client, login_as):
    action = make_action(status="open")
    db.session.commit()
    login_as(Role.BUSINESS_UNIT)
    page = client.post(f"/actions/{action.id}/due-date",
                       data={"due_date": ["1", "1", "2099"], "reason": "Much later"})
    assert page.status_code == 422
    assert "The new due date must be within 5 years, by 2 June 2030" in page.get_data(as_text=True)
    db.session.refresh(action)
    assert action.due_date == factories.TODAY + timedelta(days=90)
