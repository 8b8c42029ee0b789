"""Forms of the bulk changes: they check shape only; the rules live in tracker.bulk.services."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
)
from wtforms import RadioField, SelectField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Optional

from tracker.core import lengths
from tracker.web.forms import CountedTextArea, GovukDateField, within

OPERATIONS = {"lead": "Reassign the lead", "due_date": "Move the due dates",
              "round": "Add them to an update round"}


def choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


class BulkChangeForm(FlaskForm):
    """The change to make to the selected actions; the selection travels as `action_id` values and,
    on the confirm step, the versions the preview saw as `version` values (`id:version`)."""

    operation = RadioField("What do you want to change?", widget=GovRadioInput(), choices=choices(OPERATIONS.items()),
                           validators=[DataRequired("Choose what to change")])
    lead_id = SelectField("New lead", widget=GovSelect(), validate_choice=False)
    due_date = GovukDateField("New due date", required=False)
    reason = TextAreaField("Reason the due dates are moving", widget=CountedTextArea(),
                           validators=[Optional(), within(lengths.REASON, "The reason")])
    round_id = SelectField("Update round", widget=GovSelect(), validate_choice=False)
    submit = SubmitField("Preview the change", widget=GovSubmitInput())


class ConfirmForm(FlaskForm):
    submit = SubmitField("Confirm the change", widget=GovSubmitInput())


class HandOverForm(FlaskForm):
    successor_id = SelectField("Who takes over?", widget=GovSelect(), validate_choice=False,
                               validators=[DataRequired("Choose who takes over")])
    submit = SubmitField("Preview the hand-over", widget=GovSubmitInput())


class AgencyActionsForm(FlaskForm):
    """One action per chosen agency: a shared description and measure; each agency's row (chosen,
    lead, due date) is read from the request by the view, since the agencies vary."""

    description = TextAreaField("Description of the action", widget=CountedTextArea(),
                                validators=[DataRequired("Enter a description of the action"),
                                            within(lengths.DESCRIPTION, "Description")])
    success_measure = TextAreaField("How will we know it has worked? (optional)", widget=CountedTextArea(),
                                    validators=[Optional(), within(lengths.DESCRIPTION, "How we will know it has worked")])
    submit = SubmitField("Preview the actions", widget=GovSubmitInput())
