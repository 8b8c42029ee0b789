"""The reviews list, the review page, and the forms for reviews and learning points."""

from datetime import date

import pytest
from sqlalchemy import event, select

from tests import factories
from tests.markup import select_options
from tracker.extensions import db
from tracker.reviews.models import LearningPoint, Review
from tracker.users.models import Role

READERS = [Role.ADMIN, Role.BUSINESS_UNIT, Role.AGENCY_LEAD, Role.BOARD_MEMBER, Role.SCRUTINEER]
NON_MANAGERS = [Role.AGENCY_LEAD, Role.BOARD_MEMBER, Role.SCRUTINEER]


def review_form(**overrides):
    data = {"reference": "CSPR-2025-09", "title": "Child Q", "review_type": "cspr", "status": "commissioned",
            "lead_reviewer": "A. Reviewer", "summary": "Neglect over many years."}
    for name in ("incident_date", "notification_date", "rapid_review_date", "decision_date",
                 "commissioned_date", "draft_date", "board_signoff_date", "published_date"):
        data[name] = ["", "", ""]
    data.update(overrides)
    return data


def page(client, url):
    response = client.get(url)
    return response.status_code, response.get_data(as_text=True)


# --- The list -------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", READERS)
def test_every_role_sees_the_reviews_list(app, client, login_as, role):
    factories.make_review(reference="CSPR-LIST-1", title="Child Listed")
    login_as(role)
    status, html = page(client, "/reviews/")
    assert status == 200
    assert "CSPR-LIST-1" in html and "Child Listed" in html
    assert ("Create a review" in html) is (role in (Role.ADMIN, Role.BUSINESS_UNIT))


def test_reviews_list_needs_sign_in(client):
    response = client.get("/reviews/")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


def test_list_filters_by_type_status_theme_and_text(app, client, login_as):
    theme = factories.make_theme("Think fathers")
    a = factories.make_review(reference="CSPR-A", title="Child Alpha", review_type="cspr", status="published")
    a.themes = [theme]
    factories.make_review(reference="SAR-B", title="Adult Beta", review_type="sar", status="drafting")
    factories.make_review(reference="SILP-C", title="Child Gamma", review_type="silp", status="published")
    login_as(Role.BOARD_MEMBER)

    def refs(query):
        status, html = page(client, "/reviews/?" + query)
        assert status == 200
        return {r for r in ("CSPR-A", "SAR-B", "SILP-C") if r in html}

    assert refs("") == {"CSPR-A", "SAR-B", "SILP-C"}
    assert refs("type=sar") == {"SAR-B"}
    assert refs("status=published") == {"CSPR-A", "SILP-C"}
    assert refs(f"theme={theme.id}") == {"CSPR-A"}
    assert refs("q=gamma") == {"SILP-C"}
    assert refs("q=sar-") == {"SAR-B"}
    assert refs("q=100%25") == set()
    # Nonsense in the query string is ignored rather than failing.
    assert refs("type=nope&status=x&theme=abc&sort=evil&dir=sideways&page=zz") == {"CSPR-A", "SAR-B", "SILP-C"}
    # The filter form's options send what they name, and the chosen ones stay selected.
    _, html = page(client, f"/reviews/?type=sar&theme={theme.id}")
    assert select_options(html, "theme")["Think fathers"] == (str(theme.id), True)
    assert select_options(html, "theme")["Any theme"] == ("", False)
    assert select_options(html, "type")["Safeguarding adults review (SAR)"] == ("sar", True)
    assert select_options(html, "status")["Published"] == ("published", False)


def test_list_sorts_and_pages(app, client, login_as):
    app.config["PAGE_SIZE"] = 2
    for ref, title in (("R-1", "Zed"), ("R-2", "Yan"), ("R-3", "Xu")):
        factories.make_review(reference=ref, title=title)
    login_as(Role.BUSINESS_UNIT)
    def rows(html: str) -> str:  # the table alone: a random CSP nonce elsewhere can hold "Xu"
        return html[html.index("<tbody"):html.index("</tbody>")]

    _, html = page(client, "/reviews/?sort=title&dir=asc")
    assert "Showing 1 to 2 of 3 reviews" in html
    html = rows(html)
    assert "Xu" in html and "Yan" in html and "Zed" not in html
    assert html.index("Xu") < html.index("Yan")
    html = rows(page(client, "/reviews/?sort=title&dir=asc&page=2")[1])
    assert "Zed" in html and "Xu" not in html
    html = rows(page(client, "/reviews/?sort=reference&dir=desc")[1])
    assert html.index("R-3") < html.index("R-2")
    assert page(client, "/reviews/?page=99")[0] == 200


