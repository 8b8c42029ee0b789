import logging
import re

import pytest
from flask import abort

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


def _reference(body: str) -> str:
    match = re.search(r"data-error-reference>([0-9A-F]{4}-[0-9A-F]{4})<", body)
    assert match, body[:2000]
    return match.group(1)


@pytest.fixture
def app_with_error_routes(app_without_propagation):
    app = app_without_propagation

    @app.route("/refuse/<int:code>")
    def refuse(code):
        abort(code)

    return app


@pytest.mark.parametrize("code,heading", [
    (400, "Sorry, there is a problem with your request"),
    (403, "You do not have permission to see this page"),
    (404, "Page not found"),
    (413, "The file is too large"),
    (429, "Sorry, there have been too many attempts"),
])
def test_each_error_page_is_govuk_styled_uncached_and_logs_its_reference(app_with_error_routes, login_as,
                                                                          caplog, code, heading):
    client = app_with_error_routes.test_client()
    login_as(Role.BUSINESS_UNIT, client=client)
    caplog.set_level(logging.INFO, logger=app_with_error_routes.logger.name)
    response = client.get(f"/refuse/{code}")
    body = response.get_data(as_text=True)
    assert response.status_code == code
    assert heading in body and 'class="govuk-heading-l"' in body and "govuk-template" in body
    assert response.headers["Cache-Control"] == "no-store"
    reference = _reference(body)
    assert any(reference in r.getMessage() and str(code) in r.getMessage() for r in caplog.records)


def test_unknown_page_and_wrong_method_are_not_cached(client, login_as, caplog):
    login_as(Role.BUSINESS_UNIT)
    missing = client.get("/no-such-page")
    assert missing.status_code == 404 and missing.headers["Cache-Control"] == "no-store"
    wrong = client.delete("/actions/")
    body = wrong.get_data(as_text=True)
    assert wrong.status_code == 405 and wrong.headers["Cache-Control"] == "no-store"
    assert "cannot be used in that way" in body and "GET" in wrong.headers["Allow"]
    assert "Method Not Allowed" not in body and "werkzeug" not in body.lower()
    _reference(body)


def test_the_500_page_has_a_reference_that_is_in_the_log(app_without_propagation, login_as, caplog):
    client = app_without_propagation.test_client()
    login_as(Role.BUSINESS_UNIT, client=client)
    response = client.get("/boom")
    body = response.get_data(as_text=True)
    assert response.status_code == 500 and response.headers["Cache-Control"] == "no-store"
    reference = _reference(body)
    logged = [r for r in caplog.records if reference in r.getMessage()]
    assert logged and logged[0].exc_info is not None  # the trace is in the log, not on the page
    assert "RuntimeError" not in body and "SELECT" not in body


def test_two_errors_get_different_references(client):
    first = _reference(client.get("/no-such-page").get_data(as_text=True))
    second = _reference(client.get("/no-such-page").get_data(as_text=True))
    assert first != second
