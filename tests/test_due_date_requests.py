"""Requests for a new due date: the agency lead asks with a reason, the business unit approves (the
date moves through move_due_date, into the history) or declines with a note. One pending request per
action; the lead sees where their request stands."""

from datetime import date

import pytest
from sqlalchemy import select

from tests import factories
from tracker.actions import services
from tracker.actions.models import Action, DueDateChange, DueDateRequest
from tracker.core.errors import DomainError
from tracker.extensions import db
from tracker.users.models import Role

DUE = date(2025, 7, 31)


@pytest.fixture
def world(app):
    police = factories.make_agency("West Midlands Police", "WMP")
    lead = factories.make_user(Role.AGENCY_LEAD, agency=police, name="Pat Lead")
    action = factories.make_action(owner=police, lead=lead, status="in_progress", due_date=DUE,
                                   description="Retrain MASH staff")
    db.session.commit()
    return {"police": police, "lead": lead, "action": action}


def _switch(client, login_as, *args, **kwargs):
    client.post("/sign-out")
    return login_as(*args, **kwargs)


def _ask(client, action_id, day="30", month="9", year="2025", reason="Trainer off sick until August."):
    return client.post(f"/actions/{action_id}/due-date-request",
                       data={"due_date": [day, month, year], "reason": reason})


def _decide(client, action_id, decision, note=""):
    return client.post(f"/actions/{action_id}/due-date-request/decision", data={"decision": decision, "note": note})


def _requests(action_id):
    db.session.expire_all()
    return db.session.scalars(select(DueDateRequest).where(DueDateRequest.action_id == action_id)
                              .order_by(DueDateRequest.id)).all()


def test_lead_asks_and_sees_the_request_waiting(client, login_as, world):
    login_as(Role.AGENCY_LEAD, user=world["lead"])
    action_id = world["action"].id
    page = client.get(f"/actions/{action_id}").get_data(as_text=True)
    assert f"/actions/{action_id}/due-date-request" in page and "Ask for a new due date" in page
    assert client.get(f"/actions/{action_id}/due-date-request").status_code == 200
    response = _ask(client, action_id)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your request for a new due date has been sent to the business unit." in page
    assert "Waiting for the business unit" in page and "30 September 2025" in page
    assert "Ask for a new due date" not in page  # one request at a time
    [request] = _requests(action_id)
    assert (request.status, request.requested_date, request.current_due_date) == ("pending", date(2025, 9, 30), DUE)
    assert db.session.get(Action, action_id).due_date == DUE  # nothing moves until the business unit decides


def test_only_one_pending_request_per_action(client, login_as, world):
    login_as(Role.AGENCY_LEAD, user=world["lead"])
    action_id = world["action"].id
    assert _ask(client, action_id).status_code == 302
    assert "only one request can wait at a time" in client.get(f"/actions/{action_id}/due-date-request").get_data(
        as_text=True)
    response = _ask(client, action_id, day="15", month="10")
    assert response.status_code == 422
    assert "already waiting for the business unit" in response.get_data(as_text=True)
    assert len(_requests(action_id)) == 1


def test_the_database_refuses_a_second_pending_request(app, world):
    action = world["action"]
    services.request_due_date(action, date(2025, 9, 30), "Sick leave.", world["lead"], factories.TODAY)
    db.session.add(DueDateRequest(action=action, current_due_date=DUE, requested_date=date(2025, 10, 1),
                                  reason="Again.", requested_by_id=world["lead"].id))
    with pytest.raises(Exception):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize("fields, message", [
    ({"day": "1", "month": "6", "year": "2025"}, "The new due date cannot be in the past."),  # today is 2 June 2025
    ({"day": "31", "month": "7", "year": "2025"}, "The new due date is the same as the current one."),
    ({"reason": " "}, "Enter the reason the due date needs to move"),
    ({"day": "31", "month": "2", "year": "2026"}, "must be a real date"),
])
def test_bad_requests_are_refused_and_keep_what_was_typed(client, login_as, world, fields, message):
    login_as(Role.AGENCY_LEAD, user=world["lead"])
    response = _ask(client, world["action"].id, **fields)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and message in html and "There is a problem" in html
    if "reason" not in fields:
        assert "Trainer off sick until August." in html
    assert _requests(world["action"].id) == []


def test_today_is_a_valid_new_date(app, world):
    request = services.request_due_date(world["action"], factories.TODAY, "Done early.", world["lead"],
                                        factories.TODAY)
    assert request.requested_date == factories.TODAY