def test_list_counts_actions_by_rating_in_one_query(app, client, login_as, today):
    police, health = factories.make_agency("Police"), factories.make_agency("Health")
    reviews = [factories.make_review(reference=f"CNT-{i}") for i in range(3)]
    for review in reviews:
        rec = factories.make_recommendation(review, addressees=[police, health])
        factories.make_action(owner=police, recommendation=rec, due_date=date(2025, 1, 1))  # red
        factories.make_action(owner=health, recommendation=rec, due_date=date(2025, 12, 1))  # green
        factories.make_action(owner=health, recommendation=rec, due_date=date(2025, 12, 1))  # green
    login_as(Role.BOARD_MEMBER)
    _, html = page(client, "/reviews/")
    assert html.count("1 Red") == 3 and html.count("2 Green") == 3
    statements = count_queries(app, client, "/reviews/")
    more = factories.make_review(reference="CNT-9")
    factories.make_action(owner=police, recommendation=factories.make_recommendation(more, addressees=[police]),
                          due_date=date(2025, 1, 1))
    db.session.commit()
    assert count_queries(app, client, "/reviews/") == statements
    assert statements <= 6, statements


def test_agency_lead_list_counts_only_their_agency(app, client, login_as):
    police, health = factories.make_agency("Police"), factories.make_agency("Health")
    review = factories.make_review(reference="SCOPE-1")
    rec = factories.make_recommendation(review, addressees=[police, health])
    factories.make_action(owner=police, recommendation=rec, due_date=date(2025, 1, 1))
    factories.make_action(owner=health, recommendation=rec, due_date=date(2025, 12, 1))
    login_as(Role.AGENCY_LEAD, agency=police)
    _, html = page(client, "/reviews/")
    assert "1 Red" in html and "Green" not in html


# --- The review page ------------------------------------------------------------------------------


def count_queries(app, client, url: str) -> int:
    """SQL statements run by one request, in a fresh application context (its own session and
    `g`, as in production) so that nothing cached by the test hides or adds a query."""
    statements = []

    def before(conn, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", before)
        try:
            response = client.get(url)
        finally:
            event.remove(db.engine, "before_cursor_execute", before)
    assert response.status_code == 200
    return len(statements)


def _review_with_two_agencies():
    police, health = factories.make_agency("West Midlands Police", "WMP"), factories.make_agency("Health Trust", "HT")
    theme = factories.make_theme("Professional curiosity")
    review = factories.make_review(reference="CSPR-SHOW", title="Child Y", incident_date=date(2025, 4, 17),
                                   notification_date=date(2025, 4, 29))
    review.themes = [theme]
    db.session.add(LearningPoint(review=review, number=1, text="Think about fathers.", shared_how="briefing",
                                 shared_date=date(2025, 5, 1)))
    rec2 = factories.make_recommendation(review, number="10", text="Audit the tenth thing.", addressees=[health])
    rec1 = factories.make_recommendation(review, number="2", text="Share information.", addressees=[police, health])
    police_action = factories.make_action(owner=police, recommendation=rec1, description="Police retrain MASH staff",
                                          due_date=date(2025, 1, 10))
    health_action = factories.make_action(owner=health, recommendation=rec1, description="Health audits genograms")
    db.session.commit()
    return review, police, health, police_action, health_action, rec1, rec2


@pytest.mark.parametrize("role", READERS)
def test_review_page_renders_for_every_role(app, client, login_as, role):
    review, police, *_ = _review_with_two_agencies()
    login_as(role, agency=police if role is Role.AGENCY_LEAD else None)
    status, html = page(client, f"/reviews/{review.id}")
    assert status == 200
    for text in ("CSPR-SHOW", "Child Y", "Professional curiosity", "Think about fathers.", "7-minute briefing",
                 "Share information.", "Audit the tenth thing.", "No formal response yet", "Notify the national panel",
                 "Police retrain MASH staff"):
        assert text in html, text
    # Recommendations in number order: 2 before 10.
    assert html.index("Share information.") < html.index("Audit the tenth thing.")
    staff = role in (Role.ADMIN, Role.BUSINESS_UNIT)
    assert ("Edit review" in html) is staff
    assert ("Add an action" in html) is staff
    assert ("Record the response" in html) is (role is not Role.BOARD_MEMBER and role is not Role.SCRUTINEER)


def test_agency_lead_sees_only_their_agencys_actions(app, client, login_as):
    review, police, health, police_action, health_action, *_ = _review_with_two_agencies()
    login_as(Role.AGENCY_LEAD, agency=police)
    _, html = page(client, f"/reviews/{review.id}")
    assert "Police retrain MASH staff" in html
    assert f"/actions/{police_action.id}" in html
    assert "Health audits genograms" not in html
    assert f"/actions/{health_action.id}" not in html


def test_review_page_links_actions_and_shows_brag(app, client, login_as):
    review, police, health, police_action, health_action, rec1, _ = _review_with_two_agencies()
    login_as(Role.SCRUTINEER)
    _, html = page(client, f"/reviews/{review.id}")
    assert f"/actions/{police_action.id}" in html and f"/actions/{health_action.id}" in html
    assert 'data-rating="red">1<' in html and 'data-rating="green">1<' in html
    assert "Red: due 10 January 2025" in html  # the reason from rate()


def test_review_page_query_count_does_not_grow(app, client, login_as):
    review, police, health, *_ = _review_with_two_agencies()
    login_as(Role.BUSINESS_UNIT)
    before = count_queries(app, client, f"/reviews/{review.id}")
    theme = factories.make_theme()
    for n in range(5):
        rec = factories.make_recommendation(review, number=str(20 + n), addressees=[police, health])
        rec.themes = [theme]
        lead = factories.make_user(Role.AGENCY_LEAD, agency=police)
        factories.make_action(owner=police, lead=lead, recommendation=rec)
        factories.make_action(owner=health, recommendation=rec)
        db.session.add(LearningPoint(review=review, number=10 + n, text="More learning."))
    db.session.commit()
    after = count_queries(app, client, f"/reviews/{review.id}")
    assert after == before
    assert before <= 13, before  # 10, 2 for learning elsewhere (the library, earlier local reviews), 1 for formal responses


def test_review_page_folds_many_recommendations_and_escapes_their_headings(app, client, login_as):
    review = factories.make_review("CSPR-77")
    for n in range(1, 5):
        factories.make_recommendation(review, f"<b>{n}</b>", text=f"<script>alert({n})</script> Train staff.")
    db.session.commit()
    login_as(Role.BOARD_MEMBER)
    page = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    assert 'aria-label="Contents"' in page and 'href="#recommendations">Recommendations (4)</a>' in page
    assert page.count('class="govuk-accordion__section"') == 4  # four: folded (not "--expanded")
    assert "Recommendation &lt;b&gt;1&lt;/b&gt;" in page and "<b>1</b>" not in page
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)" in page


