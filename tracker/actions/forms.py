"""Forms for actions: they check shape only; the rules live in services and permissions."""

import re
from datetime import date

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    Form,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Optional

from tracker.core import lengths
from tracker.measures.forms import NumberField
from tracker.web.forms import CountedTextArea, FarDateConfirmation, GovukDateField, within

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as the option objects WTForms wants."""
    return [SelectChoice(value, label) for value, label in pairs]


class QueryDateField(GovukDateField):
    """A date filter in the query string: either one ISO value (due_before=2025-07-01, as links
    write it) or the day, month and year boxes of the filter form. Never required."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, required=False, **kwargs)

    def process_formdata(self, valuelist):
        if len(valuelist) == 1 and ISO_DATE.match((valuelist[0] or "").strip()):
            value = valuelist[0].strip()
            year, month, day = value.split("-")
            self.raw_data = [day, month, year]
            try:
                self.data = date.fromisoformat(value)
            except ValueError:
                self.data = None
                self._message = f"{self.label.text} must be a real date"
            return
        super().process_formdata(valuelist)


class ActionFilterForm(Form):
    """The filters of the actions list, read from the query string (no CSRF: it changes nothing)."""

    agency = SelectField("Owner", widget=GovSelect(), validate_choice=False)
    review = SelectField("Review", widget=GovSelect(), validate_choice=False)
    rating = SelectField("Rating", widget=GovSelect(), validate_choice=False)
    theme = SelectField("Theme", widget=GovSelect(), validate_choice=False)
    status = SelectField("Status", widget=GovSelect(), validate_choice=False)
    due_before = QueryDateField("Due on or before")


class ActionForm(FlaskForm):
    description = TextAreaField("Description of the action", widget=CountedTextArea(),
                                validators=[DataRequired("Enter a description of the action"),
                                            within(lengths.DESCRIPTION, "Description")])
    owner_agency_id = SelectField("Owner", widget=GovSelect(), coerce=str,
                                  invalid_choice_message="Choose the agency that owns the action",
                                  validators=[DataRequired("Choose the agency that owns the action")])
    lead_id = SelectField("Lead", widget=GovSelect(), coerce=str, validators=[Optional()],
                          invalid_choice_message="Choose a lead from the list",
                          description="A named agency lead in the owning agency. You can add one later.")
    success_measure = TextAreaField("Success measure", widget=CountedTextArea(),
                                    description="How the board will know practice has changed.",
                                    validators=[within(lengths.DESCRIPTION, "Success measure")])


class NewActionForm(FarDateConfirmation, ActionForm):
    due_date = GovukDateField("Due date")
    open_now = BooleanField("Open the action now (otherwise it stays a draft)", widget=GovCheckboxInput())
    submit = SubmitField("Create action", widget=GovSubmitInput())


class EditActionForm(ActionForm):
    #: The action's version when the form was opened: a later save by someone else is a conflict.
    version = HiddenField()
    submit = SubmitField("Save changes", widget=GovSubmitInput())


class DueDateForm(FarDateConfirmation, FlaskForm):
    due_date = GovukDateField("New due date")
    reason = TextAreaField("Reason for the change", widget=CountedTextArea(),
                           validators=[DataRequired("Enter the reason the due date is moving"),
                                       within(lengths.REASON, "The reason")])
    submit = SubmitField("Move the due date", widget=GovSubmitInput())


class DueDateRequestForm(FarDateConfirmation, FlaskForm):
    due_date = GovukDateField("New due date you are asking for")
    reason = TextAreaField("Why does the due date need to move?", widget=CountedTextArea(),
                           validators=[DataRequired("Enter the reason the due date needs to move"),
                                       within(lengths.REASON, "The reason")])
    submit = SubmitField("Send the request", widget=GovSubmitInput())


class DueDateDecisionForm(FlaskForm):
    decision = RadioField("Your decision", widget=GovRadioInput(),
                          choices=choices([("approve", "Approve: move the due date"),
                                           ("decline", "Decline: keep the current due date")]),
                          invalid_choice_message="Choose approve or decline")
    note = TextAreaField("Note to the agency lead", widget=CountedTextArea(),
                         description="Required when you decline.",
                         validators=[within(lengths.REASON, "The note")])
    submit = SubmitField("Record decision", widget=GovSubmitInput())


