"""Bad input: hypothesis drives every form in the app (each state-changing route of the permission
matrix, and the search forms) with random and hostile values. The app never answers 500 and never
renders what was typed as markup."""

import re

import pytest
from flask import url_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import test_permissions
from tests.factories import PASSWORD
from tests.test_permissions import MATRIX, _methods
from tracker.users.models import Role

SCRIPT = '<script>alert("fz")</script>'
TAG = "<b data-fz>x</b>"
HOSTILE = [
    SCRIPT, TAG, '"><img src=x onerror=alert(1)>', "javascript:alert(1)", "{{ 7 * 7 }}", "' OR 1=1 --",
    "\u202e\u0000\u0007\u001b[31m", "𝕳𝖊𝖑𝖑𝖔 \U0001f600 \u0301\u0301", "x" * 100_000, "-1", "-99999999999999999999",
    "99999999999999999999999", "1e309", "NaN", "0", "31", "2", "2025", "0000", "9999", "30", "02", "13", "",
    " ", "\r\n", "%00", "../../etc/passwd", "admin@example.org", "correct-horse-battery", "\ufeff", "\ud800",
]
VALUES = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=300), st.integers().map(str),
                   st.lists(st.sampled_from(HOSTILE), min_size=1, max_size=3).map("".join))
FIELD = re.compile(r'<(?:input|textarea|select)\b[^>]*\bname="([^"]+)"', re.I)
# The permission matrix's World, copied for each test from one built once per worker and state.
starting_records, world = test_permissions.starting_records, test_permissions.world


def _form_routes():
    """Every route of the matrix that takes a POST, except sign-out (it takes no fields)."""
    from tracker import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    return sorted(e for e in MATRIX if e != "auth.logout"
                  and "POST" in next(r for r in app.url_map.iter_rules() if r.endpoint == e).methods)


def _role(rule) -> Role:
    return Role.ADMIN if rule.kind in ("admin", "staff", "staff_action", "public") else Role.BUSINESS_UNIT


def _check(response):
    body = response.get_data(as_text=True)
    response.close()
    assert response.status_code < 500, body[:500]
    assert SCRIPT not in body and TAG not in body, "user text rendered as markup"


def _payload(data, names):
    out = {}
    for name in names:
        value = data.draw(VALUES, label=name).replace("\ud800", "")
        out.setdefault(name, []).append(value)
    return out


@pytest.mark.parametrize("endpoint", _form_routes())
@settings(max_examples=6, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_every_form_survives_hostile_input(app, client, world, endpoint, data):
    rule = MATRIX[endpoint]
    if not hasattr(app, "_fuzz_world"):
        app._fuzz_world = world
        user = app._fuzz_world.users[_role(rule)]
        if endpoint.startswith("auth."):
            user = app._fuzz_world.users[Role.BOARD_MEMBER]
        if endpoint != "auth.login":  # the sign-in form is fuzzed signed out
            client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
        with app.test_request_context():
            app._fuzz_url = url_for(endpoint, **rule.args(app._fuzz_world, "own"))
        page = client.get(app._fuzz_url) if "GET" in _methods(app, endpoint) else None
        names = FIELD.findall(page.get_data(as_text=True)) if page is not None and page.status_code == 200 else []
        app._fuzz_names = [n for n in names if n != "csrf_token"] or ["code", "name", "text"]
    _check(client.post(app._fuzz_url, data=_payload(data, app._fuzz_names)))


SEARCHES = ["/actions/", "/reviews/", "/themes/", "/library/", "/admin/users", "/admin/audit", "/actions/queue"]


@pytest.mark.parametrize("path", SEARCHES)
@settings(max_examples=8, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_search_and_filter_forms_survive_hostile_input(app, client, login_as, path, data):
    if not hasattr(app, "_fuzz_signed_in"):
        login_as(Role.ADMIN)
        app._fuzz_signed_in = True
        page = client.get(path)
        app._fuzz_names = sorted(set(FIELD.findall(page.get_data(as_text=True)))) or ["q"]
        page.close()
    names = app._fuzz_names + ["page", "sort", "direction", "per_page"]
    query = {k: v[0][:2000] for k, v in _payload(data, names).items()}
    _check(client.get(path, query_string=query))
