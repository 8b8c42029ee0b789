"""Issue 18 point 7: a submission returned to the agency is at the top of the lead's home page."""

from tests import factories
from tracker.actions import services
from tracker.extensions import db
from tracker.users.models import Role


def test_a_returned_submission_heads_the_leads_home_until_sent_again(client, login_as):
    police, health = factories.make_agency("Dudley Police", "POL"), factories.make_agency("Health", "NHS")
    lead = factories.make_user(Role.AGENCY_LEAD, agency=police)
    returned = factories.make_action(owner=police, lead=lead, status="in_progress", description="Brief the sergeants")
    factories.make_action(owner=police, lead=lead, status="in_progress", description="Untouched police work")
    other = factories.make_action(owner=health, lead=factories.make_user(Role.AGENCY_LEAD, agency=health),
                                  status="in_progress", description="Health work sent back")
    staff = factories.make_user(Role.BUSINESS_UNIT)
    for action in (returned, other):
        factories.make_evidence(action, action.lead, kind="impact")
        services.submit_for_assurance(action, action.lead, factories.TODAY, note="Done")
        services.return_action(action, staff, "The audit covers only one team.", factories.TODAY)
    db.session.commit()
    login_as(None, user=lead)
    body = client.get("/").get_data(as_text=True)
    heading = body.index("Returned to your agency by the business unit")
    assert heading < body.index("Open actions, soonest due first")
    returned_part = body[heading:body.index("Open actions, soonest due first")]
    assert "Brief the sergeants" in returned_part and "Untouched police work" not in returned_part
    assert "Health work sent back" not in body  # another agency's return is not this lead's
    services.submit_for_assurance(returned, lead, factories.TODAY, note="Now all teams")
    db.session.commit()
    assert "Returned to your agency" not in client.get("/").get_data(as_text=True)
