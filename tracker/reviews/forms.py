"""Forms for reviews and learning points: shape only (required, lengths, real dates).
Rules that need the database (a reference already taken, dates out of order) are in services."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput, GovRadioInput, GovSelect, GovSubmitInput, GovTextInput,
)
from wtforms import HiddenField, RadioField, SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Optional, Regexp, ValidationError

from tracker.core import lengths
from tracker.reviews.models import KEY_DATES, ReviewStatus, ReviewType, SharedHow
from tracker.web.forms import CountedTextArea, GovukDateField, within


class CheckboxesField(SelectMultipleField):
    """Checkboxes of database rows by id; a tampered value gets a plain message, never a 500."""

    widget = GovCheckboxesInput()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("coerce", int)
        kwargs.setdefault("invalid_value_message", "Select from the list")
        kwargs.setdefault("invalid_choice_message", "Select from the list")
        super().__init__(label, validators, **kwargs)


def _radios(label: str, message: str, choices, **kwargs) -> RadioField:
    return RadioField(label, choices=choices, widget=GovRadioInput(), invalid_choice_message=message, **kwargs)


class ReviewForm(FlaskForm):
    reference = StringField(
        "Reference", widget=GovTextInput(), description="For example, CSPR-2025-03",
        validators=[DataRequired("Enter the review's reference"),
                    within(lengths.REFERENCE, "Reference")])
    title = StringField(
        "Title", widget=GovTextInput(), description="The child's or adult's pseudonym, for example Child Y",
        validators=[DataRequired("Enter the review's title"),
                    within(lengths.TITLE, "Title")])
    review_type = _radios("Type of review", "Select the type of review",
                          [SelectChoice(t.value, t.label) for t in ReviewType])
    status = SelectField("Status", widget=GovSelect(),
                         choices=[SelectChoice(s.value, s.label) for s in ReviewStatus],
                         invalid_choice_message="Select the status of the review")
    lead_reviewer = StringField(
        "Lead reviewer (optional)", widget=GovTextInput(),
        validators=[Optional(), within(lengths.PERSON_NAME, "Lead reviewer")])
    summary = TextAreaField("Summary (optional)", widget=CountedTextArea(),
                            validators=[within(lengths.LONG_TEXT, "Summary")])
    themes = CheckboxesField("Themes (optional)")
    incident_date = GovukDateField("Serious incident date", required=False)
    notification_date = GovukDateField("Notification date", required=False,
                                       description="When the national panel was notified")
    rapid_review_date = GovukDateField("Rapid review date", required=False)
    decision_date = GovukDateField("Decision date", required=False,
                                   description="When the partnership decided to hold this review")
    commissioned_date = GovukDateField("Commissioned date", required=False)
    draft_date = GovukDateField("Draft report date", required=False)
    board_signoff_date = GovukDateField("Board sign-off date", required=False)
    published_date = GovukDateField("Published date", required=False)
    response_deadline = GovukDateField("Deadline for formal responses (optional)", required=False)
    #: The version the form was opened at (editing only): a later save by someone else is a conflict.
    version = HiddenField()
    submit = SubmitField("Save review", widget=GovSubmitInput())

    DATE_FIELDS = tuple(name for name, _ in KEY_DATES)

    def dates(self) -> dict:
        return {name: self[name].data for name in self.DATE_FIELDS}


class LearningPointForm(FlaskForm):
    number = StringField(
        "Learning point number", widget=GovTextInput(),
        validators=[DataRequired("Enter the learning point number"),
                    within(lengths.NUMBER, "Learning point number"),
                    Regexp(r"^\s*\d{1,4}\s*$", message="Learning point number must be a whole number, like 3")])
    text = TextAreaField("Learning point", widget=CountedTextArea(),
                         validators=[DataRequired("Enter the learning point"),
                                     within(lengths.NARRATIVE, "Learning point")])
    shared_how = _radios("How was it shared?", "Select how the learning point was shared",
                         [SelectChoice("", "Not shared yet")] + [SelectChoice(s.value, s.label) for s in SharedHow],
                         default="")
    shared_date = GovukDateField("Date shared", required=False)
    submit = SubmitField("Save learning point", widget=GovSubmitInput())

    def validate_shared_date(self, field):
        if field.data and not self.shared_how.data:
            raise ValidationError("Select how the learning point was shared, or remove the date")
