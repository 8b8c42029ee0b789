"""The closure decision's form: shape only; the rules live in tracker.closure.services."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired

from tracker.core import lengths
from tracker.web.forms import CountedTextArea, GovukDateField, within


class ClosureForm(FlaskForm):
    decision_date = GovukDateField("Date of the board's decision")
    meeting = StringField("Meeting", widget=GovTextInput(), validators=[
        DataRequired("Enter the meeting that decided"),
        within(lengths.TITLE, "The meeting")])
    minute_reference = StringField("Minute reference", widget=GovTextInput(), validators=[
        DataRequired("Enter the minute reference"),
        within(lengths.MINUTE_REFERENCE, "The minute reference")])
    risk_accepted = TextAreaField("Risk accepted", widget=CountedTextArea(), validators=[
        within(lengths.REASON, "The risk accepted")])
    submit = SubmitField("Record the closure", widget=GovSubmitInput())
