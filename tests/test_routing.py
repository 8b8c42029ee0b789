"""Path values are bounded by their converter: an id no table can hold is a 404, never a 500, for
every route of the url_map (not a hand list) and every role."""

import re

import pytest
from flask import url_for

from tracker.users.models import Role
from tracker.web.routing import MAX_ID

PART = re.compile(r"<(?:(\w+)(\(([^)]*)\))?:)?(\w+)>")
HUGE = [str(2**63), "99999999999999999999", str(MAX_ID + 1), "0", "%C2%B2", "-1"]


def _fill(rule: str, number: str) -> str:
    def one(match: re.Match) -> str:
        converter, _, args = match.group(1), match.group(2), match.group(3)
        if converter in ("id", "int"):
            return number
        if converter == "any":
            return args.split(",")[0].strip().strip("'\"")
        return "x"

    return PART.sub(one, rule)


def _numbered_rules(app):
    return sorted((rule for rule in app.url_map.iter_rules()
                   if any(isinstance(c, tuple(app.url_map.converters[n] for n in ("id", "int")))
                          for c in rule._converters.values())), key=lambda r: r.rule)


def test_every_numbered_route_uses_a_bounded_converter(app):
    rules = _numbered_rules(app)
    assert len(rules) > 35
    for rule in rules:
        for converter in rule._converters.values():
            if hasattr(converter, "max"):
                assert converter.max == MAX_ID, rule.rule


@pytest.mark.parametrize("role", list(Role))
def test_an_id_out_of_range_is_a_404_on_every_route_for_every_role(app, client, login_as, role):
    login_as(role)
    checked = 0
    for rule in _numbered_rules(app):
        for number in HUGE:
            url = _fill(rule.rule, number)
            for method in sorted(rule.methods & {"GET", "POST"}):
                response = client.open(url, method=method)
                assert response.status_code == 404, f"{method} {url} as {role}: {response.status_code}"
                checked += 1
    assert checked > 200


def test_the_largest_id_is_an_ordinary_not_found(app, client, login_as):
    login_as(Role.ADMIN)
    for rule in _numbered_rules(app):
        if "GET" in rule.methods:
            response = client.get(_fill(rule.rule, str(MAX_ID)))
            assert response.status_code in (403, 404), rule.rule


def test_urls_are_built_with_the_id_converter(app):
    with app.test_request_context():
        assert url_for("actions.show", action_id=42) == "/actions/42"


HOSTILE_QUERY = {"page": "99999999999999999999", "per_page": "-1", "size": "1e308", "sort": "'; DROP TABLE users;--",
                 "dir": "sideways", "from": "2026-13-45", "to": "0000-00-00", "as_at": "99999-1-1", "date": "²",
                 "review": "99999999999999999999", "agency": "%00", "theme": "-1", "status": "\x00", "q": "x" * 5000,
                 "role": "<script>", "type": "ℌ", "year": "1e9", "action_id": "99999999999999999999"}


@pytest.mark.parametrize("role", [Role.ADMIN, Role.AGENCY_LEAD])
def test_hostile_query_strings_on_every_page_are_never_a_server_error(app, client, login_as, role):
    """Every GET page without path values, with page numbers, sizes, dates and sort keys out of
    range: a page, a 400 or a 404, never a 5xx."""
    app.config["PROPAGATE_TEST_ERRORS"] = False
    login_as(role)
    checked = 0
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.arguments or "GET" not in rule.methods or rule.endpoint in ("static", "auth.logout"):
            continue
        response = client.get(rule.rule, query_string=HOSTILE_QUERY)
        assert response.status_code < 500, f"{rule.rule}: {response.status_code}"
        checked += 1
    assert checked > 20
