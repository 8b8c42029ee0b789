"""Changing how an account signs in (the second factor, the password) needs the password again within
the last few minutes, and the owner is told by email."""

import re
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
import time_machine

from tests.factories import PASSWORD, make_user
from tests.smtp_server import SMTPServer
from tracker.auth import reauth
from tracker.extensions import db
from tracker.users.models import Role, User


@pytest.fixture
def smtp(app, tmp_path):
    with SMTPServer(tmp_path) as server:
        app.config.update(server.config())
        yield server


@pytest.fixture
def lead(client, login_as):
    return login_as(Role.AGENCY_LEAD)


def _secret(page: str) -> str:
    return re.search(r"secret=([A-Z2-7]+)", page).group(1)


def test_the_second_factor_cannot_be_set_up_without_the_password_again(client, lead):
    response = client.get("/account/two-step")
    assert response.status_code == 302
    assert response.location == "/account/confirm-password?next=/account/two-step"
    page = client.get(response.location).get_data(as_text=True)
    assert "Confirm your password" in page and 'autocomplete="current-password"' in page
    wrong = client.post(response.location, data={"password": "not-my-password"})
    assert wrong.status_code == 422 and "Your password is not right" in wrong.get_data(as_text=True)
    assert client.get("/account/two-step").status_code == 302  # still not confirmed
    right = client.post(response.location, data={"password": PASSWORD})
    assert right.status_code == 302 and right.location == "/account/two-step"
    assert client.get("/account/two-step").status_code == 200


#: A fixed moment for the tests that move the clock past the confirmation's few minutes.
MOMENT = datetime(2026, 3, 9, 10, 0, tzinfo=UTC)


def test_a_confirmation_lasts_a_few_minutes_only(client, login_as):
    with time_machine.travel(MOMENT, tick=False) as clock:
        login_as(Role.AGENCY_LEAD)
        client.post("/account/confirm-password", data={"password": PASSWORD})
        clock.shift(timedelta(minutes=reauth.minutes() - 1))
        assert client.get("/account/two-step").status_code == 200
        clock.shift(timedelta(minutes=2))
        assert client.get("/account/two-step").status_code == 302


def test_wrong_confirmations_count_towards_the_lock(client, lead):
    for _ in range(5):
        client.post("/account/confirm-password", data={"password": "guess-guess-guess"})
    assert client.post("/account/confirm-password", data={"password": PASSWORD}).status_code == 422
    assert db.session.get(User, lead.id).locked_until is not None


def test_new_recovery_codes_need_the_password_again(client, login_as, smtp):
    user = make_user(Role.AGENCY_LEAD)
    db.session.commit()
    login_as(user.role, user=user)
    client.post("/account/confirm-password", data={"password": PASSWORD})
    secret = _secret(client.get("/account/two-step").get_data(as_text=True))
    client.post("/account/two-step", data={"code": pyotp.TOTP(secret).now()})
    assert [m["Subject"] for m in smtp.inbox.to(user.email)] == ["Your Follow Through second factor was changed"]
    codes_before = list(db.session.get(User, user.id).recovery_codes)
    with time_machine.travel(timedelta(minutes=reauth.minutes() + 5)):  # relative to the moment now
        response = client.post("/account/recovery-codes")
    assert response.status_code == 302 and response.location.startswith("/account/confirm-password")
    assert db.session.get(User, user.id).recovery_codes == codes_before
    assert len(smtp.inbox.to(user.email)) == 1


def test_a_password_change_asks_for_the_current_one_and_tells_the_owner(client, lead, smtp):
    response = client.post("/account/password", data={"current_password": PASSWORD,
                                                      "password": "a brand new passphrase 2026",
                                                      "confirm": "a brand new passphrase 2026"})
    assert response.status_code == 302
    [notice] = smtp.inbox.to(lead.email)
    assert notice["Subject"] == "Your Follow Through password was changed"
    assert "If this was not you" in notice.get_content()


def test_changing_an_email_address_needs_the_password_again_and_tells_both_addresses(client, login_as, smtp):
    target = make_user(Role.BOARD_MEMBER, email="old.address@example.org", name="Bryn")
    db.session.commit()
    login_as(Role.ADMIN)
    form = {"name": "Bryn", "email": "new.address@example.org", "role": "board_member", "active": "y"}
    response = client.post(f"/admin/users/{target.id}", data=form)
    assert response.status_code == 302
    assert response.location == f"/account/confirm-password?next=/admin/users/{target.id}"
    assert db.session.get(User, target.id).email == "old.address@example.org"
    assert client.post(response.location, data={"password": PASSWORD}).location == f"/admin/users/{target.id}"
    assert client.post(f"/admin/users/{target.id}", data=form).status_code == 302
    assert db.session.get(User, target.id).email == "new.address@example.org"
    for address in ("new.address@example.org", "old.address@example.org"):
        [notice] = smtp.inbox.to(address)
        assert notice["Subject"] == "Your Follow Through email address was changed"


def test_other_changes_to_an_account_need_no_confirmation(client, login_as):
    target = make_user(Role.BOARD_MEMBER, email="same@example.org", name="Bryn")
    db.session.commit()
    login_as(Role.ADMIN)
    response = client.post(f"/admin/users/{target.id}", data={"name": "Bryn Jones", "email": "SAME@example.org",
                                                               "role": "board_member", "active": "y"})
    assert response.status_code == 302 and response.location == "/admin/users"
    assert db.session.get(User, target.id).name == "Bryn Jones"
