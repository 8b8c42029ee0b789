"""The second factor: TOTP codes with recovery codes, required for admins and the business unit (or
for everyone, by a setting), available to everyone; demo accounts see their current code."""

import re
from datetime import timedelta

import pyotp
import pytest

from tests.factories import PASSWORD, make_user
from tracker import config as config_module
from tracker.auth import services
from tracker.core.models_base import utcnow
from tracker.demo.accounts import DEMO_PASSWORD
from tracker.extensions import db
from tracker.users.models import Role, User


@pytest.fixture
def required(app):
    app.config["TOTP_REQUIRED_ROLES"] = config_module.Config.TOTP_REQUIRED_ROLES
    return app


def _sign_in(client, user, password=PASSWORD):
    return client.post("/sign-in", data={"email": user.email, "password": password})


def _secret(page: str) -> str:
    return re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")


def _enrol(client, user, password=PASSWORD) -> tuple[str, list[str]]:
    response = _sign_in(client, user, password)
    assert response.headers["Location"] == "/sign-in/set-up-code"
    secret = _secret(client.get("/sign-in/set-up-code").get_data(as_text=True))
    page = client.post("/sign-in/set-up-code", data={"code": pyotp.TOTP(secret).now()}).get_data(as_text=True)
    codes = re.findall(r'<code class="app-code">([0-9a-f]{6}-[0-9a-f]{6})</code>', page)
    return secret, codes


def test_production_requires_it_for_admins_and_the_business_unit():
    assert set(config_module.Config.TOTP_REQUIRED_ROLES) == {"admin", "business_unit"}
    assert config_module.Config.TOTP_REQUIRED_FOR_ALL is False


def test_an_admin_sets_it_up_at_first_sign_in_then_needs_a_code(required, client):
    admin = make_user(Role.ADMIN)
    db.session.commit()
    response = _sign_in(client, admin)
    assert response.headers["Location"] == "/sign-in/set-up-code"
    assert client.get("/").status_code == 302  # not signed in until the code is set up
    page = client.get("/sign-in/set-up-code").get_data(as_text=True)
    secret = _secret(page)
    assert "otpauth://totp/" in page and "data-demo-code" not in page
    wrong = client.post("/sign-in/set-up-code", data={"code": "000000"})
    assert wrong.status_code == 422 and "The code is not right" in wrong.get_data(as_text=True)
    page = client.post("/sign-in/set-up-code", data={"code": pyotp.TOTP(secret).now()}).get_data(as_text=True)
    codes = re.findall(r'<code class="app-code">([0-9a-f]{6}-[0-9a-f]{6})</code>', page)
    assert len(codes) == 10 and "Two-step sign-in is on" in page
    assert client.get("/").status_code == 200
    stored = db.session.get(User, admin.id)
    assert stored.has_totp and codes[0] not in str(stored.recovery_codes)  # only hashes are kept

    client.post("/sign-out")
    assert _sign_in(client, admin).headers["Location"] == "/sign-in/code"
    assert client.get("/").status_code == 302
    bad = client.post("/sign-in/code", data={"code": "123456"})
    assert bad.status_code == 422 and "The code is not right" in bad.get_data(as_text=True)
    # The code used at set-up cannot be used again (no replay); the next one can.
    later = utcnow() + timedelta(seconds=30)
    assert client.post("/sign-in/code", data={"code": pyotp.TOTP(secret).at(later)}).status_code == 302
    assert client.get("/").status_code == 200


def test_a_used_code_cannot_be_replayed(required, client):
    admin = make_user(Role.BUSINESS_UNIT)
    db.session.commit()
    secret, _ = _enrol(client, admin)
    client.post("/sign-out")
    _sign_in(client, admin)
    code = pyotp.TOTP(secret).now()  # the same step as the set-up code
    response = client.post("/sign-in/code", data={"code": code})
    assert response.status_code == 422


