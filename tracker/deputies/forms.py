"""The form naming a deputy: shape only; the rules are in tracker.deputies.services."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput
from wtforms import SelectField, SubmitField

from tracker.web.forms import GovukDateField


class DeputyForm(FlaskForm):
    deputy_id = SelectField("Your deputy", widget=GovSelect(), validate_choice=False)
    start_date = GovukDateField("First day of the cover")
    end_date = GovukDateField("Last day of the cover")
    submit = SubmitField("Name the deputy", widget=GovSubmitInput())
