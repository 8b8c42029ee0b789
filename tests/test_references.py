"""Short references: the codes the board report prints for reviews, recommendations and actions
are the models' own, and every page that shows the action or recommendation shows its code."""

import re
from datetime import timedelta

from tests import factories
from tracker.actions.models import action_reference
from tracker.extensions import db
from tracker.recommendations.models import recommendation_reference
from tracker.reports.data.actions import ActionLine
from tracker.users.models import Role


def text_of(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split())


def _action():
    agency = factories.make_agency("Police", "POL")
    review = factories.make_review("CSPR-2024-07", title="Child Q")
    rec = factories.make_recommendation(review, number="3", addressees=[agency])
    return factories.make_action(owner=agency, recommendation=rec, description="Brief every sergeant.")


def test_the_models_carry_the_report_codes(app):
    action = _action()
    assert action.short_reference == f"CSPR-2024-07 R3 A{action.id}"
    assert action.recommendation.short_reference == "CSPR-2024-07 R3"
    assert recommendation_reference("SCR-1", "BCPFT-2") == "SCR-1 RBCPFT-2"


def test_the_board_report_uses_the_same_rule():
    line = ActionLine.__new__(ActionLine)
    line.id, line.review_reference, line.recommendation_number = 41, "SILP-9", "12"
    assert line.reference == action_reference("SILP-9", "12", 41) == "SILP-9 R12 A41"


def test_the_code_shows_on_the_action_page_list_and_recommendation(app, client, login_as):
    action = _action()
    code = action.short_reference
    login_as(Role.BUSINESS_UNIT)
    page = text_of(client.get(f"/actions/{action.id}"))
    assert code in page and f"Reference {code}" in page
    listing = client.get("/actions/").get_data(as_text=True)
    assert f"R3 A{action.id}" in listing
    rec_page = text_of(client.get(f"/recommendations/{action.recommendation_id}"))
    assert "CSPR-2024-07 R3" in rec_page and code in rec_page
    review_page = text_of(client.get(f"/reviews/{action.review_id}"))
    assert code in review_page


def test_the_lead_sees_the_code_on_home(app, client, login_as):
    action = _action()
    action.due_date = factories.TODAY - timedelta(days=3)  # overdue: listed on the lead's home
    db.session.commit()
    login_as(Role.AGENCY_LEAD, agency=action.owner_agency)
    page = text_of(client.get("/"))
    assert action.short_reference in page, page[page.find("Open actions"):][:600]
