"""The browser tier: the app with demo data served on loopback, driven by Debian's Chromium."""

import os
import shutil
import threading
from datetime import date
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tracker import create_app
from tracker.demo.builder import build_demo
from tracker.extensions import db

BROWSER_TODAY = date(2026, 11, 25)
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = Path(os.environ.get("SCREENSHOT_DIR", Path(__file__).resolve().parents[2] / "test-artifacts"))
#: The app behind `live_server`, for tests that look up ids in its database (read-only).
LIVE: dict = {}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory, migrated_template, postgres_server):
    if postgres_server is not None:
        pytest.skip("the browser tier runs on SQLite")
    folder = tmp_path_factory.mktemp("live")
    shutil.copy(migrated_template.removeprefix("sqlite:///"), folder / "live.sqlite")
    app = create_app({
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'live.sqlite'}",
        "UPLOAD_FOLDER": str(folder / "evidence"),
        "IMPORT_FOLDER": str(folder / "imports"),  # the live server's files in its own folder, not instance/
        "REPORT_FOLDER": str(folder / "reports"),
        "FIXED_TODAY": BROWSER_TODAY,
        "WTF_CSRF_ENABLED": True,
        # Every browser test signs in from 127.0.0.1 against this one server: the per-address limit
        # (tested in tests/test_auth.py) would otherwise refuse the later tests' sign-ins.
        "SIGN_IN_RATE_LIMIT": "10000 per minute",
        # No queue consumer runs beside this server: a board report is generated within its request.
        "REPORTS_QUEUE_IMMEDIATE": True,
        "TESTING": False,
    })
    with app.app_context():
        build_demo(BROWSER_TODAY)
        db.session.commit()
        db.session.remove()
    LIVE["app"] = app
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:  # Playwright gives each launch a fresh, empty profile
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--disable-quic",
        ])
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10000)
    yield page
    context.close()


def sign_in(page, email: str, password: str = "demo-password-2026") -> None:
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.locator("#password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")


def shot(page, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
