"""The recommendation page and the forms for recommendations and their formal response."""

from datetime import date

import pytest
from sqlalchemy import select

from tests import factories
from tracker.extensions import db
from tracker.recommendations.models import Recommendation, number_sort_key
from tracker.users.models import Role

READERS = [Role.ADMIN, Role.BUSINESS_UNIT, Role.AGENCY_LEAD, Role.BOARD_MEMBER, Role.SCRUTINEER]
NON_MANAGERS = [Role.AGENCY_LEAD, Role.BOARD_MEMBER, Role.SCRUTINEER]


def rec_form(agencies, **overrides):
    data = {"number": "3", "text": "Audit the use of genograms.", "kind": "partnership",
            "addressees": [str(a.id) for a in agencies]}
    data.update(overrides)
    return data


@pytest.fixture
def setting(app):
    police = factories.make_agency("West Midlands Police", "WMP")
    health = factories.make_agency("Health Trust", "HT")
    review = factories.make_review(reference="CSPR-REC", title="Child R")
    rec = factories.make_recommendation(review, number="1", text="Share information at MASH.",
                                        addressees=[police, health])
    police_action = factories.make_action(owner=police, recommendation=rec, description="Police retrain MASH staff")
    health_action = factories.make_action(owner=health, recommendation=rec, description="Health audits genograms")
    db.session.commit()
    return {"police": police, "health": health, "review": review, "rec": rec,
            "police_action": police_action, "health_action": health_action}


@pytest.mark.parametrize("role", READERS)
def test_recommendation_page_for_every_role(client, login_as, setting, role):
    login_as(role, agency=setting["police"] if role is Role.AGENCY_LEAD else None)
    response = client.get(f"/recommendations/{setting['rec'].id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Recommendation 1" in html and "Share information at MASH." in html
    assert "West Midlands Police, Health Trust" not in html  # addressees are ordered by name
    assert "Health Trust, West Midlands Police" in html
    assert "Police retrain MASH staff" in html
    assert ("Health audits genograms" in html) is (role is not Role.AGENCY_LEAD)
    # Staff record any addressee's response; a lead only their own agency's; readers none.
    police, health = setting["police"].id, setting["health"].id
    rec_id = setting["rec"].id
    assert (f"/recommendations/{rec_id}/responses/{police}" in html) is (role not in (Role.BOARD_MEMBER,
                                                                                    Role.SCRUTINEER))
    assert (f"/recommendations/{rec_id}/responses/{health}" in html) is (role in (Role.ADMIN, Role.BUSINESS_UNIT))


def test_missing_recommendation_is_404(client, login_as, setting):
    login_as(Role.BUSINESS_UNIT)
    assert client.get("/recommendations/999999").status_code == 404
    assert client.get("/recommendations/999999/edit").status_code == 404
    assert client.get("/recommendations/new?review_id=999999").status_code == 404
    assert client.get("/recommendations/new").status_code == 404


@pytest.mark.parametrize("role", NON_MANAGERS)
def test_non_staff_cannot_use_recommendation_forms(client, login_as, setting, role):
    login_as(role, agency=setting["police"] if role is Role.AGENCY_LEAD else None)
    rec, review = setting["rec"], setting["review"]
    rec_id, review_id = rec.id, review.id
    agencies = [setting["police"]]
    for url in (f"/recommendations/new?review_id={review_id}", f"/recommendations/{rec_id}/edit"):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/recommendations/new?review_id={review_id}",
                       data=rec_form(agencies, number="99")).status_code == 403
    assert client.post(f"/recommendations/{rec_id}/edit", data=rec_form(agencies, number="1", text="Hacked")
                       ).status_code == 403
    # A lead may answer for their own agency (tested below), never for another: that is not found.
    health_url = f"/recommendations/{rec_id}/responses/{setting['health'].id}"
    assert client.post(health_url, data={"response": "accepted", "reasons": "", "response_date": ["1", "5", "2025"]}
                       ).status_code == (404 if role is Role.AGENCY_LEAD else 403)
    db.session.expire_all()
    rec = db.session.get(Recommendation, rec_id)
    assert rec.text == "Share information at MASH." and rec.responses == []
    assert db.session.scalar(select(Recommendation).where(Recommendation.number == "99")) is None


