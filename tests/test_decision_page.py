"""Issue 18 point 7: the decision page shows what the business unit decides on: the lead's note with
the submission, the latest current update and the evidence."""

from datetime import timedelta

from tests import factories
from tracker.actions import services
from tracker.extensions import db
from tracker.users.models import Role
from tracker.withdrawals import services as withdrawals


def test_the_decision_page_shows_the_note_the_latest_update_and_the_evidence(client, login_as):
    lead_agency = factories.make_agency("Dudley Police", "POL")
    lead = factories.make_user(Role.AGENCY_LEAD, agency=lead_agency)
    action = factories.make_action(owner=lead_agency, lead=lead, status="in_progress")
    services.record_progress(action, by=lead, narrative="Older news about training.", proposed_rating="amber",
                             update_date=factories.TODAY - timedelta(days=2), today=factories.TODAY)
    latest = services.record_progress(action, by=lead, narrative="All 40 sergeants briefed.",
                                      proposed_rating="green", update_date=factories.TODAY, today=factories.TODAY)
    evidence = factories.make_evidence(action, lead, kind="impact")
    services.submit_for_assurance(action, lead, factories.TODAY, note="The audit in annex B shows the change.")
    db.session.commit()
    login_as(Role.BUSINESS_UNIT)
    body = client.get(f"/actions/{action.id}/decide").get_data(as_text=True)
    assert "The audit in annex B shows the change." in body
    assert "All 40 sergeants briefed." in body and "Older news about training." not in body
    assert evidence.title in body
    staff = factories.make_user(Role.BUSINESS_UNIT)
    withdrawals.withdraw(action, latest, by=staff, reason="Wrong action")
    db.session.commit()
    body = client.get(f"/actions/{action.id}/decide").get_data(as_text=True)
    assert "All 40 sergeants briefed." not in body and "Older news about training." in body