def test_recovery_codes_work_once(required, client):
    admin = make_user(Role.ADMIN)
    db.session.commit()
    _, codes = _enrol(client, admin)
    client.post("/sign-out")
    _sign_in(client, admin)
    assert client.post("/sign-in/code", data={"code": codes[3].upper()}).status_code == 302
    client.post("/sign-out")
    _sign_in(client, admin)
    assert client.post("/sign-in/code", data={"code": codes[3]}).status_code == 422
    assert len(db.session.get(User, admin.id).recovery_codes) == 9


def test_wrong_codes_lock_the_account_too(required, client):
    admin = make_user(Role.ADMIN)
    db.session.commit()
    _enrol(client, admin)
    client.post("/sign-out")
    _sign_in(client, admin)
    for _ in range(5):
        response = client.post("/sign-in/code", data={"code": "999999"})
    assert "locked for a short time" in response.get_data(as_text=True)
    assert _sign_in(client, admin).status_code == 200  # even the password is refused now


def test_agency_leads_may_choose_it_and_a_setting_requires_it_for_all(required, client, app):
    lead = make_user(Role.AGENCY_LEAD)
    db.session.commit()
    assert _sign_in(client, lead).headers["Location"] == "/"  # not required for a lead
    assert client.post("/account/confirm-password", data={"password": PASSWORD}).status_code == 302
    page = client.get("/account/two-step").get_data(as_text=True)
    secret = _secret(page)
    page = client.post("/account/two-step", data={"code": pyotp.TOTP(secret).now()}).get_data(as_text=True)
    assert "Two-step sign-in is on" in page
    assert db.session.get(User, lead.id).has_totp
    client.post("/sign-out")
    assert _sign_in(client, lead).headers["Location"] == "/sign-in/code"

    app.config["TOTP_REQUIRED_FOR_ALL"] = True
    board = make_user(Role.BOARD_MEMBER)
    db.session.commit()
    other = app.test_client()
    assert _sign_in(other, board).headers["Location"] == "/sign-in/set-up-code"


def test_new_recovery_codes_replace_the_old(required, client):
    admin = make_user(Role.ADMIN)
    db.session.commit()
    _, old = _enrol(client, admin)
    assert client.post("/account/confirm-password", data={"password": PASSWORD}).status_code == 302
    page = client.post("/account/recovery-codes").get_data(as_text=True)
    new = re.findall(r'<code class="app-code">([0-9a-f]{6}-[0-9a-f]{6})</code>', page)
    assert len(new) == 10 and not set(new) & set(old)


def test_the_sign_in_step_expires(required, client, monkeypatch):
    admin = make_user(Role.ADMIN)
    db.session.commit()
    _sign_in(client, admin)
    import time

    real = time.time
    monkeypatch.setattr("tracker.auth.views.time.time", lambda: real() + 6 * 60)
    response = client.get("/sign-in/set-up-code")
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in"


def test_demo_accounts_show_their_current_code(required, client):
    """In demo mode, the published demo accounts (demo password) show the code on screen, so the demo
    works without an authenticator app; any other account never does."""
    required.config["DEMO_MODE"] = True
    admin = make_user(Role.ADMIN, email="admin@example.org")
    admin.set_password(DEMO_PASSWORD)
    db.session.commit()
    _sign_in(client, admin, DEMO_PASSWORD)
    page = client.get("/sign-in/set-up-code").get_data(as_text=True)
    code = re.search(r'data-demo-code="(\d{6})"', page).group(1)
    assert client.post("/sign-in/set-up-code", data={"code": code}).status_code == 200
    assert client.get("/").status_code == 200
    client.post("/sign-out")
    _sign_in(client, admin, DEMO_PASSWORD)
    page = client.get("/sign-in/code").get_data(as_text=True)
    assert re.search(r'data-demo-code="(\d{6})"', page)


def test_services_check_codes_with_one_step_of_drift(app):
    user = make_user(Role.ADMIN)
    secret = services.new_totp_secret()
    services.enable_totp(user, secret, pyotp.TOTP(secret).now())
    past = pyotp.TOTP(secret).at(utcnow() - timedelta(seconds=90))
    assert services.check_second_factor(user, past).user is None
