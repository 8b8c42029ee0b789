"""/healthz and /readyz for load balancers, the request id, JSON log lines and the trusted proxy hops."""

import io
import json
import logging

import pytest
from sqlalchemy import event, text

from tracker import create_app
from tracker.extensions import db
from tracker.ops import health, logs
from tracker.users.models import Role


def test_healthz_answers_without_touching_the_database(app, client):
    queries = []
    event.listen(db.engine, "before_cursor_execute", lambda *args: queries.append(args[2]))
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"
    assert queries == []


@pytest.fixture
def other_app():
    """Another app (other settings); its database connections are closed at the end."""
    made = []

    def make(**config):
        made.append(create_app(config))
        return made[-1]

    yield make
    for app in made:
        with app.app_context():
            db.engine.dispose()


def test_healthz_answers_when_the_database_is_gone(tmp_path, other_app):
    app = other_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/missing/folder/db.sqlite")
    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["failing"] == ["database", "migrations"]
    assert response.get_json()["checks"]["database"] == "failed"
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_is_ready_when_every_part_answers(client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"status": "ready", "checks": {
        "database": "ok", "migrations": "ok", "queue": "ok", "storage": "ok"}}
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_names_a_schema_behind_the_migrations(app, client):
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '563cc4ce31f5'"))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["failing"] == ["migrations"]


def test_readyz_names_an_unreachable_queue(client, monkeypatch):
    def refuse(*args):
        raise ConnectionError("queue down")

    monkeypatch.setattr(health.huey.storage, "queue_size", refuse)
    response = client.get("/readyz")
    assert response.status_code == 503 and response.get_json()["failing"] == ["queue"]


class Store:
    def __init__(self, error=None):
        self.error, self.checked = error, 0

    def check(self):
        self.checked += 1
        if isinstance(self.error, str):
            return self.error  # what the real backends do: the problem in words
        if self.error:
            raise self.error
        return None


def test_readyz_asks_the_registered_file_store(app, client):
    app.extensions["tracker_storage"] = store = Store()
    assert client.get("/readyz").status_code == 200 and store.checked == 1
    app.extensions["tracker_storage"] = Store(OSError("bucket unreachable at s3.internal:9000"))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["failing"] == ["storage"]
    assert "s3.internal" not in response.get_data(as_text=True)  # the detail is logged, not published


def test_readyz_fails_when_the_store_answers_with_a_problem(app, client):
    """The storage backends return their problem rather than raise it (tracker/storage/base.py)."""
    app.extensions["tracker_storage"] = Store("The object store at http://s3.internal does not answer.")
    response = client.get("/readyz")
    assert response.status_code == 503 and response.get_json()["failing"] == ["storage"]


def test_a_request_id_is_echoed_or_made(client):
    assert client.get("/healthz", headers={"X-Request-ID": "lb-1234.abc"}).headers["X-Request-ID"] == "lb-1234.abc"
    made = {client.get("/healthz").headers["X-Request-ID"] for _ in range(3)}
    assert len(made) == 3 and all(len(i) == 32 for i in made)
    odd = client.get("/healthz", headers={"X-Request-ID": "a b\"<script>" + "x" * 200}).headers["X-Request-ID"]
    assert odd not in ("", None) and " " not in odd and len(odd) == 32


@pytest.fixture
def json_log(app):
    stream = io.StringIO()
    handler = logs.json_handler(stream)
    app.logger.addHandler(handler)
    yield stream
    app.logger.removeHandler(handler)


def test_log_lines_are_json_with_the_request_id_and_user_id_only(app, client, login_as, json_log):
    user = login_as(Role.BUSINESS_UNIT)
    app.extensions["tracker_storage"] = Store(OSError("store down"))
    client.get("/readyz", headers={"X-Request-ID": "req-42"})
    line = json.loads(json_log.getvalue().splitlines()[-1])
    assert line["request_id"] == "req-42" and line["user_id"] == user.id
    assert line["level"] == "warning" and "readiness check storage failed" in line["message"]
    assert user.email not in json_log.getvalue() and user.name not in json_log.getvalue()


def test_log_lines_outside_a_request_have_no_ids():
    record = logging.LogRecord("tracker", logging.ERROR, __file__, 1, "boom %s", ("x",), None)
    logs.RequestContext().filter(record)
    assert json.loads(logs.JsonFormatter().format(record)) == {
        "time": json.loads(logs.JsonFormatter().format(record))["time"], "level": "error",
        "logger": "tracker", "message": "boom x"}


@pytest.mark.parametrize(("hops", "forwarded", "secure"), [
    (0, "https", False),  # no proxy trusted: the header is the client's word
    (1, "https", True),
    (2, "https, http", True),  # two proxies: the outer one's word (second from the right)
    (2, "https", False),  # fewer values than hops: ignored
])
def test_proxy_hops_decide_which_forwarded_headers_are_believed(database_uri, other_app, hops, forwarded, secure):
    app = other_app(SQLALCHEMY_DATABASE_URI=database_uri, PROXY_HOPS=hops)
    response = app.test_client().get("/sign-in", headers={"X-Forwarded-Proto": forwarded})
    assert ("Strict-Transport-Security" in response.headers) is secure


def test_the_older_proxy_switch_means_one_hop(database_uri, other_app):
    app = other_app(SQLALCHEMY_DATABASE_URI=database_uri, PROXY_FIX=True)
    assert "Strict-Transport-Security" in app.test_client().get(
        "/sign-in", headers={"X-Forwarded-Proto": "https"}).headers


def test_the_ids_reach_the_access_log_through_the_environ(app, client, login_as):
    """gunicorn's access log (tracker/ops/gunicorn_conf.py) reads them from the WSGI environ."""
    seen = []
    inner = app.wsgi_app

    def middleware(environ, start_response):
        seen.append(environ)
        return inner(environ, start_response)

    app.wsgi_app = middleware
    response = client.get("/healthz")
    assert seen[-1][logs.REQUEST_ID] == response.headers["X-Request-ID"] and logs.USER_ID not in seen[-1]
    user = login_as(Role.BUSINESS_UNIT)
    response = client.get("/")
    assert seen[-1][logs.USER_ID] == user.id
    assert seen[-1][logs.REQUEST_ID] == response.headers["X-Request-ID"]
