import pytest

from tracker.users.models import Role


@pytest.fixture
def app_without_propagation(app):
    app.config["PROPAGATE_TEST_ERRORS"] = False
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.route("/boom")
    def boom():
        raise RuntimeError("SELECT secret FROM children")

    return app


def test_unexpected_errors_show_no_stack_trace_or_sql(app_without_propagation, login_as):
    client = app_without_propagation.test_client()
    login_as(Role.BUSINESS_UNIT, client=client)
    response = client.get("/boom")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in body
    assert "SELECT" not in body and "Traceback" not in body


def test_unknown_page_is_a_govuk_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_security_headers(client):
    response = client.get("/sign-in")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    nonce = csp.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in response.get_data(as_text=True)


def test_a_post_without_a_csrf_token_is_refused(app, client):
    from tests.factories import PASSWORD, make_user
    from tracker.extensions import db

    app.config["WTF_CSRF_ENABLED"] = True
    user = make_user(Role.BUSINESS_UNIT)
    db.session.commit()
    response = client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "Traceback" not in response.get_data(as_text=True)


@pytest.mark.parametrize("url", [
    "/actions/?page=99999999999999999999", "/actions/?review=99999999999999999999&agency=%C2%B2",
    "/reviews/?page=%C2%B2", "/admin/users?page=99999999999999999999&agency=99999999999999999999",
    "/themes/?page=99999999999999999999", "/evidence/new?action_id=%C2%B2",
    "/recommendations/new?review_id=99999999999999999999",
])
def test_hostile_numbers_in_the_query_string_never_give_a_500(app, client, login_as, url):
    app.config["PROPAGATE_TEST_ERRORS"] = False
    login_as(Role.ADMIN)
    assert client.get(url).status_code in (200, 404)
