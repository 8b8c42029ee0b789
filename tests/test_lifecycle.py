"""One request lifecycle: sign-in required on every page unless the view is marked @public; domain
errors and concurrent changes end as a message on the form, never a 403 or a 500; the command line
ends a refusal with its message and an exit status."""

import html
import threading

from flask import url_for
from sqlalchemy import func, select, text
from werkzeug.routing import BuildError

from tests import factories
from tests.test_races import second_at_the_write_lock
from tracker.actions import services as action_services
from tracker.actions.models import Action, ActionStatus, AssuranceDecision
from tracker.extensions import db
from tracker.users.models import Role
from tracker.web.views import is_public

#: The pages anyone may open. A new public page is a decision: add it here as well as marking it @public.
#: The health checks are for load balancers, which never sign in; they show no data (tracker/ops/health.py).
PUBLIC = {"static", "auth.login", "auth.second_factor", "auth.set_up_second_factor", "ops.healthz", "ops.readyz"}
ALREADY_DECIDED = "Someone else has already accepted or returned this action"


def _url(app, rule) -> str:
    """A URL for the rule: 1 for every argument, or for a name not ending in _id a choice of the
    `any(...)` converter."""
    with app.test_request_context():
        for guess in (1, "csv"):
            try:
                return url_for(rule.endpoint, **{name: 1 if name.endswith("_id") else guess
                                                 for name in rule.arguments})
            except (BuildError, ValueError):  # ValueError: not one of the any(...) choices
                continue
    raise AssertionError(f"cannot build a URL for {rule.rule}")


def _rules(app):
    return sorted(app.url_map.iter_rules(), key=lambda r: r.rule)


def test_only_the_sign_in_pages_and_static_files_are_public(app):
    with app.test_request_context():
        public = {rule.endpoint for rule in _rules(app) if is_public(rule.endpoint)}
    assert public == PUBLIC


def test_every_other_page_sends_nobody_to_sign_in_or_refuses(app, client):
    checked = 0
    for rule in _rules(app):
        if rule.endpoint in PUBLIC:
            continue
        url = _url(app, rule)
        for method in sorted(rule.methods & {"GET", "POST"}):
            response = client.open(url, method=method)
            where = f"{method} {url} ({rule.endpoint})"
            if method == "GET" or response.status_code == 302:
                assert response.status_code == 302, where
                assert response.location.startswith("/sign-in"), where
            else:
                assert response.status_code in (400, 401, 403), where
            checked += 1
    assert checked > 70  # every route, not a few


def test_a_get_comes_back_to_the_page_after_sign_in(app, client):
    response = client.get("/actions/?status=open")
    assert response.status_code == 302 and response.location.startswith("/sign-in?next=")
    user = factories.make_user(Role.BUSINESS_UNIT)
    db.session.commit()
    signed_in = client.post(response.location, data={"email": user.email, "password": factories.PASSWORD})
    assert signed_in.status_code == 302 and signed_in.location == "/actions/?status=open"


def test_the_sign_in_page_is_open_to_everyone(client):
    assert client.get("/sign-in").status_code == 200


def _submitted_action():
    action = factories.make_action(status="submitted")
    db.session.commit()
    return action


def _decide(client, action, reason="Need the re-audit results."):
    return client.post(f"/actions/{action.id}/decide", data={"decision": "return", "reason": reason})


def _decisions(action) -> int:
    return db.session.scalar(select(func.count()).select_from(AssuranceDecision)
                             .where(AssuranceDecision.action_id == action.id))


def test_deciding_an_action_someone_has_just_decided_says_so(app, client, login_as):
    """The second officer's request reads the action after the first has committed (SQLite runs
    writing requests one at a time): the form again with the message and what they typed, not a 403."""
    action = _submitted_action()
    login_as(Role.BUSINESS_UNIT)
    other = app.test_client()
    login_as(Role.BUSINESS_UNIT, client=other)
    assert _decide(client, action).status_code == 302
    response = _decide(other, action, reason="My own reason.")
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert ALREADY_DECIDED in page and "My own reason." in page
    assert _decisions(action) == 1


def test_a_decision_that_loses_the_race_at_its_write_says_so(app, client, login_as, monkeypatch):
    """Both officers read the submitted action; the other's decision is committed before this one
    writes (PostgreSQL: the version check on the UPDATE, StaleDataError). The request rolls back and
    the form says why."""
    action = _submitted_action()
    login_as(Role.BUSINESS_UNIT)
    real_return = action_services.return_action

    def raced(target, *args, **kwargs):
        db.session.execute(text("UPDATE actions SET status = 'in_progress', version = version + 1 WHERE id = :id"),
                           {"id": target.id})
        return real_return(target, *args, **kwargs)

    monkeypatch.setattr(action_services, "return_action", raced)
    response = _decide(client, action)
    assert response.status_code == 422
    assert ALREADY_DECIDED in html.unescape(response.get_data(as_text=True))
    assert _decisions(action) == 0  # the whole request rolled back
    assert db.session.get(Action, action.id).status == ActionStatus.SUBMITTED


def test_two_officers_deciding_at_the_same_moment(app, client, login_as, monkeypatch, database_backend):
    """Real concurrent requests: the first holds its write until the second is under way. On
    PostgreSQL the second waits on the row and fails the version check; on SQLite it waits for the
    write lock and then reads the decided action. Either way: one decision, and a message."""
    action = _submitted_action()
    login_as(Role.BUSINESS_UNIT)
    other = app.test_client()
    login_as(Role.BUSINESS_UNIT, client=other)
    first_wrote, second_deciding, second_at_lock = threading.Event(), threading.Event(), threading.Event()
    real_return = action_services.return_action

    def paced(target, *args, **kwargs):
        if first_wrote.is_set():  # the second officer
            second_deciding.set()
            second_at_lock.set()
            return real_return(target, *args, **kwargs)
        result = real_return(target, *args, **kwargs)  # flushed: the row is written, not yet committed
        first_wrote.set()
        second_at_lock.wait(timeout=3)  # SQLite: the second is blocked before it gets here, at the lock
        threading.Event().wait(0.5)  # let the second reach its UPDATE
        return result

    monkeypatch.setattr(action_services, "return_action", paced)
    responses = {}

    def first_officer():
        with app.app_context():  # a thread starts with no app context; the client's request pushes its own
            responses["first"] = _decide(client, action)

    first = threading.Thread(target=first_officer)
    with second_at_the_write_lock(first_wrote, second_at_lock):
        first.start()
        assert first_wrote.wait(timeout=20)
        responses["second"] = _decide(other, action, reason="Mine.")
        first.join(timeout=30)
    assert responses["first"].status_code == 302
    assert responses["second"].status_code == 422
    assert ALREADY_DECIDED in html.unescape(responses["second"].get_data(as_text=True))
    assert _decisions(action) == 1
    if database_backend == "postgres":
        assert second_deciding.is_set()  # it did reach its write, and the version check stopped it


def test_a_refusal_on_the_command_line_is_a_message_and_exit_status_1(app):
    runner = app.test_cli_runner()
    factories.make_user(Role.ADMIN, email="taken@example.org")
    db.session.commit()
    result = runner.invoke(args=["create-admin", "--email", "taken@example.org"],
                           env={"TRACKER_PASSWORD": "a-long-enough-password"})
    assert result.exit_code == 1
    assert "Error: There is already an account with this email address." in result.output
