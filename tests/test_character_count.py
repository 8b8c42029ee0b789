"""Every long free-text box shows the GOV.UK character count, counting to the limit the server
enforces (tracker/core/lengths.py through tracker/web/forms.within), and the server still refuses over-long
text with everything typed kept. The browser half: tests/browser/test_character_count.py."""

import re
from datetime import timedelta

import pytest
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import TextAreaField

import tracker.comments.views  # noqa: F401  (forms declared in a views module join the walk)
import tracker.withdrawals.views  # noqa: F401
from tests import factories
from tests.factories import make_action
from tests.test_lengths import _all_forms, _limit, _text_fields
from tracker.core import lengths
from tracker.extensions import db
from tracker.users.models import Role
from tracker.web.forms import CountedTextArea, within

FORMS = [cls for cls in _all_forms() if issubclass(cls, FlaskForm)]


def _text_areas(app):
    with app.test_request_context(method="POST"):
        for cls in FORMS:
            for field in _text_fields(cls(formdata=MultiDict(), meta={"csrf": False})):
                if isinstance(field, TextAreaField):
                    yield cls, field, field()


def test_every_text_area_counts_to_the_limit_the_server_enforces(app):
    seen = list(_text_areas(app))
    assert len(seen) > 30
    assert {cls.__module__ for cls, _, _ in seen} >= {"tracker.comments.views", "tracker.withdrawals.views",
                                                      "tracker.actions.forms", "tracker.reviews.forms"}
    for cls, field, html in seen:
        limit = _limit(field).max
        assert isinstance(field.widget, CountedTextArea), f"{cls.__name__}.{field.name}"
        assert 'data-module="govuk-character-count"' in html, f"{cls.__name__}.{field.name}"
        assert f'data-maxlength="{limit}"' in html, f"{cls.__name__}.{field.name}"
        assert f"You can enter up to {limit:,} characters" in html or f"You can enter up to {limit} characters" in html
        # The big boxes count only once three quarters full; the rest from the first character.
        assert ('data-threshold="75"' in html) == (limit >= CountedTextArea.COUNT_FROM_THRESHOLD)


def test_a_box_without_a_limit_stays_a_plain_text_area(app):
    class Free(FlaskForm):
        note = TextAreaField("Note", widget=CountedTextArea())

    with app.test_request_context():
        html = Free(meta={"csrf": False}).note()
    assert "govuk-textarea" in html and "govuk-character-count" not in html


def test_the_page_counts_and_the_server_refuses_too_much_keeping_the_text(client, login_as):
    action = make_action(status="open")
    db.session.commit()
    login_as(Role.BUSINESS_UNIT)
    page = client.get(f"/actions/{action.id}/due-date").get_data(as_text=True)
    box = re.search(r'<div class="govuk-form-group govuk-character-count"[^>]*data-maxlength="(\d+)"', page)
    assert box and int(box.group(1)) == lengths.REASON == 5000
    too_long = "Staff away. " + "x" * lengths.REASON
    refused = client.post(f"/actions/{action.id}/due-date", data={"due_date": ["1", "9", "2025"], "reason": too_long})
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "The reason must be 5,000 characters or fewer" in body
    assert too_long in body  # what was typed is shown back, not lost
    db.session.refresh(action)
    assert action.due_date == factories.TODAY + timedelta(days=90)


@pytest.mark.parametrize("limit", [lengths.REASON, lengths.PASTED_DOCUMENT])
def test_the_widget_keeps_the_templates_own_params(app, limit):
    class Form(FlaskForm):
        text = TextAreaField("Text", widget=CountedTextArea(), validators=[within(limit, "Text")])

    with app.test_request_context():
        html = Form(meta={"csrf": False}).text(params={"rows": 3, "hint": {"text": "Say why"}})
    assert 'rows="3"' in html and "Say why" in html and f'data-maxlength="{limit}"' in html

