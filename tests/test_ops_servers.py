"""Two app servers, one database: the sign-in rate limit counted in Redis across both (a real
redis-server, started here on a free port), and account locks and revoked sessions holding on both
(they live in the database, not in a server's memory)."""

import shutil
import socket
import subprocess
import time

import pytest
import redis

from tests import factories
from tests.conftest import FreshContextClient
from tracker import create_app
from tracker.extensions import db
from tracker.users.models import Role

needs_redis = pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    port, folder = _free_port(), tmp_path_factory.mktemp("redis")
    process = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder),
                                "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    try:
        for _ in range(100):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.1)
        yield url
    finally:
        client.close()
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def servers(database_uri, tmp_path):
    """Makes more app servers on the test's database, each with its own folders; their database
    connections are closed at the end."""
    made = []

    def make(name: str, **config):
        app = create_app({"SQLALCHEMY_DATABASE_URI": database_uri, "UPLOAD_FOLDER": str(tmp_path / name / "evidence"),
                          "FIXED_TODAY": factories.TODAY} | config)
        app.test_client_class = FreshContextClient
        made.append(app)
        return app

    yield make
    for app in made:
        with app.app_context():
            db.engine.dispose()


def _browser(server):
    """A browser at one address (Flask-Login's strong session protection ties a session to it)."""
    client = server.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.0.0.7"
    return client


def _sign_in(client, user, password="wrong-password-x"):
    return client.post("/sign-in", data={"email": user.email, "password": password})


def _attempts_until_refused(servers, storage_uri) -> list[int]:
    """Two attempts on server A, then two on server B (a new server: a new limiter storage)."""
    limits = {"RATELIMIT_STORAGE_URI": storage_uri, "SIGN_IN_RATE_LIMIT": "3 per minute", "LOCKOUT_THRESHOLD": 100}
    user = factories.make_user(Role.SCRUTINEER)
    db.session.commit()
    server_a = servers("a", **limits)
    statuses = [_sign_in(_browser(server_a), user).status_code for _ in range(2)]
    server_b = servers("b", **limits)
    statuses += [_sign_in(_browser(server_b), user).status_code for _ in range(2)]
    return statuses


@needs_redis
def test_the_sign_in_limit_is_counted_across_servers_in_redis(app, servers, redis_url):
    redis.Redis.from_url(redis_url).flushdb()
    assert _attempts_until_refused(servers, redis_url) == [200, 200, 200, 429]
    keys = redis.Redis.from_url(redis_url).keys("LIMITS:*")
    assert keys, "the count is kept in Redis"


def test_in_memory_the_limit_is_counted_per_server(app, servers):
    """What Redis fixes: each server (each worker) counts on its own, so the limit never bites here."""
    assert _attempts_until_refused(servers, "memory://") == [200, 200, 200, 200]


def test_an_account_locked_on_one_server_is_locked_on_the_other(app, servers):
    user = factories.make_user(Role.SCRUTINEER)
    db.session.commit()
    server_a, server_b = servers("a"), servers("b")
    for _ in range(app.config["LOCKOUT_THRESHOLD"]):
        _sign_in(_browser(server_a), user)
    db.session.refresh(user)
    assert user.locked_until is not None  # locked by server A, in the database
    refused = _sign_in(_browser(server_b), user, password=factories.PASSWORD)
    # Server B refuses the right password, in a wrong password's words (tests/test_auth.py says why).
    assert refused.status_code == 200 and "The email address or password is not right" in refused.get_data(as_text=True)


def test_a_session_ended_on_one_server_is_refused_on_the_other(app, servers):
    user = factories.make_user(Role.SCRUTINEER)
    db.session.commit()
    server_a, server_b = servers("a"), servers("b")
    browser_a = _browser(server_a)
    assert _sign_in(browser_a, user, password=factories.PASSWORD).status_code == 302
    cookie = browser_a.get_cookie("session").value
    browser_b = _browser(server_b)  # the load balancer sends the same browser to server B
    browser_b.set_cookie("session", cookie)
    assert browser_b.get("/").status_code == 200
    stolen = _browser(server_b)  # a copy of the cookie, kept by someone else
    stolen.set_cookie("session", cookie)
    assert browser_a.post("/sign-out").status_code == 302  # "signing out ends every session"
    refused = stolen.get("/")
    assert refused.status_code == 302 and "/sign-in" in refused.headers["Location"]
