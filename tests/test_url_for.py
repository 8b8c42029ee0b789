"""The templates' remembering url_for (tracker/web/filters.py, `cached_url_for`) gives exactly the
URLs Flask's own url_for gives, for every endpoint of the app: if an upgrade of Flask or Werkzeug made
a URL depend on anything the cache does not key on, this fails."""

import re

import flask
import pytest
from flask import render_template_string

ARGUMENT = re.compile(r"<(?:(?P<converter>\w+)(?:\((?P<options>[^)]*)\))?:)?(?P<name>\w+)>")
SAMPLES = {"int": 7, "id": 7, "path": "folder/file name.pdf", "default": "some value/ü", "string": "some value/ü"}


def _sample_values(rule) -> dict:
    values = {}
    for match in ARGUMENT.finditer(rule.rule):
        converter = match["converter"] or "default"
        if converter == "any":
            values[match["name"]] = match["options"].split(",")[0].strip().strip("'\"")
        else:
            values[match["name"]] = SAMPLES[converter]
    return values


def _calls(app) -> list[tuple[str, dict]]:
    calls = []
    for rule in app.url_map.iter_rules():
        values = _sample_values(rule)
        calls.append((rule.endpoint, values))
        calls.append((rule.endpoint, {**values, "page": 3, "q": "a&b c"}))  # query arguments too
    return calls


@pytest.mark.parametrize("path", ["/", "/reviews/", "/actions/7"])
def test_every_endpoint_gives_flasks_own_url(app, path):
    calls = _calls(app)
    assert len(calls) > 100  # every route of the app, not an empty map
    cached = app.jinja_env.globals["url_for"]
    assert cached is not flask.url_for
    with app.test_request_context(path):
        expected = [flask.url_for(endpoint, **values) for endpoint, values in calls]
        for attempt in ("built", "remembered"):
            assert [cached(endpoint, **values) for endpoint, values in calls] == expected, attempt


def test_relative_endpoints_follow_the_current_blueprint_and_the_application_root(app):
    cached = app.jinja_env.globals["url_for"]
    for path, root in (("/reviews/", ""), ("/actions/", ""), ("/reviews/", "/tracker")):
        with app.test_request_context(path, base_url=f"http://localhost{root}"):
            assert cached(".index") == flask.url_for(".index")
            assert cached(".index").startswith(root + "/")
            assert cached("static", filename="app.css") == flask.url_for("static", filename="app.css")


def test_templates_use_the_remembering_url_for(app):
    with app.test_request_context("/reviews/"):
        assert render_template_string("{{ url_for is sameas check }}", check=app.jinja_env.globals["url_for"]) == "True"
        assert render_template_string("{{ url_for('themes.show', theme_id=7) }}") == "/themes/7"
