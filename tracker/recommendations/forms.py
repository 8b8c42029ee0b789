"""Forms for recommendations and their formal response: shape only. A number already used in the
review and a response date in the future are refused by the services."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextInput
from wtforms import HiddenField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, ValidationError

from tracker.core import lengths
from tracker.recommendations.models import FormalResponse, RecommendationKind
from tracker.reviews.forms import CheckboxesField
from tracker.web.forms import CountedTextArea, GovukDateField, within


class RecommendationForm(FlaskForm):
    number = StringField(
        "Recommendation number", widget=GovTextInput(),
        description="As written in the report, for example 3 or BCPFT-2",
        validators=[DataRequired("Enter the recommendation number"),
                    within(lengths.ITEM_NUMBER, "Recommendation number")])
    text = TextAreaField("Recommendation", widget=CountedTextArea(),
                         validators=[DataRequired("Enter the recommendation"),
                                     within(lengths.LONG_TEXT, "Recommendation")])
    kind = RadioField("Kind of recommendation", widget=GovRadioInput(),
                      choices=[SelectChoice(k.value, k.label) for k in RecommendationKind],
                      invalid_choice_message="Select the kind of recommendation")
    addressees = CheckboxesField("Addressed to", description="Select all that apply")
    themes = CheckboxesField("Themes (optional)")
    #: The version the form was opened at (editing only): a later save by someone else is a conflict.
    version = HiddenField()
    submit = SubmitField("Save recommendation", widget=GovSubmitInput())

    def validate_addressees(self, field):
        if not field.data:
            raise ValidationError("Select at least one agency the recommendation is addressed to")


class FormalResponseForm(FlaskForm):
    response = RadioField("Formal response", widget=GovRadioInput(),
                          choices=[SelectChoice(r.value, r.label) for r in FormalResponse],
                          invalid_choice_message="Select the formal response")
    reasons = TextAreaField(
        "Reasons", widget=CountedTextArea(),
        description="Required when the recommendation was partly accepted or not accepted",
        validators=[within(lengths.LONG_TEXT, "Reasons")])
    response_date = GovukDateField("Date of the response", description="For example, 27 3 2025")
    submit = SubmitField("Save response", widget=GovSubmitInput())

    def validate_reasons(self, field):
        if self.response.data in (FormalResponse.PARTLY_ACCEPTED, FormalResponse.NOT_ACCEPTED) \
                and not (field.data or "").strip():
            raise ValidationError("Enter the reasons it was not accepted in full")