@pytest.mark.parametrize("role", [Role.ADMIN, Role.BUSINESS_UNIT])
def test_staff_add_a_recommendation(client, login_as, setting, role):
    theme = factories.make_theme("Information sharing")
    db.session.commit()
    login_as(role)
    review_id = setting["review"].id
    html = client.get(f"/recommendations/new?review_id={review_id}").get_data(as_text=True)
    assert "West Midlands Police" in html and "Information sharing" in html
    response = client.post(f"/recommendations/new?review_id={review_id}", data=rec_form(
        [setting["police"]], number="BCPFT-10", kind="single_agency", themes=[str(theme.id)]))
    assert response.status_code == 302
    rec = db.session.scalar(select(Recommendation).where(Recommendation.number == "BCPFT-10"))
    assert rec.sort_key == number_sort_key("BCPFT-10")
    assert [a.short_name for a in rec.addressees] == ["WMP"] and [t.name for t in rec.themes] == ["Information sharing"]
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Recommendation BCPFT-10 added" in html and "Audit the use of genograms." in html


def test_inactive_agencies_are_not_offered(client, login_as, setting):
    gone = factories.make_agency("Closed Agency")
    gone.active = False
    db.session.commit()
    login_as(Role.BUSINESS_UNIT)
    html = client.get(f"/recommendations/new?review_id={setting['review'].id}").get_data(as_text=True)
    assert "Closed Agency" not in html
    response = client.post(f"/recommendations/new?review_id={setting['review'].id}",
                           data=rec_form([gone], number="7"))
    assert "Select from the list" in response.get_data(as_text=True)


