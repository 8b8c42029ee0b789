"""Withdrawing a mistake: the author (within the set period) or the business unit takes an update or an
evidence file off the current pages with a reason; the audit and the as-at history keep it."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.factories import TODAY, make_action, make_agency, make_evidence, make_user
from tracker.actions import services as actions
from tracker.actions.models import Action, DueDateRequest, ProgressUpdate
from tracker.audit.models import AuditRecord
from tracker.core.errors import DomainError
from tracker.extensions import db
from tracker.reports.data.history import load_history, uk_date
from tracker.users.models import Role
from tracker.withdrawals import services


@pytest.fixture
def world(app):
    police, health = make_agency("Dudley Police", "POL"), make_agency("Black Country Health", "BCH")
    staff = make_user(Role.BUSINESS_UNIT)
    pat = make_user(Role.AGENCY_LEAD, agency=police, name="Pat Police")
    action = make_action(owner=police, lead=pat, by=staff, description="POLICE action")
    first = actions.record_progress(action, by=pat, narrative="First news.", proposed_rating="green",
                                    update_date=TODAY - timedelta(days=5), today=TODAY)
    mistake = actions.record_progress(action, by=pat, narrative="MISTAKEN red update.", proposed_rating="red",
                                      update_date=TODAY, today=TODAY)
    evidence = make_evidence(action, pat, kind="impact")
    db.session.commit()
    return {"police": police, "health": health, "staff": staff, "pat": pat, "action": action, "first": first,
            "mistake": mistake, "evidence": evidence}


def test_the_author_withdraws_an_update_from_the_action_page(client, login_as, world):
    login_as(Role.AGENCY_LEAD, user=world["pat"])
    action, mistake = world["action"], world["mistake"]
    page = client.get(f"/actions/{action.id}").get_data(as_text=True)
    url = f"/actions/{action.id}/updates/{mistake.id}/withdraw"
    assert url in page and "MISTAKEN red update." in page
    empty = client.post(url, data={"reason": " "})
    assert empty.status_code == 422 and "Enter the reason for withdrawing it" in empty.get_data(as_text=True)
    assert client.post(url, data={"reason": "Posted on the wrong action"}).status_code == 302
    page = client.get(f"/actions/{action.id}").get_data(as_text=True)
    assert "MISTAKEN red update." not in page and "First news." in page
    db.session.expire_all()
    action = db.session.get(Action, action.id)
    assert (action.last_update_date, action.last_proposed_rating) == (TODAY - timedelta(days=5), "green")
    record = db.session.get(ProgressUpdate, mistake.id)
    assert (record.withdrawal_reason, record.withdrawn_by_id) == ("Posted on the wrong action", world["pat"].id)
    assert db.session.scalar(select(AuditRecord).where(AuditRecord.object_type == "ProgressUpdate",
                                                       AuditRecord.object_id == mistake.id,
                                                       AuditRecord.event == "update")) is not None


def test_the_as_at_history_keeps_what_was_known_before_the_withdrawal(world):
    services.withdraw(world["action"], world["mistake"], by=world["pat"], reason="Wrong action")
    db.session.commit()
    withdrawn_on = uk_date(world["mistake"].withdrawn_at)
    ids = select(Action.id).where(Action.id == world["action"].id)
    before = load_history(ids, withdrawn_on - timedelta(days=1)).updates[world["action"].id]
    after = load_history(ids, withdrawn_on).updates[world["action"].id]
    if withdrawn_on - timedelta(days=1) >= TODAY:  # the update is dated TODAY: it existed the day before
        assert "MISTAKEN red update." in [u.narrative for u in before]
    assert [u.narrative for u in after] == ["First news."]


def test_after_the_period_only_the_business_unit_may_withdraw(app, client, login_as, world):
    world["mistake"].created_at -= timedelta(days=15)
    db.session.commit()
    with pytest.raises(DomainError, match="Only its author, within the set period"):
        services.withdraw(world["action"], world["mistake"], by=world["pat"], reason="Too late")
    login_as(Role.AGENCY_LEAD, user=world["pat"])
    url = f"/actions/{world['action'].id}/updates/{world['mistake'].id}/withdraw"
    assert client.get(url).status_code == 403
    client.post("/sign-out")
    login_as(Role.BUSINESS_UNIT)
    assert client.post(url, data={"reason": "The lead asked us to"}).status_code == 302


def test_withdrawn_evidence_no_longer_counts_for_submission(world):
    services.withdraw(world["action"], world["evidence"], by=world["staff"], reason="Wrong file")
    db.session.commit()
    db.session.expire_all()
    action = db.session.get(Action, world["action"].id)
    assert action.evidence == []
    with pytest.raises(DomainError, match="Add evidence"):
        actions.submit_for_assurance(action, world["pat"], TODAY)


def test_another_agency_cannot_see_or_withdraw(client, login_as, world):
    login_as(Role.AGENCY_LEAD, agency=world["health"])
    url = f"/actions/{world['action'].id}/evidence/{world['evidence'].id}/withdraw"
    assert client.post(url, data={"reason": "x"}).status_code == 404
    assert db.session.get(type(world["evidence"]), world["evidence"].id).withdrawn_at is None


def _ask(world, days_later=30):
    action = world["action"]
    request = actions.request_due_date(action, action.due_date + timedelta(days=days_later), "Staff shortage",
                                       by=world["pat"], today=TODAY)
    db.session.commit()
    return request


def test_the_author_withdraws_a_due_date_request_and_may_ask_again(client, login_as, world):
    request = _ask(world)
    action = world["action"]
    login_as(Role.AGENCY_LEAD, user=world["pat"])
    url = f"/actions/{action.id}/due-date-requests/{request.id}/withdraw"
    page = client.get(f"/actions/{action.id}").get_data(as_text=True)
    assert url in page and "Waiting for the business unit" in page
    empty = client.post(url, data={"reason": ""})
    assert empty.status_code == 422 and "Enter the reason for withdrawing it" in empty.get_data(as_text=True)
    assert client.post(url, data={"reason": "Asked for the wrong date"}).status_code == 302
    page = client.get(f"/actions/{action.id}").get_data(as_text=True)
    assert "Waiting for the business unit" not in page and url not in page
    assert "Ask for a new due date" in page  # the lead may ask again, for the right date
    assert "(withdrawn)" in client.get(f"/actions/{action.id}/timeline").get_data(as_text=True)
    db.session.expire_all()
    record = db.session.get(DueDateRequest, request.id)
    assert (record.status, record.decision_note, record.decided_by_id) == (
        "withdrawn", "Asked for the wrong date", world["pat"].id)
    assert db.session.scalar(select(AuditRecord).where(AuditRecord.object_type == "DueDateRequest",
                                                       AuditRecord.object_id == request.id,
                                                       AuditRecord.event == "update")) is not None
    assert client.post(url, data={"reason": "Twice"}).status_code == 403
    _ask(world, days_later=40)


def test_a_withdrawn_request_leaves_the_business_units_queue(client, login_as, world):
    request = _ask(world)
    login_as(Role.BUSINESS_UNIT)
    assert world["action"].description in client.get("/actions/due-date-requests").get_data(as_text=True)
    url = f"/actions/{world['action'].id}/due-date-requests/{request.id}/withdraw"
    assert client.post(url, data={"reason": "The lead phoned: a mistake"}).status_code == 302
    assert world["action"].description not in client.get("/actions/due-date-requests").get_data(as_text=True)
    with pytest.raises(DomainError, match="already been withdrawn"):
        actions.approve_due_date_request(db.session.get(DueDateRequest, request.id), by=world["staff"])


def test_a_due_date_request_after_the_period_or_from_another_agency(client, login_as, world):
    request = _ask(world)
    request.requested_at -= timedelta(days=15)
    db.session.commit()
    with pytest.raises(DomainError, match="Only its author, within the set period"):
        services.withdraw_due_date_request(world["action"], request, by=world["pat"], reason="Too late")
    url = f"/actions/{world['action'].id}/due-date-requests/{request.id}/withdraw"
    login_as(Role.AGENCY_LEAD, user=world["pat"])
    assert client.get(url).status_code == 403
    client.post("/sign-out")
    login_as(Role.AGENCY_LEAD, agency=world["health"])
    assert client.post(url, data={"reason": "Not mine"}).status_code == 404
    assert db.session.get(DueDateRequest, request.id).status == "pending"
