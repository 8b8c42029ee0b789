"""Forms for update rounds: shape only; the rules (deadline not in the past, something to ask about)
live in tracker/rounds/services.py."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovSubmitInput, GovTextInput
from wtforms import RadioField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from tracker.core import lengths
from tracker.web.forms import GovukDateField, within


class NewRoundForm(FlaskForm):
    name = StringField("Name of the round", widget=GovTextInput(),
                       description="Say what it is for, for example “Quarter 3 update for the March board”",
                       validators=[DataRequired("Enter a name for the round"),
                                   within(lengths.TITLE, "The name")])
    deadline = GovukDateField("Deadline for updates", description="For example, 28 2 2026")
    submit = SubmitField("Open the round and ask for updates", widget=GovSubmitInput())


class CloseRoundForm(FlaskForm):
    submit = SubmitField("Close the round", widget=GovSubmitInput())


class RequestFilterForm(FlaskForm):
    """Filters for the list of requests, read from the query string."""

    class Meta:
        csrf = False

    agency = SelectField("Agency", widget=GovSelect(), validate_choice=False)
    state = RadioField("Show", widget=GovRadioInput(), default="outstanding", validate_choice=False,
                       choices=[SelectChoice("outstanding", "Not yet responded"), SelectChoice("responded", "Responded"),
                                SelectChoice("all", "All")])