def test_recommendation_form_errors(client, login_as, setting):
    login_as(Role.BUSINESS_UNIT)
    url = f"/recommendations/new?review_id={setting['review'].id}"
    response = client.post(url, data={"number": "", "text": "Kept text", "kind": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "Enter the recommendation number" in html
    assert "Select the kind of recommendation" in html
    assert "Select at least one agency the recommendation is addressed to" in html
    assert "Kept text" in html
    response = client.post(url, data=rec_form([setting["police"]], number="1"))
    html = response.get_data(as_text=True)
    assert "This review already has a recommendation 1" in html
    assert response.status_code == 200
    response = client.post(url, data=rec_form([setting["police"]], addressees=["abc"]))
    assert response.status_code == 200 and "Select from the list" in response.get_data(as_text=True)
    assert len(db.session.scalars(select(Recommendation)).all()) == 1


def test_same_number_allowed_in_another_review(client, login_as, setting):
    other = factories.make_review(reference="OTHER")
    db.session.commit()
    login_as(Role.BUSINESS_UNIT)
    response = client.post(f"/recommendations/new?review_id={other.id}", data=rec_form([setting["police"]], number="1"))
    assert response.status_code == 302


def test_staff_edit_a_recommendation(client, login_as, setting):
    login_as(Role.BUSINESS_UNIT)
    rec_id = setting["rec"].id
    html = client.get(f"/recommendations/{rec_id}/edit").get_data(as_text=True)
    assert "Share information at MASH." in html and "checked" in html
    response = client.post(f"/recommendations/{rec_id}/edit", data=rec_form(
        [setting["health"]], number="12", text="Share information quickly.", version="1"))
    assert response.status_code == 302
    db.session.expire_all()
    rec = db.session.get(Recommendation, rec_id)
    assert rec.number == "12" and rec.sort_key == number_sort_key("12")
    assert [a.short_name for a in rec.addressees] == ["HT"]
    assert "Recommendation 12 updated" in client.get(response.headers["Location"]).get_data(as_text=True)


def _answer(client, rec_id, agency_id, **overrides):
    data = {"response": "partly_accepted", "reasons": "The MASH is being redesigned.",
            "response_date": ["1", "5", "2025"]}
    data.update(overrides)
    return client.post(f"/recommendations/{rec_id}/responses/{agency_id}", data=data)


def test_business_unit_records_a_response_for_one_addressee(client, login_as, setting, today):
    staff = login_as(Role.BUSINESS_UNIT)
    rec_id, police, health = setting["rec"].id, setting["police"], setting["health"]
    assert client.get(f"/recommendations/{rec_id}/responses/{police.id}").status_code == 200
    response = _answer(client, rec_id, police.id)
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Formal response of West Midlands Police to recommendation 1 recorded" in html
    assert "Partly accepted" in html and "The MASH is being redesigned." in html and "1 May 2025" in html
    assert "No formal response yet" in html  # Health Trust has still to answer
    rec = db.session.get(Recommendation, rec_id)
    [answer] = rec.responses
    assert (answer.agency_id, answer.response, answer.response_date) == (police.id, "partly_accepted", date(2025, 5, 1))
    assert answer.recorded_by_id == staff.id


def test_recording_again_corrects_the_agency_response(client, login_as, setting):
    login_as(Role.BUSINESS_UNIT)
    rec_id, police = setting["rec"].id, setting["police"].id
    assert _answer(client, rec_id, police).status_code == 302
    html = client.get(f"/recommendations/{rec_id}/responses/{police}").get_data(as_text=True)
    assert "The MASH is being redesigned." in html  # the form opens with what was recorded
    assert _answer(client, rec_id, police, response="accepted", reasons="").status_code == 302
    db.session.expire_all()
    [answer] = db.session.get(Recommendation, rec_id).responses
    assert answer.response == "accepted" and answer.reasons == ""


def test_agency_lead_records_their_own_agency_response_only(client, login_as, setting):
    lead = login_as(Role.AGENCY_LEAD, agency=setting["police"])
    rec_id = setting["rec"].id
    assert _answer(client, rec_id, setting["police"].id, response="accepted", reasons="").status_code == 302
    assert _answer(client, rec_id, setting["health"].id).status_code == 404
    db.session.expire_all()
    [answer] = db.session.get(Recommendation, rec_id).responses
    assert answer.agency_id == setting["police"].id and answer.recorded_by_id == lead.id


def test_agency_not_addressed_cannot_respond(client, login_as, setting):
    outsider = factories.make_agency("Housing", "HSG")
    db.session.commit()
    login_as(Role.BUSINESS_UNIT)
    assert _answer(client, setting["rec"].id, outsider.id).status_code == 404
    client.post("/sign-out")
    login_as(Role.AGENCY_LEAD, agency=outsider)
    assert _answer(client, setting["rec"].id, outsider.id).status_code == 404


@pytest.mark.parametrize("data, message", [
    ({"response": "", "reasons": "", "response_date": ["1", "5", "2025"]}, "Select the formal response"),
    ({"response": "not_accepted", "reasons": " ", "response_date": ["1", "5", "2025"]},
     "Enter the reasons it was not accepted in full"),
    ({"response": "accepted", "reasons": "", "response_date": ["", "", ""]}, "Enter date of the response"),
    ({"response": "accepted", "reasons": "", "response_date": ["30", "2", "2025"]},
     "Date of the response must be a real date"),
    ({"response": "accepted", "reasons": "", "response_date": ["3", "6", "2025"]},
     "Date of the response must be today (2 June 2025) or in the past"),
    ({"response": "bogus", "reasons": "", "response_date": ["1", "5", "2025"]}, "Select the formal response"),
])
def test_formal_response_errors(client, login_as, setting, data, message):
    login_as(Role.BUSINESS_UNIT)
    rec_id = setting["rec"].id
    response = client.post(f"/recommendations/{rec_id}/responses/{setting['police'].id}", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    assert "There is a problem" in html
    db.session.expire_all()
    assert db.session.get(Recommendation, rec_id).responses == []


def test_review_page_links_to_forms_for_staff(client, login_as, setting):
    login_as(Role.BUSINESS_UNIT)
    rec_id, review_id = setting["rec"].id, setting["review"].id
    html = client.get(f"/reviews/{review_id}").get_data(as_text=True)
    assert f"/recommendations/{rec_id}/edit" in html
    assert f"/recommendations/{rec_id}/responses/{setting['police'].id}" in html
    assert f"/recommendations/new?review_id={review_id}" in html
    assert f"recommendation_id={rec_id}" in html  # "Add an action"
