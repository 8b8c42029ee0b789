"""The closure decision's form: shape only; the rules live in tracker.closure.services."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea, GovTextInput
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from tracker.forms_common import GovukDateField


class ClosureForm(FlaskForm):
    decision_date = GovukDateField("Date of the board's decision")
    meeting = StringField("Meeting", widget=GovTextInput(), validators=[
        DataRequired("Enter the meeting that decided"),
        Length(max=200, message="The meeting must be 200 characters or fewer")])
    minute_reference = StringField("Minute reference", widget=GovTextInput(), validators=[
        DataRequired("Enter the minute reference"),
        Length(max=100, message="The minute reference must be 100 characters or fewer")])
    risk_accepted = TextAreaField("Risk accepted", widget=GovTextArea(), validators=[
        Length(max=5000, message="The risk accepted must be 5,000 characters or fewer")])
    submit = SubmitField("Record the closure", widget=GovSubmitInput())
