"""Demo mode (DEMO_MODE, off by default; `make run` turns it on): only then does the sign-in page list
the published demo accounts and do those accounts see their current second-factor code on screen."""

import re
from pathlib import Path

import pytest
from flask import Flask

from tests.factories import make_user
from tracker import config as config_module
from tracker.demo.accounts import DEMO_PASSWORD
from tracker.extensions import db
from tracker.users.models import Role


@pytest.fixture
def demo_admin(app):
    """The published demo administrator, with the published password, who must set up a second factor."""
    app.config["TOTP_REQUIRED_ROLES"] = config_module.Config.TOTP_REQUIRED_ROLES
    admin = make_user(Role.ADMIN, email="admin@example.org")
    admin.set_password(DEMO_PASSWORD)
    make_user(Role.BOARD_MEMBER, email="board@example.org")
    db.session.commit()
    return admin


def _sign_in(client, email, password=DEMO_PASSWORD):
    return client.post("/sign-in", data={"email": email, "password": password})


def test_demo_mode_is_off_by_default_and_make_run_turns_it_on():
    assert config_module.Config.DEMO_MODE is False
    makefile = (Path(__file__).resolve().parent.parent / "Makefile").read_text()
    assert "TRACKER_DEMO_MODE=1 $(BIN)/flask run" in makefile


@pytest.mark.parametrize(("value", "expected"), [("1", True), ("yes", True), ("0", False), ("", False)])
def test_the_environment_sets_demo_mode(tmp_path, monkeypatch, value, expected):
    monkeypatch.setenv("TRACKER_DEMO_MODE", value)
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    app = Flask(__name__, instance_path=str(tmp_path))
    app.config.from_object(config_module.Config)
    config_module.load_environment(app)
    assert app.config["DEMO_MODE"] is expected


def test_the_sign_in_page_lists_the_demo_accounts_only_in_demo_mode(app, client, demo_admin):
    page = client.get("/sign-in").get_data(as_text=True)
    assert "data-demo-accounts" not in page and DEMO_PASSWORD not in page

    app.config["DEMO_MODE"] = True
    page = client.get("/sign-in").get_data(as_text=True)
    box = page[page.index("data-demo-accounts"):]
    box = box[:box.index("</div>")]
    assert DEMO_PASSWORD in box
    assert "admin@example.org</strong>: Administrator" in box
    assert "board@example.org</strong>: Board member" in box
    # Published accounts that were never created here are not offered.
    assert "police.lead@example.org" not in box


def test_demo_mode_with_no_demo_accounts_shows_no_list(app, client):
    app.config["DEMO_MODE"] = True
    assert "data-demo-accounts" not in client.get("/sign-in").get_data(as_text=True)


def test_without_demo_mode_a_demo_account_never_sees_its_code(client, demo_admin):
    response = _sign_in(client, "admin@example.org")
    assert response.headers["Location"] == "/sign-in/set-up-code"
    page = client.get("/sign-in/set-up-code").get_data(as_text=True)
    assert "data-demo-code" not in page
    assert "This is a demo account" not in page


def test_in_demo_mode_a_demo_account_sees_its_code(app, client, demo_admin):
    app.config["DEMO_MODE"] = True
    _sign_in(client, "admin@example.org")
    page = client.get("/sign-in/set-up-code").get_data(as_text=True)
    assert re.search(r'data-demo-code="(\d{6})"', page)


def test_in_demo_mode_another_password_shows_no_code(app, client, demo_admin):
    """An administrator who changed the demo account's password has a real account: no code on screen."""
    app.config["DEMO_MODE"] = True
    demo_admin.set_password("a-private-password-2026")
    db.session.commit()
    _sign_in(client, "admin@example.org", "a-private-password-2026")
    assert "data-demo-code" not in client.get("/sign-in/set-up-code").get_data(as_text=True)
