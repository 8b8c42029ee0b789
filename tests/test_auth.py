"""Sessions and sign-in: throttling, lockout, password rules, cookie flags, a new session at sign-in,
revocation everywhere, idle and absolute timeouts with the warning, CSRF lifetime, safe `next`."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.factories import PASSWORD, make_user
from tests.smtp_server import SMTPServer
from tracker import config as config_module
from tracker.audit.models import AuditRecord
from tracker.auth import sessions
from tracker.core.models_base import utcnow
from tracker.extensions import db
from tracker.users.models import Role, User


def _sign_in(client, user, password=PASSWORD, **kwargs):
    return client.post("/sign-in", data={"email": user.email, "password": password}, **kwargs)


def _events(user) -> list[str]:
    return list(db.session.scalars(select(AuditRecord.event).where(AuditRecord.object_type == "User",
                                                                     AuditRecord.object_id == user.id)
                                   .order_by(AuditRecord.id)))


class Clock:
    """Moves time.time() as tracker.auth.sessions sees it."""

    def __init__(self, monkeypatch):
        import time

        self.offset = 0.0
        real = time.time
        monkeypatch.setattr(sessions.time, "time", lambda: real() + self.offset)

    def advance(self, **delta):
        self.offset += timedelta(**delta).total_seconds()


# --- throttling and lockout ---------------------------------------------------------------------------


def test_repeated_failures_lock_the_account_for_a_while(app, client, monkeypatch, tmp_path):
    user = make_user(Role.AGENCY_LEAD)
    db.session.commit()
    with SMTPServer(tmp_path) as smtp:
        app.config.update(smtp.config())
        for _ in range(4):
            page = _sign_in(client, user, "wrong-password-x").get_data(as_text=True)
            assert "The email address or password is not right" in page
        assert smtp.inbox.to(user.email) == []
        locking = _sign_in(client, user, "wrong-password-x").get_data(as_text=True)
        # Even the right password is refused while the lock lasts, in the words of a wrong password:
        # the page tells nobody the account exists and is locked; its owner is told by email.
        right = _sign_in(client, user)
        [notice] = smtp.inbox.to(user.email)
    assert "locked for 15 minutes" in notice.get_content() and "locked" in notice["Subject"]
    assert right.status_code == 200
    for page in (locking, right.get_data(as_text=True)):
        assert "The email address or password is not right" in page and "locked" not in page
    assert {"sign_in_failed", "account_locked"} <= set(_events(user))
    # Once the lock has passed, the right password works again.
    from tracker.auth import services

    later = utcnow() + timedelta(minutes=16)
    monkeypatch.setattr(services, "utcnow", lambda: later)
    assert _sign_in(client, user).status_code == 302


def test_an_administrator_reset_lifts_the_lock(app, client):
    from tracker.users.services import reset_password

    user = make_user(Role.BOARD_MEMBER)
    user.locked_until = utcnow() + timedelta(minutes=10)
    reset_password(user, "a-fresh-start-password")
    db.session.commit()
    assert _sign_in(client, user, "a-fresh-start-password").status_code == 302


def test_sign_in_is_rate_limited_per_address(app, client):
    app.config["SIGN_IN_RATE_LIMIT"] = "3 per minute"
    user = make_user(Role.SCRUTINEER)
    db.session.commit()
    for _ in range(3):
        assert _sign_in(client, user, "wrong-password-x").status_code == 200
    refused = _sign_in(client, user)
    assert refused.status_code == 429 and "too many attempts" in refused.get_data(as_text=True)
    # Another address is not held back by this one.
    other = app.test_client()
    assert _sign_in(other, user, environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code == 302


# --- passwords -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("password, message", [
    ("short-pass", "at least 12 characters"),
    ("password1234", "one of the most common passwords"),
    ("qwertyuiop123", "too easy to guess"),
    ("iloveyou2024!", "too easy to guess"),
])
def test_weak_passwords_are_refused(app, client, login_as, password, message):
    user = login_as(Role.AGENCY_LEAD)
    response = client.post("/account/password", data={"current_password": PASSWORD, "password": password,
                                                       "confirm": password})
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert db.session.get(User, user.id).check_password(PASSWORD)


def test_changing_the_password_ends_every_other_session(app, client, login_as):
    user = login_as(Role.AGENCY_LEAD)
    other = app.test_client()
    assert _sign_in(other, user).status_code == 302
    wrong = client.post("/account/password", data={"current_password": "not-my-password", "password":
                                                   "three-unrelated-words-here", "confirm": "three-unrelated-words-here"})
    assert wrong.status_code == 422 and "current password is not right" in wrong.get_data(as_text=True)
    response = client.post("/account/password", data={"current_password": PASSWORD, "password":
                                                      "three-unrelated-words-here",
                                                      "confirm": "three-unrelated-words-here"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200  # this session goes on
    assert other.get("/").status_code == 302  # the other one has ended
    assert "password_changed" in _events(user)


# --- the session ---------------------------------------------------------------------------------------


def test_the_session_cookie_flags(app, client):
    user = make_user(Role.BOARD_MEMBER)
    db.session.commit()
    cookie = _sign_in(client, user).headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    secure = app.test_client()
    cookie = secure.post("/sign-in", data={"email": user.email, "password": PASSWORD},
                         base_url="https://tracker.example.org").headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie


def test_a_new_session_at_sign_in(app, client):
    user = make_user(Role.BOARD_MEMBER)
    db.session.commit()
    with client.session_transaction() as planted:  # e.g. a session fixed by an attacker
        planted["sid"] = "attackers-choice"
        planted["planted"] = True
    _sign_in(client, user)
    with client.session_transaction() as session:
        assert session["sid"] != "attackers-choice" and "planted" not in session


def test_signing_out_ends_every_session_of_the_user(app, client, login_as):
    user = login_as(Role.AGENCY_LEAD)
    other = app.test_client()
    _sign_in(other, user)
    assert other.get("/").status_code == 200
    assert client.post("/sign-out").status_code == 302
    assert client.get("/").status_code == 302 and other.get("/").status_code == 302
    assert "sign_out" in _events(user)


def test_disabling_an_account_ends_its_sessions(app, client, login_as):
    user = login_as(Role.AGENCY_LEAD)
    from tracker.users.services import update_user

    admin = make_user(Role.ADMIN)
    update_user(user, email=user.email, name=user.name, role=user.role, agency=user.agency, active=False, by=admin)
    db.session.commit()
    assert client.get("/").status_code == 302


def test_idle_timeout_signs_out_and_activity_or_keep_alive_extends(app, client, login_as, monkeypatch):
    clock = Clock(monkeypatch)
    login_as(Role.BOARD_MEMBER)
    clock.advance(minutes=25)
    assert client.get("/").status_code == 200
    clock.advance(minutes=25)  # 50 minutes after sign-in, but only 25 idle
    assert client.post("/session/keep-alive").get_json() == {"idle_seconds": 1800}
    clock.advance(minutes=29)
    assert client.get("/").status_code == 200
    clock.advance(minutes=31)
    response = client.get("/actions/?status=open")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "had not used Follow Through for 30 minutes" in page
    assert client.get("/").status_code == 302


def test_the_idle_timeout_is_a_setting(app, client, login_as, monkeypatch):
    app.config["IDLE_TIMEOUT_MINUTES"] = 5
    clock = Clock(monkeypatch)
    login_as(Role.BOARD_MEMBER)
    clock.advance(minutes=6)
    assert client.get("/").status_code == 302


def test_absolute_limit_of_twelve_hours(app, client, login_as, monkeypatch):
    clock = Clock(monkeypatch)
    login_as(Role.BOARD_MEMBER)
    for _ in range(35):  # active every 20 minutes for 11h40m
        clock.advance(minutes=20)
        assert client.get("/").status_code == 200
    clock.advance(minutes=25)
    response = client.get("/")
    assert response.status_code == 302
    assert "more than 12 hours ago" in client.get("/sign-in").get_data(as_text=True)


def test_the_timeout_warning_is_on_every_signed_in_page(app, client, login_as):
    assert 'id="session-timeout"' not in client.get("/sign-in").get_data(as_text=True)
    login_as(Role.BOARD_MEMBER)
    response = client.get("/")
    page = response.get_data(as_text=True)
    assert 'data-idle-seconds="1800"' in page and 'data-warning-seconds="120"' in page
    assert "Stay signed in" in page and 'data-keep-alive-url="/session/keep-alive"' in page
    nonce = response.headers["Content-Security-Policy"].split("'nonce-", 1)[1].split("'", 1)[0]
    assert f'session-timeout.js" nonce="{nonce}"' in page
    static = client.get("/static/session-timeout.js")
    script = static.get_data(as_text=True)
    static.close()
    assert "showModal" in script and "X-CSRFToken" in script


def test_the_csrf_token_outlives_the_idle_timeout(app, monkeypatch):
    """A lead who spends 40 minutes on a narrative can still save it."""
    import flask_wtf.csrf as csrf

    assert config_module.Config.WTF_CSRF_TIME_LIMIT >= config_module.Config.IDLE_TIMEOUT_MINUTES * 60
    assert config_module.Config.WTF_CSRF_TIME_LIMIT >= config_module.Config.ABSOLUTE_TIMEOUT_HOURS * 3600
    app.config.update(WTF_CSRF_ENABLED=True, WTF_CSRF_TIME_LIMIT=config_module.Config.WTF_CSRF_TIME_LIMIT)
    import time

    from itsdangerous.timed import TimestampSigner

    with app.test_request_context():
        token = csrf.generate_csrf()
        monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time() + 40 * 60))
        csrf.validate_csrf(token)  # no error: 40 minutes later the token is still good
        monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time() + 13 * 3600))
        with pytest.raises(csrf.ValidationError):
            csrf.validate_csrf(token)
    app.config["IDLE_TIMEOUT_MINUTES"] = 60
    app.config["WTF_CSRF_TIME_LIMIT"] = 600
    config_module.check(app)
    assert app.config["WTF_CSRF_TIME_LIMIT"] >= 3600


def test_posts_without_a_csrf_token_are_refused_everywhere_in_auth(app, client, login_as):
    login_as(Role.BOARD_MEMBER)
    app.config["WTF_CSRF_ENABLED"] = True
    for url in ("/session/keep-alive", "/sign-out", "/account/password", "/account/two-step"):
        assert client.post(url, data={}).status_code == 400, url


@pytest.mark.parametrize("target", [
    "//evil.example/", "https://evil.example/", "http:evil.example", "/\\evil.example", "\\\\evil.example",
    "javascript:alert(1)", "/%0d%0aSet-Cookie:x=y", "/\r\nLocation: https://evil.example", " //evil.example",
    "evil.example/path", "https:/evil.example",
])
def test_next_never_leaves_the_site(app, client, target):
    user = make_user(Role.BOARD_MEMBER)
    db.session.commit()
    response = client.post("/sign-in", query_string={"next": target},
                           data={"email": user.email, "password": PASSWORD})
    location = response.headers["Location"]
    assert response.status_code == 302
    assert location == "/" or (location.startswith("/") and not location.startswith("//")
                               and "evil" not in location.split("?")[0].split("/")[1])


def test_next_keeps_a_path_on_the_site(app, client):
    user = make_user(Role.BOARD_MEMBER)
    db.session.commit()
    response = client.post("/sign-in", query_string={"next": "/actions/?status=open"},
                           data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/actions/?status=open"


# --- headers -------------------------------------------------------------------------------------------


def test_security_headers(app, client):
    response = client.get("/sign-in")
    csp = response.headers["Content-Security-Policy"]
    script_src = next(part for part in csp.split(";") if part.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src and "'nonce-" in script_src
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] in ("same-origin", "no-referrer", "strict-origin")
    assert "Strict-Transport-Security" not in response.headers
    secure = client.get("/sign-in", base_url="https://tracker.example.org")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")
    assert "Secure" in client.get("/sign-in", base_url="https://tracker.example.org").headers.get(
        "Set-Cookie", "Secure")


def test_the_account_page_for_every_role(app, client, login_as):
    for role in Role:
        login_as(role)
        page = client.get("/account").get_data(as_text=True)
        assert "Change" in page and "Two-step sign-in" in page
        client.post("/sign-out")


# --- the same answer whether or not the account exists ------------------------------------------------


def _median_seconds(client, emails: list[str], runs: int) -> list[float]:
    """The median time of a refused sign-in as each of `emails`, measured in turns (one of each, `runs`
    times), so a change in the machine's load while measuring weighs on every email alike."""
    import statistics
    import time

    times = {email: [] for email in emails}
    for _ in range(runs):
        for email in emails:
            started = time.perf_counter()
            response = client.post("/sign-in", data={"email": email, "password": "not-the-password-1"})
            times[email].append(time.perf_counter() - started)
            assert "The email address or password is not right" in response.get_data(as_text=True)
    return [statistics.median(times[email]) for email in emails]


def test_an_unknown_email_costs_the_same_work_as_a_known_one(app, client):
    app.config.update(LOCKOUT_THRESHOLD=10_000, SIGN_IN_RATE_LIMIT="10000 per minute")
    user = make_user(Role.BUSINESS_UNIT)
    user.set_password("the real password for timing")  # the production method and cost, not the factory's
    db.session.commit()
    _median_seconds(client, [user.email, "nobody@example.org"], 2)  # warm up: the dummy hash is made once, on first use
    known, unknown = _median_seconds(client, [user.email, "nobody-at-all@example.org"], 15)
    assert 0.6 < unknown / known < 1.67, (known, unknown)
