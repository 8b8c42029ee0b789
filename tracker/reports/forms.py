"""Forms for board reports: shape only; the filters are checked against the records in the service."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput
from wtforms import SelectField, SubmitField

from tracker.forms_common import GovukDateField


class NewReportForm(FlaskForm):
    as_at = GovukDateField("As at date", description="Every rating in the report is worked out for this date "
                                                      "from the recorded history. For example, 31 3 2026")
    review = SelectField("Review", widget=GovSelect(), validate_choice=False)
    agency = SelectField("Owning agency", widget=GovSelect(), validate_choice=False)
    theme = SelectField("Theme", widget=GovSelect(), validate_choice=False)
    submit = SubmitField("Generate the report", widget=GovSubmitInput())
