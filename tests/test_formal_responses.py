"""Formal responses by deadline: set when the review is published (published date plus a setting, or
chosen); each addressee still to respond is flagged on the review and recommendation pages, and
`outstanding_responses` lists them per agency in one query."""

from datetime import date

import pytest
from sqlalchemy import event

from tests import factories
from tracker.core.errors import DomainError
from tracker.extensions import db
from tracker.recommendations import services
from tracker.reviews.models import Review
from tracker.reviews.services import response_deadline
from tracker.users.models import Role

PUBLISHED = date(2025, 5, 1)
DEADLINE = date(2025, 5, 29)  # published plus the default 28 days; today is 2 June 2025


def test_deadline_defaults_to_published_plus_the_setting_or_is_chosen():
    assert response_deadline(PUBLISHED, None, 28) == DEADLINE
    assert response_deadline(PUBLISHED, None, 10) == date(2025, 5, 11)
    assert response_deadline(PUBLISHED, date(2025, 7, 1), 28) == date(2025, 7, 1)
    assert response_deadline(PUBLISHED, PUBLISHED, 28) == PUBLISHED
    assert response_deadline(None, None, 28) is None
    with pytest.raises(DomainError, match="same as or after the published date"):
        response_deadline(PUBLISHED, date(2025, 4, 30), 28)
    with pytest.raises(DomainError, match="Enter the published date"):
        response_deadline(None, date(2025, 7, 1), 28)


def _review_form(**overrides):
    data = {"reference": "CSPR-DL", "title": "Child D", "review_type": "cspr", "status": "published",
            "published_date": ["1", "5", "2025"], "response_deadline": ["", "", ""]}
    for name in ("incident_date", "notification_date", "rapid_review_date", "decision_date", "commissioned_date",
                 "draft_date", "board_signoff_date"):
        data[name] = ["", "", ""]
    data.update(overrides)
    return data


def test_publishing_a_review_sets_the_deadline(client, login_as):
    login_as(Role.BUSINESS_UNIT)
    response = client.post("/reviews/new", data=_review_form())
    assert response.status_code == 302
    review = db.session.query(Review).filter_by(reference="CSPR-DL").one()
    assert review.response_deadline == DEADLINE
    assert "29 May 2025" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_chosen_deadline_is_kept_and_a_bad_one_refused(client, login_as):
    login_as(Role.BUSINESS_UNIT)
    response = client.post("/reviews/new", data=_review_form(response_deadline=["30", "4", "2025"]))
    assert "Response deadline must be the same as or after the published date" in response.get_data(as_text=True)
    assert client.post("/reviews/new", data=_review_form(response_deadline=["30", "6", "2025"])).status_code == 302
    assert db.session.query(Review).filter_by(reference="CSPR-DL").one().response_deadline == date(2025, 6, 30)


@pytest.fixture
def published(app):
    police = factories.make_agency("West Midlands Police", "WMP")
    health = factories.make_agency("Health Trust", "HT")
    review = factories.make_review(reference="CSPR-PUB", published_date=PUBLISHED, response_deadline=DEADLINE)
    rec = factories.make_recommendation(review, number="1", addressees=[police, health])
    draft = factories.make_review(reference="CSPR-DRAFT", status="drafting")
    factories.make_recommendation(draft, number="1", addressees=[police, health])  # not published: nothing due
    services.record_formal_response(rec, police, response="accepted", reasons="", response_date=date(2025, 5, 20),
                                    by=factories.make_user(), today=factories.TODAY)
    db.session.commit()
    return {"police": police, "health": health, "review": review, "rec": rec}


def test_outstanding_responses_per_agency_with_deadline_and_overdue(app, published):
    health = published["health"]
    out = services.outstanding_responses(db.session, factories.TODAY)
    assert list(out) == [health.id]
    [row] = out[health.id]
    assert (row.agency_name, row.review_reference, row.recommendation_number, row.deadline, row.overdue) == (
        "Health Trust", "CSPR-PUB", "1", DEADLINE, True)
    assert services.outstanding_responses(db.session, DEADLINE)[health.id][0].overdue is False  # due that day
    assert services.outstanding_responses(db.session, factories.TODAY, agency_id=published["police"].id) == {}
    assert services.count_outstanding_responses(db.session, factories.TODAY) == (1, 1)
    assert services.count_outstanding_responses(db.session, DEADLINE, agency_id=health.id) == (1, 0)


def test_outstanding_responses_take_one_query_however_many(app, published):
    for n in range(2, 8):
        factories.make_recommendation(published["review"], number=str(n),
                                      addressees=[published["police"], published["health"]])
    db.session.commit()
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        out = services.outstanding_responses(db.session, factories.TODAY)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert len(statements) == 1
    assert len(out[published["police"].id]) == 6 and len(out[published["health"].id]) == 7


def test_review_and_recommendation_pages_flag_the_missing_response(client, login_as, published):
    login_as(Role.BOARD_MEMBER)
    page = client.get(f"/reviews/{published['review'].id}").get_data(as_text=True)
    assert "Formal responses overdue since" in page and "Health Trust: recommendation" in page
    assert "West Midlands Police: recommendation" not in page
    page = client.get(f"/recommendations/{published['rec'].id}").get_data(as_text=True)
    assert "Overdue" in page and "Accepted" in page


def test_before_the_deadline_the_response_is_awaited_not_overdue(app, client, login_as, published):
    app.config["FIXED_TODAY"] = DEADLINE
    login_as(Role.BUSINESS_UNIT)
    page = client.get(f"/reviews/{published['review'].id}").get_data(as_text=True)
    assert "Formal responses still to come by" in page and "Overdue" not in page


def test_the_agency_lead_sees_what_their_agency_owes_on_home(client, login_as, published):
    login_as(Role.AGENCY_LEAD, agency=published["health"])
    page = client.get("/").get_data(as_text=True)
    assert "1 formal response to recommendations owed by your agency" in page and "1 overdue" in page
    assert "CSPR-PUB recommendation 1" in page
    client.post("/sign-out")
    login_as(Role.AGENCY_LEAD, agency=published["police"])
    assert "owed by your agency" not in client.get("/").get_data(as_text=True)