def test_business_unit_sees_the_queue_and_approves(client, login_as, world):
    login_as(Role.AGENCY_LEAD, user=world["lead"])
    action_id = world["action"].id
    assert _ask(client, action_id).status_code == 302
    staff = _switch(client, login_as, Role.BUSINESS_UNIT)
    home = client.get("/").get_data(as_text=True)
    assert "1 request for a new due date" in home
    queue = client.get("/actions/due-date-requests").get_data(as_text=True)
    assert "Retrain MASH staff" in queue and "30 September 2025" in queue and "Pat Lead" in queue
    assert "Trainer off sick until August." in client.get(f"/actions/{action_id}/due-date-request/decision"
                                                           ).get_data(as_text=True)
    response = _decide(client, action_id, "approve")
    assert response.status_code == 302 and response.headers["Location"].endswith("/actions/due-date-requests")
    assert "No request is waiting." in client.get(response.headers["Location"]).get_data(as_text=True)
    [request] = _requests(action_id)
    action = db.session.get(Action, action_id)
    assert request.status == "approved" and request.decided_by_id == staff.id and request.decided_at is not None
    assert (action.due_date, action.original_due_date) == (date(2025, 9, 30), DUE)
    [change] = db.session.scalars(select(DueDateChange).where(DueDateChange.action_id == action_id)).all()
    assert (change.old_date, change.new_date, change.changed_by_id) == (DUE, date(2025, 9, 30), staff.id)
    assert change.reason == "Requested by Pat Lead: Trainer off sick until August."
    # The lead sees the outcome on the action page, in the due date history.
    _switch(client, login_as, Role.AGENCY_LEAD, user=world["lead"])
    page = client.get(f"/actions/{action_id}").get_data(as_text=True)
    assert "Approved" in page and "Requested by Pat Lead" in page and "Ask for a new due date" in page


def test_business_unit_declines_with_a_note_and_the_lead_sees_it(client, login_as, world):
    login_as(Role.AGENCY_LEAD, user=world["lead"])
    action_id = world["action"].id
    assert _ask(client, action_id).status_code == 302
    _switch(client, login_as, Role.BUSINESS_UNIT)
    response = _decide(client, action_id, "decline", note="  ")
    assert response.status_code == 422
    assert "Enter a note for the agency lead saying why the request is declined." in response.get_data(as_text=True)
    assert _requests(action_id)[0].status == "pending"
    assert _decide(client, action_id, "decline", note="Use the agency's other trainer.").status_code == 302
    [request] = _requests(action_id)
    assert request.status == "declined" and request.decision_note == "Use the agency's other trainer."
    assert db.session.get(Action, action_id).due_date == DUE
    _switch(client, login_as, Role.AGENCY_LEAD, user=world["lead"])
    page = client.get(f"/actions/{action_id}").get_data(as_text=True)
    assert "Declined" in page and "Use the agency&#39;s other trainer." in page
    assert _ask(client, action_id, day="15", month="8").status_code == 302  # free to ask again


def test_deciding_with_nothing_waiting_goes_back_to_the_action(client, login_as, world):
    login_as(Role.BUSINESS_UNIT)
    response = client.get(f"/actions/{world['action'].id}/due-date-request/decision")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/actions/{world['action'].id}")


def test_approval_is_refused_once_the_action_was_submitted(client, login_as, world):
    action, lead = world["action"], world["lead"]
    services.request_due_date(action, date(2025, 9, 30), "Sick leave.", lead, factories.TODAY)
    factories.make_evidence(action, lead, kind="impact")
    services.submit_for_assurance(action, lead, factories.TODAY)
    db.session.commit()
    login_as(Role.BUSINESS_UNIT)
    response = _decide(client, action.id, "approve")
    assert response.status_code == 422
    assert "The due date of a submitted or closed action cannot move." in response.get_data(as_text=True)
    assert _requests(action.id)[0].status == "pending"


def test_a_decided_request_cannot_be_decided_again(app, world):
    staff = factories.make_user(Role.BUSINESS_UNIT)
    request = services.request_due_date(world["action"], date(2025, 9, 30), "Sick.", world["lead"], factories.TODAY)
    services.decline_due_date_request(request, staff, "No.")
    with pytest.raises(DomainError, match="already been declined"):
        services.approve_due_date_request(request, staff)


def test_requests_only_on_live_actions(app, world):
    closed = factories.make_action(owner=world["police"], lead=world["lead"], status="withdrawn")
    with pytest.raises(DomainError, match="withdrawn"):
        services.request_due_date(closed, date(2025, 9, 30), "Why not.", world["lead"], factories.TODAY)


def test_another_agency_lead_cannot_see_or_ask(client, login_as, world):
    other = factories.make_agency("Health Trust", "HT")
    login_as(Role.AGENCY_LEAD, agency=other)
    assert client.get(f"/actions/{world['action'].id}/due-date-request").status_code == 404
    assert _ask(client, world["action"].id).status_code == 404
    assert client.get("/actions/due-date-requests").status_code == 403
    assert _requests(world["action"].id) == []


@pytest.mark.parametrize("role", [Role.BOARD_MEMBER, Role.SCRUTINEER])
def test_readers_cannot_ask_or_decide(client, login_as, world, role):
    services.request_due_date(world["action"], date(2025, 9, 30), "Sick.", world["lead"], factories.TODAY)
    db.session.commit()
    login_as(role)
    assert _ask(client, world["action"].id).status_code == 403
    assert _decide(client, world["action"].id, "approve").status_code == 403
    assert _requests(world["action"].id)[0].status == "pending"
