"""Our fast GOV.UK components (tracker/web/markup.py, templates/macros/frame.html) against GOV.UK
Frontend's own fixtures: each is rendered with the options of the fixtures that use only the options
it supports, and must give the fixture's HTML (compared as a browser reads it: tests/govuk_html.py).
An upgrade of the npm package that changes a component's markup fails here; so does a fixture that
goes away, or an option of ours that stops matching."""

from types import SimpleNamespace

import pytest
from flask import render_template_string

from tests.govuk_html import fixtures, normalised, pretty
from tracker.web.markup import (govuk_date_input, govuk_input, govuk_pagination, govuk_service_navigation, govuk_tag,
                            select_options)

ANY = None  # an option whose value may be anything (not a nested object)


def _supported(options, spec) -> bool:
    """Whether `options` uses only the options in `spec` ({name: ANY or the spec of its object, or of
    each object of its list})."""
    if not isinstance(options, dict):
        return False
    for key, value in options.items():
        if key not in spec:
            return False
        inner = spec[key]
        if inner is ANY:
            continue
        values = value if isinstance(value, list) else [value]
        if not all(_supported(v, inner) for v in values):
            return False
    return True


def _cases(component: str, spec: dict, at_least: int, leave_out: frozenset = frozenset()):
    chosen = [f for name, f in fixtures(component).items() if name not in leave_out and _supported(f["options"], spec)]
    assert len(chosen) >= at_least, f"{component}: only {[f['name'] for f in chosen]} left to compare"
    return chosen


def _assert_same(ours: str, fixture: dict) -> None:
    expected, got = normalised(fixture["html"]), normalised(ours)
    assert got == expected, f"{fixture['name']}:\nexpected\n{pretty(expected)}\ngot\n{pretty(got)}"


def test_tag_matches_govuk_frontend():
    for fixture in _cases("tag", {"text": ANY, "classes": ANY}, at_least=10):
        _assert_same(govuk_tag(fixture["options"]), fixture)


def test_pagination_matches_govuk_frontend():
    spec = {"previous": {"href": ANY}, "next": {"href": ANY}, "landmarkLabel": ANY,
            "items": {"number": ANY, "href": ANY, "current": ANY, "ellipsis": ANY}}
    for fixture in _cases("pagination", spec, at_least=7):
        _assert_same(govuk_pagination(fixture["options"]), fixture)


def test_text_input_matches_govuk_frontend():
    spec = {"id": ANY, "name": ANY, "type": ANY, "value": ANY, "label": {"text": ANY, "classes": ANY},
            "hint": {"text": ANY}, "spellcheck": ANY, "inputmode": ANY, "classes": ANY}
    for fixture in _cases("input", spec, at_least=15):
        _assert_same(govuk_input(fixture["options"]), fixture)


def test_date_input_matches_govuk_frontend():
    spec = {"id": ANY, "namePrefix": ANY, "fieldset": {"legend": {"text": ANY, "classes": ANY}},
            "hint": {"text": ANY}, "errorMessage": {"text": ANY},
            "items": {"id": ANY, "name": ANY, "label": ANY, "value": ANY, "classes": ANY}}
    for fixture in _cases("date-input", spec, at_least=10):
        _assert_same(govuk_date_input(fixture["options"]), fixture)


def test_select_options_match_govuk_frontend():
    # select_options writes the <option>s of a govukSelect (the select itself is in the templates); it
    # has no disabled options, so those are left out on both sides
    spec = {"id": ANY, "name": ANY, "label": {"text": ANY}, "value": ANY,
            "items": {"value": ANY, "text": ANY, "selected": ANY, "disabled": ANY}}
    compared = 0
    for fixture in _cases("select", spec, at_least=4):
        options = fixture["options"]
        if not all(type(item.get("value")) in (str, int) for item in options["items"]):
            continue  # ours always send a value, and a string (JavaScript writes false as "false")
        items = [SimpleNamespace(value=item["value"], text=item["text"]) for item in options["items"]
                 if not item.get("disabled")]
        chosen = next((item["value"] for item in options["items"] if item.get("selected")), options.get("value"))
        if any(item["value"] == chosen and item.get("selected") is False for item in options["items"]):
            chosen = None  # an item's own selected: false wins over the select's value
        select = normalised(fixture["html"])[0][2][1]  # the form group's <select>
        expected = tuple(option for option in select[2] if "disabled" not in dict(option[1]))
        assert normalised(str(select_options(items, chosen, text="text"))) == expected, fixture["name"]
        compared += bool(items)
    assert compared >= 3


