"""Challenge forms: shape only; who may do what and the rules live in services and permissions."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput
from wtforms import SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Optional

from tracker.core import lengths
from tracker.web.forms import CountedTextArea, within



class RaiseChallengeForm(FlaskForm):
    agency_id = SelectField("Agency that must answer", widget=GovSelect(), validate_choice=False,
                            validators=[DataRequired("Select the agency that must answer")])
    text = TextAreaField("Your challenge", widget=CountedTextArea(), validators=[
        DataRequired("Enter the challenge"),
        within(lengths.MESSAGE, "The challenge")])
    submit = SubmitField("Raise the challenge", widget=GovSubmitInput())


class MessageForm(FlaskForm):
    text = TextAreaField("Your message", widget=CountedTextArea(), validators=[
        DataRequired("Enter your message"),
        within(lengths.MESSAGE, "Your message")])
    submit = SubmitField("Send", widget=GovSubmitInput())


class CloseChallengeForm(FlaskForm):
    note = TextAreaField("Closing note (optional)", widget=CountedTextArea(), validators=[
        Optional(), within(lengths.MESSAGE, "The closing note")])
    submit = SubmitField("Close the challenge", widget=GovSubmitInput())