def test_missing_review_is_404(app, client, login_as):
    login_as(Role.BUSINESS_UNIT)
    assert client.get("/reviews/999999").status_code == 404
    assert client.get("/reviews/999999/edit").status_code == 404


# --- Review forms ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.ADMIN, Role.BUSINESS_UNIT])
def test_staff_create_a_review(app, client, login_as, role):
    theme = factories.make_theme("Neglect")
    login_as(role)
    assert client.get("/reviews/new").status_code == 200
    response = client.post("/reviews/new", data=review_form(
        themes=[str(theme.id)], incident_date=["17", "4", "2025"], notification_date=["28", "4", "2025"]))
    assert response.status_code == 302
    review = db.session.scalar(select(Review).where(Review.reference == "CSPR-2025-09"))
    assert review.title == "Child Q" and review.notification_date == date(2025, 4, 28)
    assert [t.name for t in review.themes] == ["Neglect"]
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Review CSPR-2025-09 created" in html
    assert "Neglect" in html


@pytest.mark.parametrize("role", NON_MANAGERS)
def test_non_staff_cannot_use_any_review_form(app, client, login_as, role):
    review = factories.make_review(reference="LOCKED-1", title="Child L")
    point = LearningPoint(review=review, number=1, text="Original point.")
    db.session.add(point)
    db.session.commit()
    login_as(role)
    urls = ["/reviews/new", f"/reviews/{review.id}/edit", f"/reviews/{review.id}/learning-points/new",
            f"/reviews/{review.id}/learning-points/{point.id}/edit"]
    for url in urls:
        assert client.get(url).status_code == 403, url
    assert client.post("/reviews/new", data=review_form(reference="SNEAKY")).status_code == 403
    assert client.post(f"/reviews/{review.id}/edit", data=review_form(reference="LOCKED-1", title="Hacked")
                       ).status_code == 403
    assert client.post(f"/reviews/{review.id}/learning-points/new",
                       data={"number": "2", "text": "Sneaky", "shared_how": ""}).status_code == 403
    assert client.post(f"/reviews/{review.id}/learning-points/{point.id}/edit",
                       data={"number": "1", "text": "Changed", "shared_how": ""}).status_code == 403
    db.session.expire_all()
    assert db.session.scalar(select(Review).where(Review.reference == "SNEAKY")) is None
    assert db.session.get(Review, review.id).title == "Child L"
    assert [p.text for p in db.session.get(Review, review.id).learning_points] == ["Original point."]


def test_review_form_errors_keep_typed_values(app, client, login_as):
    login_as(Role.BUSINESS_UNIT)
    response = client.post("/reviews/new", data=review_form(
        reference="", title="Child Kept", review_type="", incident_date=["31", "2", "2025"]))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "Enter the review&#39;s reference" in html or "Enter the review's reference" in html
    assert "Select the type of review" in html
    assert "Serious incident date must be a real date" in html
    assert 'value="Child Kept"' in html and 'value="31"' in html
    assert db.session.scalar(select(Review)) is None