FRAME = '{% from "macros/frame.html" import footer, generic_header %}'


def test_generic_header_matches_govuk_frontend(app):
    for fixture in _cases("generic-header", {"logoText": ANY, "url": ANY, "classes": ANY}, at_least=2):
        with app.test_request_context("/"):
            _assert_same(render_template_string(FRAME + "{{ generic_header(options) }}",
                                                options=fixture["options"]), fixture)


def test_service_navigation_matches_govuk_frontend():
    spec = {"serviceName": ANY, "serviceUrl": ANY, "ariaLabel": ANY, "classes": ANY,
            "navigation": {"href": ANY, "text": ANY, "active": ANY, "current": ANY}}
    for fixture in _cases("service-navigation", spec, at_least=8):
        _assert_same(str(govuk_service_navigation(fixture["options"])), fixture)


def _without_crown_licence_and_copyright(html: str) -> tuple:
    """A GOV.UK footer fixture without the parts ours leaves out by design (not a GOV.UK service): the
    crown, the Open Government Licence's logo and sentence, and the Crown copyright."""
    left_out = {"govuk-footer__crown", "govuk-footer__licence-logo", "govuk-footer__licence-description"}

    def keep(node) -> bool:
        if isinstance(node, str):
            return True
        classes = set(dict(node[1]).get("class", "").split())
        if classes & left_out:
            return False
        # the copyright's meta item: a meta item holding only the copyright link
        return not (classes == {"govuk-footer__meta-item"} and "govuk-footer__copyright-logo" in str(node[2]))

    def strip(tree: tuple) -> tuple:
        return tuple((n[0], n[1], strip(n[2])) if not isinstance(n, str) else n for n in tree if keep(n))

    return strip(normalised(html))


def test_footer_matches_govuk_frontend_less_the_crown_licence_and_copyright(app):
    spec = {"classes": ANY, "contentLicence": ANY, "meta": {"items": {"href": ANY, "text": ANY},
                                                            "visuallyHiddenTitle": ANY}}
    cases = _cases("footer", spec, at_least=4)
    for fixture in cases:
        options = {k: v for k, v in fixture["options"].items() if k != "contentLicence"}
        with app.test_request_context("/"):
            ours = render_template_string(FRAME + "{{ footer(options) }}", options=options)
        expected = _without_crown_licence_and_copyright(fixture["html"])
        assert normalised(ours) == expected, f"{fixture['name']}:\n{pretty(expected)}\ngot\n{pretty(normalised(ours))}"


def test_our_accordion_matches_govuk_frontend(app):
    """templates/macros/accordion.html: govuk-frontend-jinja's macro without the re-indenting of the
    content (a page's cost), compared with every fixture."""
    cases = fixtures("accordion").values()
    assert len(cases) >= 5
    template = '{% from "macros/accordion.html" import govukAccordion %}{{ govukAccordion(options) }}'
    with app.test_request_context("/"):
        for fixture in cases:
            _assert_same(render_template_string(template, options=fixture["options"]), fixture)


#: The govuk-frontend-jinja macros the templates call, directly or through govuk-frontend-wtf's widgets.
JINJA_MACROS = {"back-link": "govukBackLink", "button": "govukButton", "error-summary": "govukErrorSummary",
                "notification-banner": "govukNotificationBanner", "select": "govukSelect",
                "summary-list": "govukSummaryList", "input": "govukInput", "textarea": "govukTextarea",
                "radios": "govukRadios", "checkboxes": "govukCheckboxes", "date-input": "govukDateInput",
                "file-upload": "govukFileUpload", "password-input": "govukPasswordInput",
                "character-count": "govukCharacterCount"}


@pytest.mark.parametrize("component", sorted(JINJA_MACROS))
def test_the_govuk_frontend_jinja_macros_we_use_match_govuk_frontend(app, component):
    # govuk-frontend-jinja (PyPI) ports the macros; the CSS and JavaScript come from the npm package:
    # every fixture of the pinned npm package must come out of the Python port the same.
    macro = JINJA_MACROS[component]
    template = (f'{{% from "govuk_frontend_jinja/components/{component}/macro.html" import {macro} %}}'
                f"{{{{ {macro}(options) }}}}")
    cases = fixtures(component).values()
    assert len(cases) >= 5
    with app.test_request_context("/"):
        for fixture in cases:
            _assert_same(render_template_string(template, options=fixture["options"]), fixture)
