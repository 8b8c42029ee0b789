"""Dates make sense everywhere (tracker/core/dates.py): a range for each date field with a clear message,
and the derived response deadline worked out again when the published date is corrected."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests import factories
from tests.factories import TODAY, make_action, make_recommendation, make_review, make_user
from tracker.actions import services as actions
from tracker.core import dates
from tracker.core.errors import DomainError
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
                       data={"due_date": ["1", "1", "2099"], "reason": "Much later", "confirm_far_date": "y"})
    assert page.status_code == 422
    assert "The new due date must be within 20 years, by 2 June 2045" in page.get_data(as_text=True)
    db.session.refresh(action)
    assert action.due_date == factories.TODAY + timedelta(days=90)


def test_a_date_beyond_the_horizon_is_confirmed_an_absurd_one_refused():
    ask = {"label": "Due date", "field": "due_date"}
    with pytest.raises(dates.FarAhead, match=r"Due date is more than 5 years ahead \(after 2 June 2030\)"):
        dates.check_planned(date(2030, 6, 3), TODAY, confirmed=False, **ask)
    dates.check_planned(date(2030, 6, 3), TODAY, confirmed=True, **ask)
    dates.check_planned(date(2045, 6, 2), TODAY, confirmed=True, **ask)
    for confirmed in (False, True):
        with pytest.raises(DomainError, match="Due date must be within 20 years, by 2 June 2045") as refused:
            dates.check_planned(date(2045, 6, 3), TODAY, confirmed=confirmed, **ask)
        assert not isinstance(refused.value, dates.FarAhead)
    with pytest.raises(DomainError, match="Due date must be within 5 years"):  # no confirmation offered
        dates.check_planned(date(2030, 6, 3), TODAY, **ask)


def test_moving_a_due_date_beyond_the_horizon_asks_for_confirmation_first(client, login_as):
    action = make_action(status="open")
    db.session.commit()
    login_as(Role.BUSINESS_UNIT)
    form = {"due_date": ["1", "9", "2032"], "reason": "The new service opens in 2032"}
    asked = client.post(f"/actions/{action.id}/due-date", data=form)
    page = asked.get_data(as_text=True)
    assert asked.status_code == 422
    assert "The new due date is more than 5 years ahead (after 2 June 2030)" in page
    assert 'id="far-date-warning"' in page and 'name="confirm_far_date"' in page
    assert "The new service opens in 2032" in page  # nothing typed is lost
    db.session.refresh(action)
    assert action.due_date == factories.TODAY + timedelta(days=90)
    confirmed = client.post(f"/actions/{action.id}/due-date", data={**form, "confirm_far_date": "y"})
    assert confirmed.status_code == 302, confirmed.get_data(as_text=True)[:2000]
    db.session.refresh(action)
    assert action.due_date == date(2032, 9, 1)
    assert action.due_date_changes[-1].reason == "The new service opens in 2032"


def test_the_confirmation_box_shows_only_when_asked(client, login_as):
    action = make_action(status="open")
    db.session.commit()
    login_as(Role.BUSINESS_UNIT)
    page = client.get(f"/actions/{action.id}/due-date").get_data(as_text=True)
    assert "far-date-warning" not in page and "confirm_far_date" not in page
    near = client.post(f"/actions/{action.id}/due-date", data={"due_date": ["1", "9", "2025"], "reason": ""})
    assert "far-date-warning" not in near.get_data(as_text=True)


def test_a_new_action_or_a_request_beyond_the_horizon_is_confirmed(client, login_as):
    lead = make_user(Role.AGENCY_LEAD)
    review = make_review()
    rec = make_recommendation(review, addressees=[lead.agency])
    action = make_action(status="open", lead=lead, owner=lead.agency)
    db.session.commit()
    login_as(Role.BUSINESS_UNIT)
    new = {"description": "Rebuild the front door", "owner_agency_id": str(lead.agency.id), "lead_id": "",
           "due_date": ["1", "1", "2033"], "success_measure": "", "open_now": "y"}
    asked = client.post(f"/actions/new?recommendation_id={rec.id}", data=new)
    assert asked.status_code == 422 and "Due date is more than 5 years ahead" in asked.get_data(as_text=True)
    assert len(rec.actions) == 0
    made = client.post(f"/actions/new?recommendation_id={rec.id}", data={**new, "confirm_far_date": "y"})
    assert made.status_code == 302, made.get_data(as_text=True)[:2000]
    db.session.refresh(rec)
    assert [a.due_date for a in rec.actions] == [date(2033, 1, 1)]

    login_as(Role.AGENCY_LEAD, user=lead)
    ask = {"due_date": ["1", "1", "2033"], "reason": "The building work is scheduled then"}
    asked = client.post(f"/actions/{action.id}/due-date-request", data=ask)
    assert asked.status_code == 422 and "far-date-warning" in asked.get_data(as_text=True)
    assert actions.pending_due_date_request(action) is None
    sent = client.post(f"/actions/{action.id}/due-date-request", data={**ask, "confirm_far_date": "y"})
    assert sent.status_code == 302, sent.get_data(as_text=True)[:2000]
    db.session.refresh(action)
    assert actions.pending_due_date_request(action).requested_date == date(2033, 1, 1)
