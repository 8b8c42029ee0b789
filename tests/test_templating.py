"""The templates' environment (tracker/web/templating.py) keeps each template's globals as one dict, not
Jinja's ChainMap, so that an import of macros finds its cached module without a lookup per name. These
tests fail if that trick loses a global or stops saving the work it is there to save."""

from flask import render_template_string
from jinja2 import Template

from tracker.web.templating import Environment


def test_the_app_uses_the_environment_whose_globals_are_plain_dicts(app):
    assert isinstance(app.jinja_env, Environment)
    template = app.jinja_env.get_template("base.html")
    assert type(template.globals) is dict


def test_every_template_sees_every_global_the_environment_has(app, client):
    """All globals are added while the app is created: a page's templates, loaded by a request, hold
    each of them, the same object (a global added after a load would be missing here)."""
    client.get("/sign-in")
    loaded = [app.jinja_env.get_template(name) for name in ("base.html", "auth/login.html")]
    for template in loaded:
        for name, value in app.jinja_env.globals.items():
            assert template.globals.get(name) is value, name


def test_a_templates_own_globals_stay_its_own(app):
    with app.app_context():
        template = app.jinja_env.from_string("{{ only_mine }}", {"only_mine": "kept"})
        assert template.render() == "kept"
        assert "only_mine" not in app.jinja_env.globals
        assert render_template_string("{{ only_mine is defined }}") == "False"


def test_an_imported_macro_module_is_made_once(app, monkeypatch):
    """What the dicts must keep: repeated imports of the same macros reuse the module Jinja made the
    first time (Jinja decides so when the importing template has no global the imported one lacks).
    If an upgrade decided differently for dict globals, every import would render the macro file
    again, far dearer than the lookups the dicts save."""
    made = []
    original = Template.make_module

    def counting(self, *args, **kwargs):
        made.append(self.name)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Template, "make_module", counting)
    source = ('{% from "govuk_frontend_jinja/components/tag/macro.html" import govukTag %}'
              '{{ govukTag({"text": "Red"}) }}')
    with app.test_request_context("/"):
        first = [render_template_string(source) for _ in range(3)]
    assert first[0] == first[2] and "govuk-tag" in first[0]
    assert made.count("govuk_frontend_jinja/components/tag/macro.html") <= 1