def test_reference_already_taken(app, client, login_as):
    factories.make_review(reference="CSPR-TAKEN")
    login_as(Role.BUSINESS_UNIT)
    response = client.post("/reviews/new", data=review_form(reference="cspr-taken"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Another review already has the reference cspr-taken" in html
    assert 'href="#reference"' in html


def test_dates_out_of_order(app, client, login_as):
    login_as(Role.BUSINESS_UNIT)
    response = client.post("/reviews/new", data=review_form(
        incident_date=["10", "3", "2025"], notification_date=["3", "3", "2025"]))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert ("Notification to the national panel date must be the same as or after the serious incident date "
            "(10 March 2025)") in html
    assert 'href="#notification_date-day"' in html
    assert db.session.scalar(select(Review)) is None


def test_staff_edit_a_review(app, client, login_as):
    theme = factories.make_theme("Escalation")
    review = factories.make_review(reference="EDIT-1", title="Child E", published_date=date(2025, 1, 1))
    review.themes = [theme]
    db.session.commit()
    login_as(Role.BUSINESS_UNIT)
    html = client.get(f"/reviews/{review.id}/edit").get_data(as_text=True)
    assert 'value="EDIT-1"' in html and "checked" in html and 'value="2025"' in html
    response = client.post(f"/reviews/{review.id}/edit", data=review_form(reference="EDIT-1", title="Child F", version="1"))
    assert response.status_code == 302
    db.session.expire_all()
    review = db.session.get(Review, review.id)
    assert review.title == "Child F" and review.themes == [] and review.published_date is None


# --- Learning points ------------------------------------------------------------------------------


def test_add_and_edit_a_learning_point(app, client, login_as):
    review = factories.make_review(reference="LP-1")
    db.session.commit()
    login_as(Role.BUSINESS_UNIT)
    html = client.get(f"/reviews/{review.id}/learning-points/new").get_data(as_text=True)
    assert 'value="1"' in html  # the next number is suggested
    response = client.post(f"/reviews/{review.id}/learning-points/new", data={
        "number": "1", "text": "Hear the voice of the child.", "shared_how": "training",
        "shared_date": ["12", "5", "2025"]})
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Learning point 1 added" in html and "Hear the voice of the child." in html and "12 May 2025" in html
    point = db.session.scalar(select(LearningPoint))
    response = client.post(f"/reviews/{review.id}/learning-points/{point.id}/edit", data={
        "number": "1", "text": "Hear the child.", "shared_how": "", "shared_date": ["", "", ""]})
    assert response.status_code == 302
    db.session.expire_all()
    point = db.session.get(LearningPoint, point.id)
    assert point.text == "Hear the child." and point.shared_how is None and point.shared_date is None


def test_learning_point_errors(app, client, login_as):
    review = factories.make_review(reference="LP-2")
    db.session.add(LearningPoint(review=review, number=1, text="First."))
    db.session.commit()
    login_as(Role.BUSINESS_UNIT)
    url = f"/reviews/{review.id}/learning-points/new"
    html = client.post(url, data={"number": "one", "text": "", "shared_how": "",
                                  "shared_date": ["", "", ""]}).get_data(as_text=True)
    assert "Learning point number must be a whole number, like 3" in html
    assert "Enter the learning point" in html
    assert 'value="one"' in html
    html = client.post(url, data={"number": "1", "text": "Duplicate.", "shared_how": "",
                                  "shared_date": ["", "", ""]}).get_data(as_text=True)
    assert "This review already has a learning point 1" in html
    html = client.post(url, data={"number": "2", "text": "Future.", "shared_how": "event",
                                  "shared_date": ["1", "1", "2030"]}).get_data(as_text=True)
    assert "Date shared must be today or in the past" in html
    html = client.post(url, data={"number": "2", "text": "No how.", "shared_how": "",
                                  "shared_date": ["1", "1", "2025"]}).get_data(as_text=True)
    assert "Select how the learning point was shared" in html
    assert len(db.session.get(Review, review.id).learning_points) == 1


def test_learning_point_of_another_review_is_404(app, client, login_as):
    one, two = factories.make_review(), factories.make_review()
    point = LearningPoint(review=one, number=1, text="x")
    db.session.add(point)
    db.session.commit()
    login_as(Role.BUSINESS_UNIT)
    assert client.get(f"/reviews/{two.id}/learning-points/{point.id}/edit").status_code == 404


def test_reviews_list_ignores_a_theme_that_is_a_digit_only_to_unicode(client, login_as):
    login_as(Role.BOARD_MEMBER)
    assert client.get("/reviews/?theme=%C2%B2").status_code == 200  # "²": str.isdigit, but not int()
