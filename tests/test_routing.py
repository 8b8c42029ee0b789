"""Path values are bounded by their converter: an id no table can hold is a 404, never a 500, for
every route of the url_map (not a hand list) and every role."""

import re

import pytest
from flask import url_for

from tracker.routing import MAX_ID
from tracker.users.models import Role

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
