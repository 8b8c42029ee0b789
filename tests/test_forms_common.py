from datetime import date

import pytest
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict

from tracker.web.forms import GovukDateField


class DueForm(FlaskForm):
    due_date = GovukDateField("Due date")


def _form(values):
    return DueForm(formdata=MultiDict([("due_date", v) for v in values]), meta={"csrf": False})


@pytest.mark.parametrize("values, error", [
    (["", "", ""], "Enter due date"),
    (["31", "2", "2025"], "Due date must be a real date"),
    (["1", "", "2025"], "Due date must include a month"),
    (["x", "y", "z"], "Due date must be a real date"),
    (["1"], "Due date must include a month and year"),
    (["99999999999999999999", "1", "2025"], "Due date must be a real date"),  # overflows, not a 500
    (["1", "9223372036854775808", "2025"], "Due date must be a real date"),
])
def test_bad_dates_get_govuk_messages(app, values, error):
    with app.test_request_context(method="POST"):
        form = _form(values)
        assert not form.validate()
        assert form.due_date.errors == [error]
        assert len(form.due_date.raw_data) == 3
        assert "govuk-error-message" in str(form.due_date())


def test_real_date_is_parsed(app):
    with app.test_request_context(method="POST"):
        form = _form(["3", "3", "2025"])
        assert form.validate()
        assert form.due_date.data == date(2025, 3, 3)