class ImpactReviewForm(FlaskForm):
    outcome = RadioField("Has the change in practice lasted?", widget=GovRadioInput(),
                         choices=choices([("sustained", "Sustained"), ("partly", "Partly sustained"),
                                          ("not_sustained", "Not sustained")]),
                         invalid_choice_message="Select whether the change has lasted")
    note = TextAreaField("What did you find, and what follows?", widget=CountedTextArea(),
                         description="Required unless the change is sustained: for example an audit result, and "
                                     "any follow-up action.",
                         validators=[within(lengths.NARRATIVE, "The note")])
    next_review_date = GovukDateField("Check again on (optional)", required=False,
                                      description="Set a date to bring the action back for another impact review.")
    measure_id = SelectField("Measure re-measured (optional)", widget=GovSelect(), validate_choice=False)
    value = NumberField("Value found", required=False)
    sample_size = NumberField("Sample size (optional)", required=False, whole=True)
    source = StringField("Source of the figure", widget=GovTextInput(),
                         validators=[within(lengths.SOURCE, "The source")])
    new_due_date = GovukDateField("New due date if the change has not lasted (optional)", required=False,
                                  description="Not sustained reopens the action: back in progress with this due "
                                              "date, or three months from today if you leave it empty.")
    submit = SubmitField("Record the impact review", widget=GovSubmitInput())


class ProgressForm(FlaskForm):
    proposed_rating = RadioField("How is the action going?", widget=GovRadioInput(),
                                 invalid_choice_message="Choose a rating")
    narrative = TextAreaField("What has happened since the last update?", widget=CountedTextArea(),
                              description="Required for an Amber or Red rating.",
                              validators=[within(lengths.NARRATIVE, "The update")])
    update_date = GovukDateField("Date of the update")
    submit = SubmitField("Post update", widget=GovSubmitInput())

    def set_labels(self, settings) -> None:
        self.proposed_rating.choices = choices([
            ("green", f"{settings.label('green')}: on track"),
            ("amber", f"{settings.label('amber')}: at risk"),
            ("red", f"{settings.label('red')}: off track"),
        ])


class SubmitForm(FlaskForm):
    note = TextAreaField("Note for the business unit (optional)", widget=CountedTextArea(),
                         validators=[within(lengths.REASON, "The note")])
    submit = SubmitField("Submit for assurance", widget=GovSubmitInput())


class DecisionForm(FlaskForm):
    decision = RadioField("Your decision", widget=GovRadioInput(),
                          choices=choices([("accept", "Accept: the evidence shows the action is complete and has had impact"),
                                   ("return", "Return to the agency: more is needed")]),
                          invalid_choice_message="Choose accept or return")
    reason = TextAreaField("Reason", widget=CountedTextArea(),
                           validators=[DataRequired("Enter the reason for your decision"),
                                       within(lengths.REASON, "The reason")])
    impact_review_months = NumberField("Check the impact after (months)", required=False, whole=True,
                                       description="When accepted, the action comes back to the business unit "
                                                   "after this many months to check that the change has lasted.")
    justification = TextAreaField("Why Blue is justified although a target is not met", widget=CountedTextArea(),
                                  validators=[within(lengths.REASON, "The explanation")])
    submit = SubmitField("Record decision", widget=GovSubmitInput())


class CloseForm(FlaskForm):
    status = RadioField("Close the action as", widget=GovRadioInput(),
                        choices=choices([("withdrawn", "Withdrawn: it will not be done"),
                                 ("superseded", "Superseded: other work replaces it")]),
                        invalid_choice_message="Choose withdrawn or superseded")
    reason = TextAreaField("Reason", widget=CountedTextArea(),
                           validators=[DataRequired("Enter the reason for closing the action"),
                                       within(lengths.REASON, "The reason")])
    submit = SubmitField("Close the action", widget=GovSubmitInput())


class EmptyForm(FlaskForm):
    """Just the CSRF token, for one-button posts."""
